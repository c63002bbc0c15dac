/**
 * vitest globalSetup: build the fake libnvidia-ml.so.1 once before any test file runs, plus the
 * symbol-hiding variants the bundled scenarios ask for (so parallel test files do not all compile
 * the same variant at once).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildFakeNvml } from './fake-nvml/build.mjs';
import { SCENARIO_DIR } from './helpers/fake-nvml.js';

export default function setup(): void {
  buildFakeNvml();
  const seen = new Set<string>();
  for (const file of readdirSync(SCENARIO_DIR)) {
    if (!file.endsWith('.json')) continue;
    const scenario = JSON.parse(readFileSync(join(SCENARIO_DIR, file), 'utf8')) as {
      missingSymbols?: string[];
    };
    const hide = scenario.missingSymbols ?? [];
    const key = [...hide].sort().join(',');
    if (hide.length && !seen.has(key)) {
      seen.add(key);
      buildFakeNvml({ hide });
    }
  }
}
