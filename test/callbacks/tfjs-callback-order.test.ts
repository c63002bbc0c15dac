// The GpuStatsLogger in tfjs callback lists of every order (real model.fit, the BUILT package,
// in child processes so that a list that hangs fit is killed, not the test runner): next to
// tf.callbacks.earlyStopping() (which must still stop training) and a callback that behaves as
// tfjs-node's TensorBoardCallback (a tf.CustomCallback subclass; tfjs-node cannot be installed
// here, see fixtures/callback-orders.mjs). Before, `[gpuStats, earlyStopping]` threw
// "this.getMonitorValue is not a function" and `[gpuStats, tensorBoard]` hung fit forever.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeNvmlEnv } from '../helpers/fake-nvml.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/callback-orders.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
  epochs: number;
  gpuInHistory: number;
  gpuSteps: number;
  tbEpochScalars: number;
  tbSawGpu: boolean;
  tbBatches: number;
  tbFlushes: number;
  plainSawGpu: number;
  ticks: number;
  ms: number;
}

function runLists(which: string): Promise<{ outcomes: Outcome[]; finished: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const env = fakeNvmlEnv('one-gpu');
    delete env.CUDA_VISIBLE_DEVICES;
    const child = spawn(process.execPath, [FIXTURE, DIST, which], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a hung fit never ends by itself
    child.on('close', () => {
      clearTimeout(killer);
      const outcomes = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Outcome);
      resolve({ outcomes, finished: stdout.includes('done\n'), stderr });
    });
  });
}

describe('GpuStatsLogger with tfjs callbacks, in every order', () => {
  it('earlyStopping still stops training and a TensorBoard-style callback still logs, whatever the order', async () => {
    const { outcomes, finished, stderr } = await runLists('orders');
    expect(finished, `child did not finish (a hung fit?): ${JSON.stringify(outcomes)} ${stderr}`).toBe(true);
    expect(outcomes).toHaveLength(8);
    for (const o of outcomes) {
      expect(o.ok, `${o.name}: ${o.error}`).toBe(true);
      const hasEs = o.name.includes('es');
      const hasTb = o.name.includes('tb');
      expect(o.epochs, o.name).toBe(hasEs ? 2 : 5); // earlyStopping works (its own `this`)
      expect(o.gpuInHistory, o.name).toBe(o.epochs); // the logger's epoch stats reach History
      expect(o.gpuSteps, o.name).toBe(o.epochs * 8); // and it saw every batch
      if (hasTb) {
        expect(o.tbEpochScalars, o.name).toBe(o.epochs);
        expect(o.tbBatches, o.name).toBe(o.epochs * 8);
        expect(o.tbFlushes, o.name).toBe(1);
        // A callback after the logger sees its stats in the epoch logs.
        expect(o.tbSawGpu, o.name).toBe(o.name.indexOf('gpu') < o.name.indexOf('tb'));
      }
    }
  }, 120_000);

  it('alone (in a list or not) it yields to the event loop: timers run during fit', async () => {
    const { outcomes, finished } = await runLists('single');
    expect(finished).toBe(true);
    for (const o of outcomes) {
      expect(o.ok, `${o.name}: ${o.error}`).toBe(true);
      expect(o.gpuInHistory, o.name).toBe(5);
      expect(o.ticks, `${o.name}: timer ticks during a fit of ${o.ms} ms`).toBeGreaterThan(0);
    }
  }, 120_000);

  it("plain hook objects: first in the list, or in tf.CustomCallback (tfjs's rule for its callbacks)", async () => {
    const { outcomes, finished } = await runLists('plain');
    expect(finished).toBe(true);
    for (const o of outcomes) {
      expect(o.ok, `${o.name}: ${o.error}`).toBe(true);
      expect(o.gpuInHistory, o.name).toBe(5);
    }
    expect(outcomes.find((o) => o.name === 'gpu,CustomCallback(plain)')?.plainSawGpu).toBe(5);
  }, 120_000);

  it('a logger created before tfjs was imported works first in a list with earlyStopping', async () => {
    const { outcomes, finished } = await runLists('before-tfjs');
    expect(finished).toBe(true);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: true, epochs: 2, gpuInHistory: 2 });
  }, 120_000);
});
