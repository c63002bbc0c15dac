// Device.processListsAvailable(): tells "no processes" from "NVML cannot list processes here"
// (old GeForce GPUs answer NOT_SUPPORTED), which the CLI needs before it calls used memory
// "unaccounted".
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

it('is false where the process lists are NOT_SUPPORTED and true where they answer (even empty)', async () => {
  const scenario = loadScenario('old-gpu');
  // Device 1 answers with one compute process; give it an empty graphics list too. Add a third
  // GPU that answers both lists with nothing.
  const idle = { ...scenario.devices[1]!, uuid: 'GPU-00000000-0000-0000-0000-0000000000aa', computeProcesses: [], graphicsProcesses: [], processUtilization: [] };
  const script = `
    import { Device } from ${JSON.stringify(path.join(root, 'dist/index.js'))};
    process.stdout.write(JSON.stringify(Device.all().map((d) => [d.processes().size, d.processListsAvailable()])));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...fakeNvmlEnv({ ...scenario, devices: [...scenario.devices, idle] }) },
  });
  expect(JSON.parse(stdout)).toEqual([
    [0, false],
    [1, true],
    [0, true],
  ]);
});
