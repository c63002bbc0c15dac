// nvisel --wait: the test rewrites the scenario file so that a GPU frees up while nvisel waits
// (the fake reloads a changed file within ~100 ms), and checks that it returns then; and that it
// gives up with exit status 4 when nothing frees up in time.
import { describe, expect, it } from 'vitest';
import { loadScenario, updateScenario, writeScenario } from '../helpers/fake-nvml.js';
import { nvisel, nviselEnv, startNvisel, waitForText } from './nvisel-helpers.js';

const GiB = 1024 ** 3;

/** The eight-GPU machine with GPU 3 busy: no GPU has 60GiB free. */
function busyMachine() {
  const scenario = loadScenario('eight-gpu');
  scenario.devices[3]!.memory!.used = 70 * GiB;
  return scenario;
}

describe('nvisel --wait', () => {
  it('returns as soon as a device frees up', async () => {
    const file = writeScenario(busyMachine());
    const env = nviselEnv(file);
    expect(nvisel(['-f', '60GiB'], env)).toMatchObject({ status: 0, stdout: '\n' }); // none now
    const run = startNvisel(['--wait', '60s', '--interval', '100ms', '-f', '60GiB', '-O', 'uuid'], env);
    // It reports why it waits, naming the flag, then keeps looking.
    await waitForText(run.err, 'nvisel: waiting: 0 of at least 1 device found (--min-count). Of 8 devices, 8 have less than 60.00GiB free memory (--min-free-memory).');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.child.exitCode).toBeNull(); // still waiting
    const freedAt = Date.now();
    updateScenario(file, loadScenario('eight-gpu')); // GPU 3 is free again
    const result = await run.done;
    const uuid3 = loadScenario('eight-gpu').devices[3]!.uuid as string;
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${uuid3}\n`);
    expect(result.stderr.endsWith(`CUDA_VISIBLE_DEVICES="${uuid3}"\n`)).toBe(true);
    expect(Date.now() - freedAt).toBeLessThan(10_000);
  });

  it('waits for --min-count devices', async () => {
    const file = writeScenario(busyMachine());
    const run = startNvisel(['--wait', '--interval=100ms', '-c', '3', '-f', '40GiB'], nviselEnv(file));
    await waitForText(run.err, '2 of at least 3 devices found'); // GPUs 2 and 0 only
    updateScenario(file, loadScenario('eight-gpu')); // 3, 2 and 0 have 40GiB free again
    const result = await run.done;
    expect(result).toMatchObject({ status: 0, stdout: '3,2,0\n' });
  });

  it('gives up after the limit with exit status 4, printing what fit', async () => {
    const started = Date.now();
    const result = await startNvisel(['--wait', '1s', '--interval', '200ms', '-f', '60GiB'], nviselEnv(writeScenario(busyMachine()))).done;
    expect(result.status).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.stdout).toBe('\n');
    expect(result.stderr).toMatch(
      /nvisel: Not enough devices found after waiting 1\.\ds\. 0 of at least 1 device found \(--min-count\)\. Of 8 devices, 8 have less than 60\.00GiB free memory \(--min-free-memory\)\.\n$/,
    );
  });
});
