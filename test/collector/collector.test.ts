// ResourceMetricCollector against the fake NVML, driven by a hand clock: the scenario changes
// between samples (fakeNvml_loadScenario, in-process) and every statistic is checked against an
// independent reference computed from the same schedule (reference.ts).
import { spawn, type ChildProcess } from 'node:child_process';

import koffi from 'koffi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { fakeLibraryPath, loadScenario, writeScenario, type FakeDevice, type FakeScenario } from '../helpers/fake-nvml.js';
import { reference, type Point } from './reference.js';

type Api = typeof import('../../src/index.js');
type Collector = import('../../src/collector/index.js').ResourceMetricCollector;
type CollectorModule = typeof import('../../src/collector/index.js');

const MiB = 1024 * 1024;
const EPOCH0 = 1_700_000_000;

let api: Api;
let col: CollectorModule;
let loadFake: (path: string) => number;
let base: FakeScenario;
let child: ChildProcess;
let t = 0;
const clock = { monotonic: () => t, epoch: () => EPOCH0 + t };

/** What one step of the schedule sets on GPU 0 (null: the query is not supported then). */
interface Step {
  gpu: number;
  temperature: number | null;
  powerMw: number;
  memoryUsed: number;
  selfGpuMemory: number;
  selfSm: number;
}

function scenarioFor(step: Step, extra: Partial<FakeDevice> = {}): FakeScenario {
  const device: FakeDevice = {
    ...base.devices[0]!,
    utilization: { gpu: step.gpu, memory: 41 },
    powerUsage: step.powerMw,
    memory: { ...base.devices[0]!.memory, used: step.memoryUsed },
    computeProcesses: [
      { pid: 'self', usedGpuMemory: step.selfGpuMemory },
      { pid: child.pid!, usedGpuMemory: 512 * MiB },
      { pid: 4999999, usedGpuMemory: 6442450944 },
    ],
    graphicsProcesses: [{ pid: 'parent', usedGpuMemory: 432013312 }],
    processUtilization: [
      { pid: 'self', smUtil: step.selfSm, memUtil: 30, encUtil: 0, decUtil: 0 },
      { pid: child.pid!, smUtil: 5, memUtil: 1, encUtil: 0, decUtil: 0 },
    ],
    ...extra,
  };
  if (step.temperature === null) delete device.temperature;
  else device.temperature = step.temperature;
  return { ...base, devices: [device] };
}

function apply(step: Step, extra: Partial<FakeDevice> = {}): void {
  expect(loadFake(writeScenario(scenarioFor(step, extra)))).toBe(0);
}

const STEPS: Step[] = [
  { gpu: 10, temperature: 50, powerMw: 100_000, memoryUsed: 1000 * MiB, selfGpuMemory: 100 * MiB, selfSm: 20 },
  { gpu: 90, temperature: 70, powerMw: 250_500, memoryUsed: 3000 * MiB, selfGpuMemory: 300 * MiB, selfSm: 80 },
  { gpu: 40, temperature: null, powerMw: 180_000, memoryUsed: 2000 * MiB, selfGpuMemory: 200 * MiB, selfSm: 35 },
  { gpu: 70, temperature: 65, powerMw: 300_250, memoryUsed: 2500 * MiB, selfGpuMemory: 250 * MiB, selfSm: 60 },
];
const TIMES = [1_000, 2_000, 3_500, 5_000];

beforeAll(async () => {
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  base = loadScenario('one-gpu');
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(base);
  api = await import('../../src/index.js');
  col = await import('../../src/collector/index.js');
  api.setQueryCacheTtl(0);
  loadFake = koffi.load(library).func('int fakeNvml_loadScenario(const char *path)') as (path: string) => number;
});

afterAll(() => {
  child.kill('SIGKILL');
});

beforeEach(() => {
  t = 0;
});

/** A collector whose background timer never fires during a test (interval of an hour). */
function makeCollector(options: { rootPids?: number[] } = {}): Collector {
  return new col.ResourceMetricCollector({ clock, interval: 3600, ...options });
}

function expectStats(metrics: Record<string, unknown>, key: string, start: number, points: Point[], now: number): void {
  const expected = reference(start, points, now);
  const value = (suffix: string): unknown => metrics[`${key}/${suffix}`];
  const na = (x: number | null): unknown => (x === null ? api.NA : x);
  if (expected.mean === null) expect(value('mean')).toBe(api.NA);
  else expect(value('mean')).toBeCloseTo(expected.mean, 9);
  expect([value('min'), value('max'), value('last')]).toEqual([na(expected.min), na(expected.max), na(expected.last)]);
}

describe('statistics over a changing scenario', () => {
  it('match the schedule for device and process metrics (takeSnapshots path)', () => {
    const collector = makeCollector();
    collector.activate('train');
    STEPS.forEach((step, i) => {
      apply(step);
      t = TIMES[i]!;
      collector.takeSnapshots();
    });
    t = 5_500;
    const metrics = collector.collect(); // last sample is 500 s old < interval / 2: no new sample
    const series = (f: (s: Step) => number | null): Point[] => STEPS.map((s, i) => [TIMES[i]!, f(s)]);
    expectStats(metrics, 'train/gpu:0/gpu_utilization (%)', 0, series((s) => s.gpu), 5_500);
    expectStats(metrics, 'train/gpu:0/temperature (C)', 0, series((s) => s.temperature), 5_500);
    expectStats(metrics, 'train/gpu:0/power_usage (W)', 0, series((s) => s.powerMw / 1000), 5_500);
    expectStats(metrics, 'train/gpu:0/memory_used (MiB)', 0, series((s) => s.memoryUsed / MiB), 5_500);
    const self = `train/pid:${process.pid}/gpu:0`;
    expectStats(metrics, `${self}/gpu_memory (MiB)`, 0, series((s) => s.selfGpuMemory / MiB), 5_500);
    expectStats(metrics, `${self}/gpu_sm_utilization (%)`, 0, series((s) => s.selfSm), 5_500);
    expect(metrics['train/duration (s)']).toBe(5_500);
    expect(metrics['train/timestamp']).toBe(EPOCH0 + 5_500);
    expect(metrics['train/last_timestamp']).toBe(EPOCH0 + 5_000);
    // Only descendants of this process: itself and the child it spawned, not its parent or 4999999.
    const pids = new Set(Object.keys(metrics).flatMap((k) => /\/pid:(\d+)\//.exec(k)?.[1] ?? []));
    expect(pids).toEqual(new Set([String(process.pid), String(child.pid)]));
    expect(metrics[`train/pid:${child.pid}/gpu:0/gpu_memory (MiB)/last`]).toBe(512);
    collector.deactivate();
  });

  it('match the schedule when collect() takes the samples (lean path)', () => {
    const collector = makeCollector();
    collector.activate('train');
    const times = [2_000, 4_000, 6_000, 8_000]; // each > interval / 2 after the previous sample
    let metrics: Record<string, unknown> = {};
    STEPS.forEach((step, i) => {
      apply(step);
      t = times[i]!;
      metrics = collector.collect();
    });
    const series = (f: (s: Step) => number | null): Point[] => STEPS.map((s, i) => [times[i]!, f(s)]);
    expectStats(metrics, 'train/gpu:0/gpu_utilization (%)', 0, series((s) => s.gpu), 8_000);
    expectStats(metrics, 'train/gpu:0/temperature (C)', 0, series((s) => s.temperature), 8_000);
    expectStats(metrics, 'train/gpu:0/power_usage (W)', 0, series((s) => s.powerMw / 1000), 8_000);
    expectStats(metrics, `train/pid:${process.pid}/gpu:0/gpu_memory (MiB)`, 0, series((s) => s.selfGpuMemory / MiB), 8_000);
    expect(metrics['train/gpu:0/memory_total (MiB)/last']).toBe(base.devices[0]!.memory!.total! / MiB);
    collector.deactivate();
  });

  it('the lean path and the snapshot path give the same keys', () => {
    const lean = makeCollector({ rootPids: [1] });
    const full = makeCollector({ rootPids: [1] });
    apply(STEPS[0]!);
    lean.activate('x');
    full.activate('x');
    t = 10;
    lean.sample();
    full.takeSnapshots();
    const strip = (m: Record<string, unknown>) => Object.keys(m).sort();
    expect(strip(lean.collect())).toEqual(strip(full.collect()));
    const a = lean.collect();
    const b = full.collect();
    for (const key of Object.keys(a)) {
      if (/cpu_percent|memory_used \(GiB\)|memory_percent \(%\)|load_average|host_memory|running_time/.test(key)) continue;
      expect([key, b[key]]).toEqual([key, a[key]]);
    }
  });
});

describe('tags', () => {
  it('nest: the inner tag sees only its own samples, the outer sees all', () => {
    const collector = makeCollector();
    apply(STEPS[0]!);
    collector.activate('train');
    t = 1_000;
    collector.takeSnapshots();
    t = 2_000;
    collector.activate('batch');
    expect(collector.activeTags).toEqual(['train', 'batch']);
    apply(STEPS[1]!);
    t = 3_000;
    collector.takeSnapshots();
    t = 3_500;
    const inner = collector.collect();
    expect(Object.keys(inner).every((k) => k.startsWith('train/batch/'))).toBe(true);
    expectStats(inner, 'train/batch/gpu:0/gpu_utilization (%)', 2_000, [[3_000, 90]], 3_500);
    expect(inner['train/batch/duration (s)']).toBe(1_500);
    collector.deactivate();
    const outer = collector.collect();
    expectStats(outer, 'train/gpu:0/gpu_utilization (%)', 0, [[1_000, 10], [3_000, 90]], 3_500);
    expect(Object.keys(outer).some((k) => k.includes('/batch/'))).toBe(false);
    collector.deactivate();
    expect(collector.sampling).toBe(false);
    expect(() => collector.collect()).toThrow(api.StateError);
  });

  it('deactivating an outer tag stops the inner ones; a re-entered tag starts fresh', () => {
    const collector = makeCollector();
    apply(STEPS[1]!);
    collector.activate('epoch').activate('batch');
    t = 1_000;
    collector.takeSnapshots();
    collector.deactivate('epoch');
    expect(collector.activeTags).toEqual([]);
    expect(collector.sampling).toBe(false);
    apply(STEPS[0]!);
    t = 5_000;
    collector.activate('epoch');
    t = 6_000;
    collector.takeSnapshots();
    t = 7_000;
    const metrics = collector.collect(); // fresh sample: activate() made the last sample stale
    expect(metrics['epoch/duration (s)']).toBe(2_000);
    expectStats(metrics, 'epoch/gpu:0/gpu_utilization (%)', 5_000, [[6_000, 10], [7_000, 10]], 7_000);
    collector.deactivate();
  });

  it('refuse duplicates and unknown tags, as nvitop', () => {
    const collector = makeCollector();
    expect(() => collector.deactivate()).not.toThrow();
    expect(() => collector.deactivate('nope')).toThrow('has not been started yet');
    collector.activate('train');
    expect(() => collector.activate('train')).toThrow('Resource metric collector is already started with tag "train"');
    expect(() => collector.deactivate('nope')).toThrow('has not been started with tag "nope"');
    expect(() => collector.activate('')).toThrow(api.InvalidInputError);
    collector.stop();
  });

  it('clear(tag) restarts that tag and the ones inside it', () => {
    const collector = makeCollector();
    apply(STEPS[1]!);
    collector.start('train');
    t = 100;
    collector.takeSnapshots();
    collector.start('batch');
    t = 200;
    collector.takeSnapshots();
    t = 300;
    collector.reset('train');
    apply(STEPS[0]!);
    t = 400;
    collector.takeSnapshots();
    const inner = collector.collect();
    expectStats(inner, 'train/batch/gpu:0/gpu_utilization (%)', 300, [[400, 10]], 400);
    expect(inner['train/batch/duration (s)']).toBe(100);
    collector.stop('batch');
    const outer = collector.collect();
    expectStats(outer, 'train/gpu:0/gpu_utilization (%)', 300, [[400, 10]], 400);
    collector.stop();
  });

  it('context() works with sync and async functions and deactivates on throw', async () => {
    const collector = makeCollector();
    apply(STEPS[0]!);
    const keys = collector.context('sync', () => Object.keys(collector.collect()));
    expect(keys.every((k) => k.startsWith('sync/'))).toBe(true);
    expect(collector.activeTags).toEqual([]);
    expect(() =>
      collector.context('boom', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    await expect(
      collector.context('async-boom', async () => {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('async boom');
      }),
    ).rejects.toThrow('async boom');
    expect(collector.activeTags).toEqual([]);
    expect(collector.sampling).toBe(false);
  });

  it('context() cleans up tags activated inside it and refuses a duplicate tag', async () => {
    const collector = makeCollector();
    apply(STEPS[0]!);
    await collector.context('outer', async () => {
      collector.activate('inner'); // never deactivated by the function
      await new Promise((r) => setTimeout(r, 1));
      expect(collector.activeTags).toEqual(['outer', 'inner']);
      expect(() => collector.context('outer', () => 0)).toThrow('already started with tag "outer"');
      expect(collector.activeTags).toEqual(['outer', 'inner']);
    });
    expect(collector.activeTags).toEqual([]);
    expect(collector.sampling).toBe(false);
    // The imperative chain is untouched by contexts, and a context nests inside it.
    collector.activate('run');
    expect(collector.context('step', () => collector.activeTags)).toEqual(['run', 'step']);
    expect(collector.activeTags).toEqual(['run']);
    collector.deactivate();
  });

  it('concurrent async contexts are siblings, each collecting its own tag', async () => {
    const collector = makeCollector();
    apply(STEPS[0]!);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const seen: Record<string, string[]> = {};
    const job = (tag: string, delays: number[]) =>
      collector.context(tag, async () => {
        for (const ms of delays) {
          await sleep(ms);
          const metrics = collector.collect();
          const prefixes = new Set(Object.keys(metrics).map((k) => k.split('/')[0]!));
          (seen[tag] ??= []).push(...prefixes, collector.activeTags.join('>'));
          // A nested context inside each concurrent one nests under it.
          collector.context('inner', () => {
            expect(collector.activeTags).toEqual([tag, 'inner']);
            expect(Object.keys(collector.collect())[0]!.startsWith(`${tag}/inner/`)).toBe(true);
          });
        }
        return tag;
      });
    const results = await Promise.all([job('a', [10, 30, 5]), job('b', [5, 10, 40]), job('c', [1])]);
    expect(results).toEqual(['a', 'b', 'c']);
    for (const tag of ['a', 'b', 'c']) expect(new Set(seen[tag])).toEqual(new Set([tag]));
    expect(collector.activeTags).toEqual([]);
    expect(collector.sampling).toBe(false);
  });
});

describe('failures', () => {
  it('a device lost mid-run gives NA values, never an exception', () => {
    const collector = makeCollector();
    const errors: string[] = [];
    collector.on('error', (_error, scope) => errors.push(scope));
    collector.activate('run');
    apply(STEPS[0]!);
    t = 1_000;
    collector.takeSnapshots();
    apply(STEPS[1]!);
    t = 2_000;
    collector.sample();
    apply(STEPS[1]!, { errors: { '*': 15 } }); // GPU_IS_LOST on every call
    t = 3_000;
    collector.sample();
    t = 4_000;
    collector.takeSnapshots();
    t = 5_000;
    const metrics = collector.collect();
    // The values before the loss count; the mean stops at the last real sample (a gap).
    expectStats(metrics, 'run/gpu:0/gpu_utilization (%)', 0, [[1_000, 10], [2_000, 90], [3_000, null], [4_000, null], [5_000, null]], 5_000);
    expectStats(metrics, 'run/gpu:0/temperature (C)', 0, [[1_000, 50], [2_000, 70], [3_000, null]], 5_000);
    // The process list is empty on a lost GPU: the process's metrics have a gap too.
    expectStats(metrics, `run/pid:${process.pid}/gpu:0/gpu_memory (MiB)`, 0, [[1_000, 100], [2_000, 300], [3_000, null]], 5_000);
    expect(errors).toEqual([]); // NVML errors are NA, not errors
    collector.deactivate();
  });

  it("a part that throws is an 'error' event (once per scope) and missing values", () => {
    apply(STEPS[0]!);
    const collector = makeCollector();
    const device = collector.allDevices[0]!;
    const errors: Array<[string, string]> = [];
    collector.on('error', (error, scope) => errors.push([scope, error.message]));
    collector.activate('run');
    Object.defineProperty(device, 'oneshot', {
      configurable: true,
      value: () => {
        throw new Error('driver exploded');
      },
    });
    try {
      t = 1_000;
      collector.sample();
      t = 2_000;
      collector.sample();
    } finally {
      delete (device as unknown as Record<string, unknown>)['oneshot'];
    }
    t = 3_000;
    collector.sample();
    const metrics = collector.collect();
    expect(errors).toEqual([['gpu:0', 'driver exploded']]);
    expectStats(metrics, 'run/gpu:0/gpu_utilization (%)', 0, [[1_000, null], [2_000, null], [3_000, 10]], 3_000);
    expect(metrics['run/host/cpu_percent (%)/last']).not.toBe(api.NA);
    collector.deactivate();
  });

  it("an 'error' with no listener is dropped: no exception, no warning (node:events would throw it)", async () => {
    apply(STEPS[0]!);
    const collector = makeCollector();
    const device = collector.allDevices[0]!;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    collector.activate('run');
    Object.defineProperty(device, 'oneshot', {
      configurable: true,
      value: () => {
        throw new Error('driver exploded');
      },
    });
    try {
      t = 1_000;
      expect(() => collector.sample()).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      delete (device as unknown as Record<string, unknown>)['oneshot'];
      process.off('warning', onWarning);
      collector.deactivate();
    }
    expect(warnings).toEqual([]);
  });

  it('rejects invalid intervals and root PIDs', () => {
    for (const interval of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      expect(() => new col.ResourceMetricCollector({ interval, devices: [] })).toThrow(api.InvalidInputError);
    }
    expect(() => new col.ResourceMetricCollector({ rootPids: [-3], devices: [] })).toThrow(api.InvalidInputError);
    expect(() => col.collectInBackground(() => true, makeCollector(), { interval: 0 })).toThrow(api.InvalidInputError);
  });

  it('rootPids [1] records every GPU process, even ones this namespace cannot see', () => {
    apply(STEPS[0]!);
    const collector = makeCollector({ rootPids: [1] });
    collector.activate('all');
    const pids = new Set(Object.keys(collector.collect()).flatMap((k) => /\/pid:(\d+)\//.exec(k)?.[1] ?? []));
    expect(pids).toEqual(new Set([String(process.pid), String(process.ppid), String(child.pid), '4999999']));
    collector.deactivate();
  });
});
