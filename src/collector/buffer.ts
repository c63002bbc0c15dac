/**
 * One tag's worth of running statistics (nvitop's `_MetricBuffer`).
 *
 * @module
 */
import { NA, type Maybe } from '../core/index.js';
import { RUNNING_TIME_KEY_SUFFIX } from './keys.js';
import { RunningStatistics } from './statistics.js';

/**
 * One sample: metric name → value (`NaN` where not available), taken at `time` (monotonic
 * seconds) and `epoch` (seconds since the Unix epoch).
 *
 * @example
 * ```ts
 * collector.on('sample', (sample: Sample) => console.log(sample.epoch, sample.values.get('gpu:0/temperature (C)')));
 * ```
 */
export interface Sample {
  /** Monotonic time of the sample, in seconds. */
  readonly time: number;
  /** Wall-clock time of the sample, in seconds since the Unix epoch. */
  readonly epoch: number;
  /** Values by metric name (`host/cpu_percent (%)`, `gpu:0/memory_used (MiB)`, …). */
  readonly values: ReadonlyMap<string, number>;
}

/**
 * What `collect()` returns: `'<tag>/<scope>/<metric (unit)>/<mean|min|max|last>'` → value, plus
 * `'<tag>/duration (s)'`, `'<tag>/timestamp'` and `'<tag>/last_timestamp'`. A statistic with no
 * value yet is {@link NA}.
 *
 * @example
 * ```ts
 * const metrics: CollectedMetrics = collector.collect();
 * metrics['train/host/cpu_percent (%)/mean']; // 8.97
 * ```
 */
export type CollectedMetrics = Record<string, Maybe<number>>;

interface Entry {
  readonly stats: RunningStatistics;
  generation: number;
  /** Output keys, built on first collect. */
  keys?: readonly string[];
}

const toMaybe = (value: number): Maybe<number> => (Number.isNaN(value) ? NA : value);

/** The statistics of one active tag. @internal */
export class MetricBuffer {
  /** The tag as given to `activate`. */
  readonly tag: string;
  /** The enclosing buffer, or null at the top. */
  readonly parent: MetricBuffer | null;
  /** Key prefix: the tags from the top down, joined by `/`. */
  readonly prefix: string;
  /** False once deactivated. */
  active = true;
  /** Samples added since the start or the last clear. */
  length = 0;
  #startTime: number;
  #lastTime: number;
  #lastEpoch: number;
  #generation = 0;
  readonly #entries = new Map<string, Entry>();

  constructor(tag: string, parent: MetricBuffer | null, now: number, epoch: number) {
    this.tag = tag;
    this.parent = parent;
    this.prefix = parent === null ? tag : `${parent.prefix}/${tag}`;
    this.#startTime = now;
    this.#lastTime = now;
    this.#lastEpoch = epoch;
  }

  /** Number of distinct metrics seen. */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds a sample; metrics known to this buffer but absent from the sample count as missing. */
  add(sample: Sample): void {
    const generation = ++this.#generation;
    const time = sample.time;
    let touched = 0;
    for (const [key, value] of sample.values) {
      let entry = this.#entries.get(key);
      if (entry === undefined) {
        // A new metric's statistics start at this buffer's previous sample (nvitop's choice).
        entry = { stats: new RunningStatistics(this.#lastTime), generation: 0 };
        this.#entries.set(key, entry);
      }
      if (entry.generation !== generation) touched += 1;
      entry.generation = generation;
      entry.stats.add(value, time);
    }
    if (touched !== this.#entries.size) {
      for (const entry of this.#entries.values()) {
        if (entry.generation !== generation) entry.stats.add(Number.NaN, time);
      }
    }
    this.length += 1;
    this.#lastTime = time;
    this.#lastEpoch = sample.epoch;
  }

  /** Forgets every statistic; the buffer starts again at `now`. */
  clear(now: number, epoch: number): void {
    this.#entries.clear();
    this.#startTime = now;
    this.#lastTime = now;
    this.#lastEpoch = epoch;
    this.length = 0;
  }

  /** The statistics as nvitop's `collect()` returns them, at `now` / `epoch`. */
  collect(now: number, epoch: number): CollectedMetrics {
    const out: CollectedMetrics = {};
    const prefix = this.prefix;
    for (const [key, entry] of this.#entries) {
      const stats = entry.stats;
      let keys = entry.keys;
      if (keys === undefined) {
        const base = `${prefix}/${key}`;
        keys = key.endsWith(RUNNING_TIME_KEY_SUFFIX)
          ? [base, `${base}/last`]
          : [`${base}/mean`, `${base}/min`, `${base}/max`, `${base}/last`];
        entry.keys = keys;
      }
      if (keys.length === 2) {
        out[keys[0] as string] = toMaybe(stats.max());
        out[keys[1] as string] = toMaybe(stats.last());
      } else {
        out[keys[0] as string] = toMaybe(stats.mean(now));
        out[keys[1] as string] = toMaybe(stats.min());
        out[keys[2] as string] = toMaybe(stats.max());
        out[keys[3] as string] = toMaybe(stats.last());
      }
    }
    out[`${prefix}/duration (s)`] = now - this.#startTime;
    out[`${prefix}/timestamp`] = epoch;
    out[`${prefix}/last_timestamp`] = this.#lastEpoch;
    return out;
  }
}
