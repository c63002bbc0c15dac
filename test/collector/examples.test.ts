// The collector and tfjs examples run as child processes (tsx) against the fake eight-GPU
// machine, and their output files are read back with the independent test readers.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readCsvTable } from '../helpers/csv-reader.js';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { readEventFile, scalarsOf } from '../helpers/tfrecord-reader.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'nvitop-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenario = loadScenario('eight-gpu');
const MiB = 1024 * 1024;

async function runExample(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = fakeNvmlEnv('eight-gpu');
  delete env.CUDA_VISIBLE_DEVICES;
  const child = spawn(process.execPath, ['--import', 'tsx', join('examples', file), ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (c) => {
      clearTimeout(killer);
      done(c);
    });
  });
  return { code, stdout, stderr };
}

describe('examples', () => {
  it('collect-in-background.ts writes a CSV row per interval', async () => {
    const out = join(dir, 'bg.csv');
    const { code, stdout, stderr } = await runExample('collect-in-background.ts', [out, '1', '0.25']);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`of ${scenario.devices.length} device(s)`);
    const table = readCsvTable(out);
    expect(table.rows.length).toBeGreaterThanOrEqual(3);
    expect(table.rows.map((r) => Number(r['step']))).toEqual(table.rows.map((_, i) => i));
    for (const [i, device] of scenario.devices.entries()) {
      const key = `resources/cuda:${i} (gpu:${i})/memory_total (MiB)/last`;
      expect(table.rows.map((r) => Number(r[key]))).toEqual(table.rows.map(() => device.memory!.total! / MiB));
    }
    expect(Number(table.rows.at(-1)!['resources/duration (s)'])).toBeGreaterThan(0.5);
  }, 120_000);

  it('collect-to-tensorboard.ts writes batch, epoch and validation scalars', async () => {
    const logDir = join(dir, 'runs');
    const { code, stderr } = await runExample('collect-to-tensorboard.ts', [logDir, '2', '3']);
    expect([code, stderr]).toEqual([0, '']);
    const files = readdirSync(logDir).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(files).toHaveLength(1);
    const file = readEventFile(join(logDir, files[0]!));
    expect(file.torn).toBeUndefined();
    const scalars = scalarsOf(file.events);
    const steps = (tag: string) => scalars.filter((s) => s.tag === tag).map((s) => s.step);
    expect(steps('train/loss')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps('resources/train/batch/cuda:0 (gpu:0)/gpu_utilization (%)/mean')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps('resources/train/cuda:0 (gpu:0)/gpu_utilization (%)/mean')).toEqual([0, 1]);
    expect(steps('resources/validate/duration (s)')).toEqual([0, 1]);
    const total = scalars.find((s) => s.tag === 'resources/train/cuda:3 (gpu:3)/memory_total (MiB)/last');
    expect(total?.value).toBeCloseTo(scenario.devices[3]!.memory!.total! / MiB, 0);
  }, 120_000);

  it('tfjs-fit.ts puts GPU stats in History and batch rows in a CSV', async () => {
    const out = join(dir, 'fit.csv');
    const { code, stdout } = await runExample('tfjs-fit.ts', [out, '2']);
    expect(code).toBe(0);
    const gpu0 = scenario.devices[0]!;
    expect(stdout).toContain(`gpu_id: 0/temperature.gpu (C): ${gpu0.temperature!.toFixed(1)}, ${gpu0.temperature!.toFixed(1)}`);
    const table = readCsvTable(out);
    expect(table.rows).toHaveLength(2 * (256 / 32));
    expect(table.rows.every((r) => Number(r['gpu_id: 0/utilization.gpu (%)']) === gpu0.utilization!.gpu)).toBe(true);
  }, 120_000);
});
