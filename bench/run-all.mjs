#!/usr/bin/env node
// Runs every benchmark in bench/ in turn and prints their figures (npm run bench).
// Each script is a plain Node program over dist/ and the fake NVML library; pass a name to run one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && !['run-all.mjs', 'demo.mjs'].includes(name) && !name.startsWith('_'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== bench/${script} ${'='.repeat(Math.max(0, 60 - script.length))}`);
  const result = spawnSync(process.execPath, [path.join(here, script)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`bench/${script} exited with ${result.status}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
