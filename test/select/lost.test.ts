// A lost GPU is never handed to a job unless asked for: nvitop's rule (an unknown memory passes
// the memory minimums, so a lost GPU ranks first) is kept only with `includeLost` /
// `--include-lost`. Both ways a GPU gets lost: its handle cannot be obtained (lost-gpu: GPU 1),
// or every call on its handle answers GPU_IS_LOST (lost-gpu-star: GPU 0).
import { describe, expect, it } from 'vitest';
import { nvisel, nviselEnv } from '../cli/nvisel-helpers.js';

describe('nvisel and lost GPUs', () => {
  it('leaves the lost GPU out by default, and ranks it first with --include-lost (nvitop)', () => {
    // lost-gpu-star: GPU 0 lost (every call GPU_IS_LOST), GPU 1 healthy.
    const star = nviselEnv('lost-gpu-star');
    expect(nvisel([], star)).toMatchObject({ status: 0, stdout: '1\n' });
    expect(nvisel(['--include-lost'], star)).toMatchObject({ status: 0, stdout: '0,1\n' });
    expect(nvisel(['-f', '1GiB'], star)).toMatchObject({ status: 0, stdout: '1\n' });
    expect(nvisel(['-f', '1GiB', '--include-lost'], star)).toMatchObject({ status: 0, stdout: '0,1\n' });
    // lost-gpu: GPU 1's handle cannot be obtained.
    const handle = nviselEnv('lost-gpu');
    expect(nvisel([], handle)).toMatchObject({ status: 0, stdout: '0\n' });
    expect(nvisel(['--include-lost'], handle)).toMatchObject({ status: 0, stdout: '1,0\n' });
  });

  it('says so when the lost GPU was needed', () => {
    const run = nvisel(['-c', '2'], nviselEnv('lost-gpu-star'));
    expect(run.status).toBe(4);
    expect(run.stdout).toBe('1\n');
    expect(run.stderr).toContain('1 of at least 2 devices found (--min-count). Of 2 devices, 1 is lost (GPU_IS_LOST: it fell off the bus or cannot be reached) (--include-lost).');
  });
});

describe('the API and lost GPUs', () => {
  it('selectDevices, useDevices and waitForDevices leave lost GPUs out unless includeLost', async () => {
    const script = `
      const api = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).pathname)});
      const env = {};
      const out = {
        plain: api.selectDevices(),
        uuid: api.selectDevices({ format: 'uuid' }).length,
        included: api.selectDevices({ includeLost: true }),
        use: api.useDevices({ env }).cudaVisibleDevices,
        wait: await api.waitForDevices({ wait: 1, interval: 0.05 }),
        lost: api.Device.all().map((d) => d.isLost()),
      };
      try { api.selectDevices({ minCount: 2 }); } catch (e) { out.error = [e.name, e.unmet.map((u) => u.constraint)]; }
      process.stdout.write(JSON.stringify(out));`;
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: nviselEnv('lost-gpu-star'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      plain: [1],
      uuid: 1,
      included: [0, 1],
      use: '1',
      wait: [1],
      lost: [true, false],
      error: ['NotEnoughDevicesError', ['lost']],
    });
  });
});
