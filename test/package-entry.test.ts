// The package as users import it: by name, through package.json "exports" (the bundled entry),
// with the fake eight-GPU machine. Importing it must not load the exporter's dependency
// (prom-client loads on first use).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from './helpers/fake-nvml.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

it("import from 'nvitop-node' gives the whole API, and loads prom-client only when an exporter is made", async () => {
  const script = `
    import { createRequire } from 'node:module';
    import * as api from 'nvitop-node';
    const cache = createRequire(import.meta.url).cache;
    const loaded = (name) => Object.keys(cache).some((file) => file.includes('/node_modules/' + name + '/'));
    const names = ['Device', 'GpuProcess', 'HostProcess', 'takeSnapshots', 'ResourceMetricCollector', 'collectInBackground',
      'selectDevices', 'waitForDevices', 'useDevices', 'SummaryWriter', 'CsvLogger', 'JsonlLogger', 'addScalarDict',
      'GpuStatsLogger', 'createExporter', 'bytes2human', 'human2bytes', 'NA', 'isNA'];
    const before = { prom: loaded('prom-client') };
    const registry = new (createRequire(import.meta.url)('prom-client').Registry)();
    api.createExporter({ registry });
    process.stdout.write(JSON.stringify({
      missing: names.filter((name) => api[name] === undefined),
      count: api.Device.count(),
      name: api.Device.fromIndex(0).name(),
      before,
    }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: fakeNvmlEnv(loadScenario('eight-gpu')) });
  const result = JSON.parse(stdout);
  expect(result.missing).toEqual([]);
  expect(result.count).toBe(8);
  expect(result.name).toBe(loadScenario('eight-gpu').devices[0]!.name);
  expect(result.before).toEqual({ prom: false });
});
