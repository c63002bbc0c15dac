// examples/select-devices.ts runs (tsx) against the fake eight-GPU machine. Expected lines are
// worked out from the scenario by hand: ranking by free memory 3,2,0,7,6,4,1,5; GPU 5 has 3.7GiB
// free; GPUs 0,1,2,4,5 are above 50% utilization.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const lockDir = mkdtempSync(join(tmpdir(), 'nvitop-example-locks-'));
afterAll(() => rmSync(lockDir, { recursive: true, force: true }));

it('examples/select-devices.ts', () => {
  const eight = loadScenario('eight-gpu');
  const uuid = (i: number) => eight.devices[i]!.uuid as string;
  const env = fakeNvmlEnv('eight-gpu', { NVITOP_LOCK_DIR: lockDir });
  delete env.CUDA_VISIBLE_DEVICES;
  delete env.CUDA_DEVICE_ORDER;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('examples', 'select-devices.ts'), '2', '8GiB'], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect([run.status, run.stderr]).toEqual([0, '']);
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe(`7 GPU(s) with at least 8GiB free: ${[3, 2, 0, 7, 6, 4, 1].map(uuid).join(',')}`);
  expect(lines[1]).toBe(
    'Not enough devices: 3 of at least 9 devices found (minCount). Of 8 devices, 5 have more than 50% GPU utilization (maxGpuUtilization).',
  );
  expect(lines.filter((line) => line.startsWith('look ')).length).toBeGreaterThanOrEqual(2);
  expect(lines).toContain('CUDA_DEVICE_ORDER=PCI_BUS_ID CUDA_VISIBLE_DEVICES=3');
  expect(lines.at(-1)).toBe(`locked: ${uuid(3)}`);
  expect(readdirSync(lockDir)).toEqual([]); // released when the example exited
}, 120_000);
