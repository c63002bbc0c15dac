// Background sampling and collectInBackground(): cadence, stop/await, onStart/onStop, errors,
// and a child process that exits on its own while a background collector runs.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { fakeLibraryPath, fakeNvmlEnv, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

type Api = typeof import('../../src/index.js');
let api: Api;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REPO = resolve(import.meta.dirname, '..', '..');

beforeAll(async () => {
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(loadScenario('one-gpu'));
  api = await import('../../src/index.js');
});

describe('background sampling', () => {
  it('samples on a timer while a tag is active, and stops when none is', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 0.02 });
    let samples = 0;
    collector.on('sample', () => (samples += 1));
    collector.activate('bg');
    expect(collector.sampling).toBe(true);
    await sleep(250);
    const during = samples;
    expect(during).toBeGreaterThanOrEqual(3);
    collector.deactivate();
    expect(collector.sampling).toBe(false);
    await sleep(100);
    expect(samples).toBe(during);
  });
});

describe('slow queries', () => {
  it('never take more than about half of the thread: the next sample waits as long as the last took', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 0.005 });
    const device = collector.allDevices[0]!;
    const original = device.oneshot.bind(device);
    Object.defineProperty(device, 'oneshot', {
      configurable: true,
      value: <T>(fn: () => T): T => {
        const until = performance.now() + 20; // a 20 ms NVML call
        while (performance.now() < until);
        return original(fn);
      },
    });
    let samples = 0;
    collector.on('sample', () => (samples += 1));
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    try {
      collector.activate('slow');
      await sleep(400);
      collector.deactivate();
    } finally {
      clearInterval(ticker);
      delete (device as unknown as Record<string, unknown>)['oneshot'];
    }
    const elapsed = performance.now() - started;
    expect(samples).toBeGreaterThanOrEqual(2);
    expect(samples * 20).toBeLessThanOrEqual(elapsed * 0.6); // sampling used at most ~half the time
    expect(ticks).toBeGreaterThanOrEqual(samples); // the program's own timers kept running in between
  });
});

describe('collectInBackground', () => {
  it('calls onCollect until it returns false; onStart and onStop run once', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 0.02 });
    const events: string[] = [];
    const prefixes = new Set<string>();
    const handle = api.collectInBackground(
      (metrics) => {
        events.push('collect');
        for (const key of Object.keys(metrics)) prefixes.add(key.split('/')[0]!);
        return events.length < 4;
      },
      collector,
      { onStart: (c) => events.push(c === collector ? 'start' : 'wrong'), onStop: () => events.push('stop') },
    );
    expect(handle.running).toBe(true);
    await handle.done;
    expect(events).toEqual(['start', 'collect', 'collect', 'collect', 'stop']);
    expect(prefixes).toEqual(new Set(['metrics-daemon']));
    expect(handle.running).toBe(false);
    expect(collector.sampling).toBe(false);
  });

  it('stop() ends a wait at once and resolves after onStop; the tag is independent of the program\'s', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 60 });
    let stops = 0;
    let calls = 0;
    const handle = collector.daemonize(() => void (calls += 1), { tag: 'daemon', onStop: async () => { await sleep(5); stops += 1; } });
    collector.activate('train');
    await sleep(20);
    expect(calls).toBe(1); // the first call comes at once, the next in 60 s
    expect(Object.keys(collector.collect()).every((k) => k.startsWith('train/'))).toBe(true);
    const started = performance.now();
    await handle.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(stops).toBe(1);
    await handle.stop();
    expect(stops).toBe(1);
    expect(collector.activeTags).toEqual(['train']);
    collector.deactivate();
  });

  it('awaits an async onCollect and reports a throwing one through done and an error event', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 0.01 });
    const errors: Array<[string, string]> = [];
    collector.on('error', (error, scope) => errors.push([scope, error.message]));
    let running = 0;
    let overlapped = false;
    let calls = 0;
    let stopped = 0;
    const handle = api.collectInBackground(
      async () => {
        running += 1;
        if (running > 1) overlapped = true;
        await sleep(15);
        running -= 1;
        calls += 1;
        if (calls === 3) throw new Error('sink broke');
      },
      collector,
      { onStop: () => void (stopped += 1) },
    );
    await expect(handle.done).rejects.toThrow('sink broke');
    expect(overlapped).toBe(false);
    expect(calls).toBe(3);
    expect(stopped).toBe(1);
    expect(errors).toEqual([['background', 'sink broke']]);
    expect(handle.error?.message).toBe('sink broke');
    await expect(handle.stop()).resolves.toBeUndefined();
  });

  it('start: false waits for start(); perInterval restarts the statistics after each call', async () => {
    let t = 0;
    const clock = { monotonic: () => t, epoch: () => 1_000 + t };
    const run = async (perInterval: boolean): Promise<unknown[]> => {
      const collector = new api.ResourceMetricCollector({ interval: 0.01, clock });
      const durations: unknown[] = [];
      const handle = api.collectInBackground(
        (metrics) => {
          durations.push(metrics['metrics-daemon/duration (s)']);
          t += 10; // the hand clock moves 10 s between calls
          return durations.length < 3;
        },
        collector,
        { start: false, perInterval },
      );
      await sleep(20);
      expect(handle.running).toBe(false);
      handle.start();
      expect(() => handle.start()).toThrow(api.StateError);
      await handle.done;
      return durations;
    };
    expect(await run(false)).toEqual([0, 10, 20]);
    expect(await run(true)).toEqual([0, 10, 10]);
  });
});

describe('process lifetime', () => {
  const script = `
    import { ResourceMetricCollector, collectInBackground } from './dist/index.js';
    const collector = new ResourceMetricCollector({ interval: 0.02 });
    collector.activate('forgotten');                      // never deactivated
    collectInBackground((m) => { process.stdout.write('collect\\n'); }, collector, { interval: 0.02 });
    setTimeout(() => process.stdout.write('main done\\n'), 200); // the program's own work
  `;

  it('a background collector never keeps the process alive (no stop())', async () => {
    const env = fakeNvmlEnv('one-gpu');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = performance.now();
    const code = await new Promise<number | null>((done) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (c) => {
        clearTimeout(killer);
        done(c);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l === 'collect').length).toBeGreaterThanOrEqual(2);
    // It exits right after the program's last work: a collection whose timer fell due in the same
    // turn of the event loop may still print, none later (a collector that kept the process alive
    // would go on printing until the 20 s kill).
    const afterMain = lines.slice(lines.indexOf('main done') + 1);
    expect(lines).toContain('main done');
    expect(afterMain.length).toBeLessThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
