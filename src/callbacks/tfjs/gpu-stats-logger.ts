/**
 * `GpuStatsLogger`: GPU statistics for tfjs `model.fit` (nvitop's Keras `GpuStatsLogger`),
 * without importing tfjs.
 *
 * @module
 */
import { InvalidInputError, NA, isNA, type Maybe } from '../../core/index.js';
import { checkOptions, is } from '../../core/options.js';
import { createSink, isMetricSink, type MetricSink, type Metrics, type SinkTarget } from '../sink.js';
import { resolveDevices, type GpuSpec, type LoggedDevice } from './devices.js';
import { inheritTfjsBaseCallback, refreshTfjsBaseCallback } from './tfjs-base.js';

const MiB = 1024 * 1024;
/** How often a logger called by tfjs directly lets timers and I/O run (tfjs's own default). */
const YIELD_EVERY_MS = 125;

/**
 * Key of the time between the end of one batch and the start of the next, in ms.
 *
 * @example
 * ```ts
 * history.history[INTER_STEP_KEY]; // per-epoch means, with `interStepTime: true`
 * ```
 */
export const INTER_STEP_KEY = 'batch_time/inter_step (ms)';
/**
 * Key of the time from the start to the end of a batch, in ms.
 *
 * @example
 * ```ts
 * history.history[INTRA_STEP_KEY]; // per-epoch means, with `intraStepTime: true`
 * ```
 */
export const INTRA_STEP_KEY = 'batch_time/intra_step (ms)';

/**
 * Options of {@link GpuStatsLogger} (nvitop's Keras logger flags, camelCased, plus when and
 * where to log).
 *
 * @example
 * ```ts
 * const options: GpuStatsLoggerOptions = { devices: ['/gpu:0'], temperature: true, sinks: new CsvLogger('gpu.csv') };
 * ```
 */
export interface GpuStatsLoggerOptions {
  /**
   * The devices: a count `N` (CUDA ordinals `0..N-1`), or a list of CUDA ordinals, `'/gpu:0'`
   * / `'/device:GPU:0'` names or Device objects. Default: every CUDA-visible device.
   */
  readonly devices?: number | Iterable<GpuSpec>;
  /** `utilization.memory (%)`, `memory.used (MiB)`, `memory.free (MiB)`. Default true. */
  readonly memoryUtilization?: boolean;
  /** `utilization.gpu (%)`. Default true. */
  readonly gpuUtilization?: boolean;
  /** `batch_time/intra_step (ms)`: time from the start to the end of each batch. Default false. */
  readonly intraStepTime?: boolean;
  /** `batch_time/inter_step (ms)`: time between batches (from the second batch of an epoch). Default false. */
  readonly interStepTime?: boolean;
  /** `fan.speed (%)`. Default false. */
  readonly fanSpeed?: boolean;
  /** `temperature.gpu (C)`. Default false. */
  readonly temperature?: boolean;
  /**
   * Per-batch logging: `true` (default) every batch, an integer `N >= 1` every `N`-th batch,
   * `false` never. A logged batch gets the stats in its `logs` and one row in `sinks`.
   */
  readonly perBatch?: boolean | number;
  /**
   * Per-epoch logging (default true): every key, every epoch, goes into the epoch `logs`, so
   * `History` and later callbacks see it (`NaN` where no value was available, so History's
   * arrays stay aligned with its epochs), and one row into `epochSinks`.
   */
  readonly perEpoch?: boolean;
  /**
   * Milliseconds during which a reading is reused by the next batches (default 100). NVML's
   * utilization figures are averages over 1/6 s to 1 s, so reading them every millisecond-long
   * batch only repeats them; `0` reads at every logged batch.
   */
  readonly readIntervalMs?: number;
  /** The epoch value of a key: `'mean'` (default) of the batch readings of the epoch, or `'last'`. */
  readonly epochStatistic?: 'mean' | 'last';
  /** Where batch rows go (step = batch number counted over the whole training). */
  readonly sinks?: SinkTarget;
  /** Where epoch rows go (step = epoch). */
  readonly epochSinks?: SinkTarget;
  /**
   * Called when reading the GPUs or a sink fails; the training goes on. Default: one
   * `process.emitWarning` for the first error.
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * The `logs` object tfjs passes to callbacks (metric name → number; tfjs may hold tensors there
 * before it resolves them).
 *
 * @example
 * ```ts
 * const logs: TfjsLogs = { loss: 0.25, mae: 0.4 };
 * logger.onEpochEnd(0, logs); // adds the GPU keys
 * ```
 */
export type TfjsLogs = Record<string, unknown>;

interface Probe {
  readonly watched: LoggedDevice;
  readonly utilization: boolean;
  readonly memoryUtilizationAt: number;
  readonly gpuUtilizationAt: number;
  readonly memoryAt: number;
  readonly fanAt: number;
  readonly temperatureAt: number;
}

const num = (value: Maybe<number>): number => (isNA(value) ? Number.NaN : value);

const isSinkTarget = (v: unknown): boolean => {
  const one = (x: unknown): boolean => typeof x === 'function' || isMetricSink(x);
  return Array.isArray(v) ? v.every(one) : one(v);
};
const SINKS = is.custom('a MetricSink (write/flush/close), a function, or a list of them', isSinkTarget);

const LOGGER_RULES = {
  devices: is.anyOf(is.integer({ min: 0 }), is.iterable),
  memoryUtilization: is.boolean,
  gpuUtilization: is.boolean,
  intraStepTime: is.boolean,
  interStepTime: is.boolean,
  fanSpeed: is.boolean,
  temperature: is.boolean,
  perBatch: is.anyOf(is.boolean, is.integer({ min: 1 })),
  perEpoch: is.boolean,
  readIntervalMs: is.number({ min: 0, infinite: true, unit: 'milliseconds' }),
  epochStatistic: is.oneOf(['mean', 'last']),
  sinks: SINKS,
  epochSinks: SINKS,
  onError: is.func,
};

/**
 * Logs GPU statistics while a tfjs model trains: pass it in `model.fit(x, y, { callbacks })`.
 * It needs no tfjs import, so it works with `@tensorflow/tfjs`, `@tensorflow/tfjs-node` and
 * `@tensorflow/tfjs-node-gpu` alike (tfjs wraps a plain callback object in its
 * `CustomCallback`; the hooks are bound, so `new tf.CustomCallback(logger)` works as well).
 *
 * Keys are nvitop's: `gpu_id: <cuda ordinal>/utilization.memory (%)`, `…/utilization.gpu (%)`,
 * `…/memory.used (MiB)`, `…/memory.free (MiB)`, `…/fan.speed (%)`, `…/temperature.gpu (C)`
 * (` (physical index: N)` follows the ordinal when it differs), `batch_time/inter_step (ms)`
 * and `batch_time/intra_step (ms)`.
 *
 * - **Batches**: the GPUs are read at the end of a batch (nvitop reads at both ends); the stats
 *   go into that batch's `logs` (numbers only, `NaN` where not available) and into `sinks`
 *   (`NA` there). tfjs keeps no batch logs in `History`: use a sink to keep them.
 * - **Epochs**: every key goes into the epoch's `logs`, the mean (or last) of the epoch's
 *   readings; History runs after user callbacks, so `history.history` has one value per key per
 *   epoch. Place the logger before other callbacks that should see the stats.
 * - **Cost**: a reading is reused for `readIntervalMs` (100 ms), so most batches only copy
 *   numbers into `logs`: a few microseconds per batch (see bench/tfjs-callback.mjs).
 * - **Failures** never stop training: they go to `onError` and the values become `NaN`/NA.
 *
 * **Callback lists in any order.** Once tfjs is loaded, the logger is a tfjs callback (an
 * `instanceof` tfjs's `BaseCallback`, found without importing tfjs), like
 * `tf.callbacks.earlyStopping()` or tfjs-node's `tensorBoard()`, so it mixes with them in any
 * order: `[gpuStats, tf.callbacks.earlyStopping()]` and `[tensorBoard, gpuStats]` both work.
 * tfjs's own rule for plain hook objects (`{ onEpochEnd }`) applies to it as to those: put the
 * plain objects first, or wrap them in `new tf.CustomCallback({ … })`. Called by tfjs directly,
 * the logger lets timers and I/O run every 125 ms, as tfjs's wrapper of plain callbacks does
 * (a list of tfjs callbacks alone never yields to the event loop).
 *
 * @throws {@link NvitopError} when NVML cannot be used; {@link InvalidInputError} for devices
 *   that are not visible.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-node-gpu';
 * import { GpuStatsLogger, CsvLogger } from 'nvitop-node';
 *
 * const gpuStats = new GpuStatsLogger({ devices: ['/gpu:0'], temperature: true, sinks: new CsvLogger('logs/gpu.csv') });
 * const history = await model.fit(xs, ys, { epochs: 10, callbacks: [gpuStats] });
 * console.log(history.history['gpu_id: 0/utilization.gpu (%)']); // one mean per epoch
 * ```
 */
export class GpuStatsLogger {
  /** The keys this logger writes, in order. */
  readonly keys: readonly string[];
  /** The devices read, with their key prefixes. */
  readonly devices: readonly LoggedDevice[];
  /** Batches seen over the whole training (the step of batch rows). */
  globalStep = 0;
  /** Set by tfjs (`setParams`). */
  params: Record<string, unknown> = {};
  /** Set by tfjs (`setModel`). */
  model: unknown = null;
  /** Present for tfjs's `BaseCallback` shape. */
  validationData: unknown = null;

  readonly #probes: Probe[];
  readonly #interAt: number;
  readonly #intraAt: number;
  readonly #values: Float64Array;
  readonly #sums: Float64Array;
  readonly #counts: Uint32Array;
  readonly #lasts: Float64Array;
  readonly #every: number;
  readonly #perEpoch: boolean;
  readonly #epochMean: boolean;
  readonly #sink: MetricSink | null;
  readonly #epochSink: MetricSink | null;
  readonly #onError: (error: unknown) => void;
  readonly #readIntervalMs: number;
  #lastReadAt = Number.NEGATIVE_INFINITY;
  #readingsThisEpoch = 0;
  #batchStart = Number.NaN;
  #lastBatchEnd = Number.NaN;
  #warned = false;
  /** Whether tfjs calls this logger directly (not through a `CustomCallback` wrapper). */
  #direct = false;
  #lastYield = 0;

  /**
   * @param options - see {@link GpuStatsLoggerOptions}.
   */
  constructor(options: GpuStatsLoggerOptions = {}) {
    checkOptions('new GpuStatsLogger()', options, LOGGER_RULES); // before anything is read or allocated
    refreshTfjsBaseCallback(GpuStatsLogger);
    const memoryUtilization = options.memoryUtilization ?? true;
    const gpuUtilization = options.gpuUtilization ?? true;
    const fanSpeed = options.fanSpeed ?? false;
    const temperature = options.temperature ?? false;
    const watched = resolveDevices(options.devices);
    const keys: string[] = [];
    const at = (key: string): number => keys.push(key) - 1;
    this.#probes = watched.map((w) => {
      const memoryUtilizationAt = memoryUtilization ? at(`${w.prefix}/utilization.memory (%)`) : -1;
      const gpuUtilizationAt = gpuUtilization ? at(`${w.prefix}/utilization.gpu (%)`) : -1;
      const memoryAt = memoryUtilization ? at(`${w.prefix}/memory.used (MiB)`) : -1;
      if (memoryUtilization) at(`${w.prefix}/memory.free (MiB)`); // at memoryAt + 1
      const fanAt = fanSpeed ? at(`${w.prefix}/fan.speed (%)`) : -1;
      const temperatureAt = temperature ? at(`${w.prefix}/temperature.gpu (C)`) : -1;
      return { watched: w, utilization: memoryUtilization || gpuUtilization, memoryUtilizationAt, gpuUtilizationAt, memoryAt, fanAt, temperatureAt };
    });
    this.#interAt = options.interStepTime === true ? at(INTER_STEP_KEY) : -1;
    this.#intraAt = options.intraStepTime === true ? at(INTRA_STEP_KEY) : -1;
    this.keys = keys;
    this.devices = watched;
    this.#values = new Float64Array(keys.length);
    this.#sums = new Float64Array(keys.length);
    this.#counts = new Uint32Array(keys.length);
    this.#lasts = new Float64Array(keys.length).fill(Number.NaN);
    const perBatch = options.perBatch ?? true;
    this.#every = perBatch === false ? 0 : perBatch === true ? 1 : perBatch;
    this.#perEpoch = options.perEpoch ?? true;
    this.#epochMean = (options.epochStatistic ?? 'mean') === 'mean';
    this.#sink = options.sinks === undefined ? null : createSink(options.sinks);
    this.#epochSink = options.epochSinks === undefined ? null : createSink(options.epochSinks);
    this.#onError = options.onError ?? ((error) => this.#warnOnce(error));
    this.#readIntervalMs = options.readIntervalMs ?? 100;
  }

  // --------------------------------------------------------------------- tfjs hooks (bound)

  /** tfjs hook: stores the training parameters. (tfjs calls it only on callbacks it calls directly.) */
  readonly setParams = (params: Record<string, unknown>): void => {
    this.params = params;
    this.#direct = true;
  };

  /** tfjs hook: stores the model. */
  readonly setModel = (model: unknown): void => {
    this.model = model;
  };

  /** tfjs hook: nothing to do at the start of training (the step count carries on across fits). */
  readonly onTrainBegin = (_logs?: TfjsLogs): void => {};

  /** tfjs hook: flushes the sinks. */
  readonly onTrainEnd = async (_logs?: TfjsLogs): Promise<void> => {
    this.#direct = false;
    await Promise.all([this.#sink, this.#epochSink].map((sink) => sink?.flush().catch((error: unknown) => this.#onError(error))));
  };

  /** tfjs hook: resets the step timers and the epoch's accumulators. */
  readonly onEpochBegin = (_epoch: number, _logs?: TfjsLogs): void => {
    this.#batchStart = Number.NaN;
    this.#lastBatchEnd = Number.NaN;
    this.#sums.fill(0);
    this.#counts.fill(0);
    this.#lasts.fill(Number.NaN);
    this.#readingsThisEpoch = 0;
  };

  /** tfjs hook: starts the batch timers. */
  readonly onBatchBegin = (_batch: number, _logs?: TfjsLogs): void => {
    if (this.#intraAt < 0 && this.#interAt < 0) return;
    const now = performance.now();
    this.#batchStart = now;
    if (this.#interAt >= 0) this.#values[this.#interAt] = now - this.#lastBatchEnd; // NaN on the first batch
  };

  /**
   * tfjs hook: reads the GPUs and logs the batch. Returns a promise (resolved on the next turn of
   * the event loop) every 125 ms when tfjs calls the logger directly.
   */
  readonly onBatchEnd = (_batch: number, logs?: TfjsLogs): void | Promise<void> => {
    this.#logBatch(logs);
    if (!this.#direct) return undefined;
    const now = performance.now();
    if (now - this.#lastYield < YIELD_EVERY_MS) return undefined;
    this.#lastYield = now;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };

  #logBatch(logs: TfjsLogs | undefined): void {
    try {
      this.globalStep += 1;
      const now = performance.now();
      if (this.#intraAt >= 0) this.#values[this.#intraAt] = now - this.#batchStart;
      if (this.#interAt >= 0) this.#lastBatchEnd = now;
      if (this.#every === 0 || (this.globalStep - 1) % this.#every !== 0) {
        this.#accumulateTimings();
        return;
      }
      if (now - this.#lastReadAt >= this.#readIntervalMs) {
        this.#read();
        this.#lastReadAt = now;
      }
      this.#readingsThisEpoch += 1;
      this.#accumulate(true);
      if (logs !== undefined && logs !== null) this.#intoLogs(logs, this.#values);
      this.#sink?.write(this.#row(this.#values), this.globalStep);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** tfjs hook: puts the epoch's statistics into its logs (every key, NaN where none). */
  readonly onEpochEnd = (epoch: number, logs?: TfjsLogs): void => {
    if (!this.#perEpoch) return;
    const values = new Float64Array(this.keys.length);
    try {
      if (this.#readingsThisEpoch === 0) {
        this.#read(); // no batch was logged this epoch: one reading now (timings are already counted)
        this.#lastReadAt = performance.now();
        this.#accumulate(false);
      }
      for (let i = 0; i < values.length; i += 1) {
        values[i] = this.#epochMean ? (this.#counts[i] as number) > 0 ? (this.#sums[i] as number) / (this.#counts[i] as number) : Number.NaN : (this.#lasts[i] as number);
      }
    } catch (error) {
      values.fill(Number.NaN);
      this.#onError(error);
    }
    if (logs !== undefined && logs !== null) this.#intoLogs(logs, values);
    try {
      this.#epochSink?.write(this.#row(values), epoch);
    } catch (error) {
      this.#onError(error);
    }
  };

  // --------------------------------------------------------------------- private

  /** Reads every device into #values (timing slots are left as the hooks set them). */
  #read(): void {
    const values = this.#values;
    for (const probe of this.#probes) {
      const device = probe.watched.device;
      device.oneshot(() => {
        if (probe.utilization) {
          const rates = device.utilizationRates();
          if (probe.memoryUtilizationAt >= 0) values[probe.memoryUtilizationAt] = num(rates.memory);
          if (probe.gpuUtilizationAt >= 0) values[probe.gpuUtilizationAt] = num(rates.gpu);
        }
        if (probe.memoryAt >= 0) {
          values[probe.memoryAt] = num(device.memoryUsed()) / MiB;
          values[probe.memoryAt + 1] = num(device.memoryFree()) / MiB;
        }
        if (probe.fanAt >= 0) values[probe.fanAt] = num(device.fanSpeed());
        if (probe.temperatureAt >= 0) values[probe.temperatureAt] = num(device.temperature());
      });
    }
  }

  #accumulate(withTimings: boolean): void {
    const values = this.#values;
    for (let i = 0; i < values.length; i += 1) {
      if (!withTimings && (i === this.#interAt || i === this.#intraAt)) continue;
      this.#add(i, values[i] as number);
    }
  }

  #accumulateTimings(): void {
    if (this.#interAt >= 0) this.#add(this.#interAt, this.#values[this.#interAt] as number);
    if (this.#intraAt >= 0) this.#add(this.#intraAt, this.#values[this.#intraAt] as number);
  }

  #add(i: number, value: number): void {
    if (Number.isNaN(value)) return;
    this.#sums[i] = (this.#sums[i] as number) + value;
    this.#counts[i] = (this.#counts[i] as number) + 1;
    this.#lasts[i] = value;
  }

  #intoLogs(logs: TfjsLogs, values: Float64Array): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i += 1) logs[keys[i] as string] = values[i];
  }

  #row(values: Float64Array): Metrics {
    const row: Record<string, number | typeof NA> = {};
    const keys = this.keys;
    for (let i = 0; i < keys.length; i += 1) {
      const value = values[i] as number;
      row[keys[i] as string] = Number.isNaN(value) ? NA : value;
    }
    return row;
  }

  #warnOnce(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`GpuStatsLogger: ${error instanceof Error ? error.message : String(error)} (training goes on; later errors are not reported)`, 'NvitopWarning');
  }
}

inheritTfjsBaseCallback(GpuStatsLogger);
