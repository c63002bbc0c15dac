// GpuStatsLogger in a real tfjs model.fit against the fake NVML ("lost-gpu-star": GPU 0 is lost,
// GPU 1 healthy; CUDA_VISIBLE_DEVICES=1,0 so the CUDA ordinals differ from the NVML indices).
// History must hold every key for every epoch; the CSV/JSONL sinks, read back with independent
// readers, hold the per-batch and per-epoch rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readCsvTable } from '../helpers/csv-reader.js';
import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { readJsonl } from '../helpers/jsonl-reader.js';

type Api = typeof import('../../src/index.js');
type Tf = typeof import('@tensorflow/tfjs');
let api: Api;
let tf: Tf;
let scenario: FakeScenario;
let dir: string;
const MiB = 1024 * 1024;

const HEALTHY = 'gpu_id: 0 (physical index: 1)';
const LOST = 'gpu_id: 1 (physical index: 0)';

beforeAll(async () => {
  scenario = loadScenario('lost-gpu-star');
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  process.env.CUDA_VISIBLE_DEVICES = '1,0';
  api = await import('../../src/index.js');
  tf = await import('@tensorflow/tfjs');
  dir = mkdtempSync(join(tmpdir(), 'gpu-stats-'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataset(samples: number): { x: import('@tensorflow/tfjs').Tensor; y: import('@tensorflow/tfjs').Tensor } {
  const x = tf.randomNormal([samples, 8], 0, 1, 'float32', 1);
  const y = tf.randomNormal([samples, 1], 0, 1, 'float32', 2);
  return { x, y };
}

function model(): import('@tensorflow/tfjs').Sequential {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 4, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  return m;
}

describe('GpuStatsLogger in model.fit', () => {
  it('puts per-epoch stats in History and per-batch rows in the sinks', async () => {
    const batchCsv = join(dir, 'batches.csv');
    const epochJsonl = join(dir, 'epochs.jsonl');
    const logger = new api.GpuStatsLogger({
      temperature: true,
      fanSpeed: true,
      intraStepTime: true,
      interStepTime: true,
      sinks: new api.CsvLogger(batchCsv),
      epochSinks: new api.JsonlLogger(epochJsonl),
    });
    const healthy = scenario.devices[1]!;
    const expected: Record<string, number> = {
      [`${HEALTHY}/utilization.memory (%)`]: healthy.utilization!.memory!,
      [`${HEALTHY}/utilization.gpu (%)`]: healthy.utilization!.gpu!,
      [`${HEALTHY}/memory.used (MiB)`]: healthy.memory!.used! / MiB,
      [`${HEALTHY}/memory.free (MiB)`]: (healthy.memory!.total! - healthy.memory!.reserved! - healthy.memory!.used!) / MiB,
      [`${HEALTHY}/fan.speed (%)`]: healthy.fanSpeed!,
      [`${HEALTHY}/temperature.gpu (C)`]: healthy.temperature!,
    };
    const lostKeys = ['utilization.memory (%)', 'utilization.gpu (%)', 'memory.used (MiB)', 'memory.free (MiB)', 'fan.speed (%)', 'temperature.gpu (C)'].map((k) => `${LOST}/${k}`);
    expect(logger.keys).toEqual([...Object.keys(expected), ...lostKeys, 'batch_time/inter_step (ms)', 'batch_time/intra_step (ms)']);

    // A later callback sees the batch stats in the batch logs (a plain hook object after the
    // logger, a tfjs callback, goes in tf.CustomCallback: tfjs's rule, see docs/callbacks.md).
    const seenInBatchLogs: unknown[] = [];
    const later = { onBatchEnd: (_b: number, logs?: Record<string, unknown>) => void seenInBatchLogs.push(logs?.[`${HEALTHY}/utilization.gpu (%)`]) };

    const { x, y } = dataset(64);
    const epochs = 3;
    const history = await model().fit(x, y, { epochs, batchSize: 16, callbacks: [logger, new tf.CustomCallback(later)], verbose: 0 });
    const batches = epochs * (64 / 16);

    expect(history.epoch).toEqual([0, 1, 2]);
    for (const key of logger.keys) {
      const series = history.history[key] as unknown[];
      expect([key, series.length]).toEqual([key, epochs]); // aligned with history.epoch
      expect(series.every((v) => typeof v === 'number')).toBe(true); // numbers only in logs
    }
    for (const [key, value] of Object.entries(expected)) expect([key, history.history[key]]).toEqual([key, [value, value, value]]);
    for (const key of lostKeys) expect((history.history[key] as number[]).every(Number.isNaN)).toBe(true);
    for (const key of ['batch_time/inter_step (ms)', 'batch_time/intra_step (ms)']) {
      expect((history.history[key] as number[]).every((v) => v > 0 && v < 60_000)).toBe(true);
    }
    expect(seenInBatchLogs).toEqual(Array(batches).fill(expected[`${HEALTHY}/utilization.gpu (%)`]));

    // The sinks were flushed at the end of training: read them back.
    const table = readCsvTable(batchCsv);
    expect(table.header).toEqual(['time', 'step', ...logger.keys]);
    expect(table.rows.map((r) => Number(r['step']))).toEqual(Array.from({ length: batches }, (_, i) => i + 1));
    for (const row of table.rows) {
      for (const [key, value] of Object.entries(expected)) expect(Number(row[key])).toBeCloseTo(value, 9);
      for (const key of lostKeys) expect(row[key]).toBe(''); // NA is an empty cell
      expect(Number(row['batch_time/intra_step (ms)'])).toBeGreaterThan(0);
    }
    // The first batch of each epoch has no inter-step time.
    expect(table.rows.map((r) => r['batch_time/inter_step (ms)'] === '')).toEqual(
      Array.from({ length: batches }, (_, i) => i % 4 === 0),
    );
    const epochRows = readJsonl(epochJsonl);
    expect(epochRows.map((r) => r['step'])).toEqual([0, 1, 2]);
    for (const row of epochRows) {
      for (const [key, value] of Object.entries(expected)) expect(row[key]).toBeCloseTo(value, 9);
      for (const key of lostKeys) expect(row[key]).toBeNull();
    }
    x.dispose();
    y.dispose();
  });

  it('works after a tf.Callback instance (tfjs then calls the list directly) and with tf.CustomCallback', async () => {
    const { x, y } = dataset(32);
    const direct = new api.GpuStatsLogger({ devices: ['/gpu:0'] });
    const h1 = await model().fit(x, y, { epochs: 2, batchSize: 16, callbacks: [tf.callbacks.earlyStopping({ monitor: 'loss', patience: 100 }), direct], verbose: 0 });
    expect(h1.history[`${HEALTHY}/utilization.gpu (%)`]).toHaveLength(2);
    const wrapped = new api.GpuStatsLogger({ devices: [0] });
    const h2 = await model().fit(x, y, { epochs: 2, batchSize: 16, callbacks: [new tf.CustomCallback(wrapped)], verbose: 0 });
    expect(h2.history[`${HEALTHY}/memory.used (MiB)`]).toHaveLength(2);
    expect(wrapped.globalStep).toBe(4);
    x.dispose();
    y.dispose();
  });

  it('logs every N-th batch, or only per epoch', async () => {
    const { x, y } = dataset(64);
    const rows: Array<number | undefined> = [];
    const everyOther = new api.GpuStatsLogger({ devices: 1, perBatch: 2, sinks: (_m, step) => void rows.push(step) });
    await model().fit(x, y, { epochs: 2, batchSize: 16, callbacks: [everyOther], verbose: 0 });
    expect(rows).toEqual([1, 3, 5, 7]);
    const epochOnly = new api.GpuStatsLogger({ devices: 1, perBatch: false, epochStatistic: 'last' });
    const history = await model().fit(x, y, { epochs: 2, batchSize: 16, callbacks: [epochOnly], verbose: 0 });
    expect(history.history[`${HEALTHY}/utilization.gpu (%)`]).toEqual([scenario.devices[1]!.utilization!.gpu, scenario.devices[1]!.utilization!.gpu]);
    x.dispose();
    y.dispose();
  });
});

describe('GpuStatsLogger devices', () => {
  it("accepts nvitop's forms, de-duplicated and in CUDA order", () => {
    const prefixes = (devices: ConstructorParameters<typeof api.GpuStatsLogger>[0]) => new api.GpuStatsLogger(devices).devices.map((d) => d.prefix);
    expect(prefixes({})).toEqual([HEALTHY, LOST]);
    expect(prefixes({ devices: 2 })).toEqual([HEALTHY, LOST]);
    expect(prefixes({ devices: ['/gpu:1', '/device:GPU:0', 1, '0'] })).toEqual([HEALTHY, LOST]);
    expect(prefixes({ devices: ['/GPU:1'] })).toEqual([LOST]);
    expect(prefixes({ devices: [api.Device.fromIndex(1)] })).toEqual(['gpu_id: 1']);
  });

  it('rejects devices that are not visible', () => {
    for (const devices of [3, [2], ['/gpu:7'], ['gpu0'], [-1], 1.5]) {
      expect(() => new api.GpuStatsLogger({ devices: devices as never })).toThrow(api.InvalidInputError);
    }
  });

  it('never stops training when a sink fails', async () => {
    const errors: unknown[] = [];
    const logger = new api.GpuStatsLogger({
      devices: [0],
      sinks: () => {
        throw new Error('disk full');
      },
      onError: (error) => errors.push(error),
    });
    const { x, y } = dataset(32);
    const history = await model().fit(x, y, { epochs: 1, batchSize: 16, callbacks: [logger], verbose: 0 });
    expect(history.history[`${HEALTHY}/utilization.gpu (%)`]).toHaveLength(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
    x.dispose();
    y.dispose();
  });
});

describe('GpuStatsLogger readings', () => {
  it('reuses a reading for readIntervalMs, and reads every logged batch with 0', async () => {
    const koffi = (await import('koffi')).default;
    const load = koffi.load(process.env.NVITOP_NVML_LIBRARY!).func('int fakeNvml_loadScenario(const char *path)') as (p: string) => number;
    api.setQueryCacheTtl(0);
    const withUtil = (gpu: number): FakeScenario => ({
      ...scenario,
      devices: [scenario.devices[0]!, { ...scenario.devices[1]!, utilization: { gpu, memory: 1 } }],
    });
    const key = `${HEALTHY}/utilization.gpu (%)`;
    const fresh = new api.GpuStatsLogger({ devices: [0], readIntervalMs: 0 });
    const held = new api.GpuStatsLogger({ devices: [0], readIntervalMs: 60_000 });
    const seen: Record<string, unknown[]> = { fresh: [], held: [] };
    try {
      for (const logger of [fresh, held]) logger.onEpochBegin(0);
      for (const gpu of [10, 20, 30]) {
        expect(load(writeScenario(withUtil(gpu)))).toBe(0);
        for (const [name, logger] of [['fresh', fresh], ['held', held]] as const) {
          const logs: Record<string, unknown> = {};
          logger.onBatchBegin(0, logs);
          logger.onBatchEnd(0, logs);
          seen[name]!.push(logs[key]);
        }
      }
      const epoch: Record<string, unknown> = {};
      fresh.onEpochEnd(0, epoch);
      expect(epoch[key]).toBe(20); // the mean of the three readings
    } finally {
      expect(load(writeScenario(scenario))).toBe(0);
      api.setQueryCacheTtl(500);
    }
    expect(seen).toEqual({ fresh: [10, 20, 30], held: [10, 10, 10] });
    expect(() => new api.GpuStatsLogger({ readIntervalMs: -1 })).toThrow(api.InvalidInputError);
  });
});
