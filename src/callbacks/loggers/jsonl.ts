/**
 * `JsonlLogger`: one JSON object per line.
 *
 * @module
 */

import { isNA } from '../../core/na.js';
import { checkOptions, is } from '../../core/options.js';
import { checkInterval } from '../auto-flush.js';
import { SinkLifecycle } from '../lifecycle.js';
import { checkLogPath, checkReserved, checkStep, isoTime, metricEntries, resolveTime } from '../row.js';
import type { MetricSink, MetricValue, Metrics } from '../sink.js';
import { BufferedFile, truncateTornTail } from '../sync-file.js';

/**
 * Options of {@link JsonlLogger}.
 *
 * @example
 * ```ts
 * const options: JsonlLoggerOptions = { flushIntervalMs: 1000 };
 * ```
 */
export interface JsonlLoggerOptions {
  /** Milliseconds between background flushes (`unref()`ed timer); `0`/`Infinity`: none. Default 5000. */
  flushIntervalMs?: number;
  /** fsync the file after every flush (survives power loss too). Default false. */
  fsync?: boolean;
}

const RESERVED = ['time', 'step'] as const;

function jsonValue(value: MetricValue): string {
  // JSON has no NaN or Infinity: they become null, like NA. For finite numbers String() and
  // JSON.stringify() print the same text.
  return !isNA(value) && Number.isFinite(value) ? String(value) : 'null';
}

/**
 * Appends one JSON object per row to a file (JSON Lines):
 *
 * ```json
 * {"time":"2026-11-02T09:30:00.123Z","step":10,"gpu/util (%)":93,"gpu/fan (%)":null}
 * ```
 *
 * `time` is ISO 8601 in UTC with milliseconds; `step` is the step or `null`; the metrics follow
 * in the order given. `NA`, `NaN` and infinities are written as `null` (JSON has no NaN).
 * `time` and `step` are reserved: a metric with either name is rejected.
 *
 * An existing file is appended to; a torn last line (left by a process killed mid-write) is
 * dropped first, so the file stays one valid object per line.
 *
 * @example
 * ```ts
 * const log = new JsonlLogger('logs/gpu.jsonl');
 * log.write({ 'gpu/util (%)': 93, 'gpu/fan (%)': NA }, 10);
 * await log.close();
 * ```
 */
export class JsonlLogger implements MetricSink {
  /** Bytes of a torn last line dropped when the existing file was opened (normally 0). */
  readonly tornBytesDropped: number;
  readonly #file: BufferedFile;
  readonly #life: SinkLifecycle;
  /** `,"key":` per metric name (names repeat on every row). */
  readonly #keys = new Map<string, string>();

  /**
   * Opens `path` for appending (creating it and its folder when needed).
   *
   * @param path - the `.jsonl` file.
   * @param options - see {@link JsonlLoggerOptions}.
   */
  constructor(path: string, options: JsonlLoggerOptions = {}) {
    checkLogPath(path);
    checkOptions('new JsonlLogger()', options, {
      flushIntervalMs: is.number({ min: 0, infinite: true, unit: 'milliseconds' }),
      fsync: is.boolean,
    });
    const interval = checkInterval('flushIntervalMs', options.flushIntervalMs ?? 5000);
    this.tornBytesDropped = truncateTornTail(path);
    this.#file = new BufferedFile(path, { fsync: options.fsync ?? false });
    this.#life = new SinkLifecycle(
      { name: `JsonlLogger for ${path}`, flushSync: () => this.#file.flushSync(), release: () => this.#file.closeSync() },
      interval,
    );
  }

  /** The file's path. */
  get path(): string {
    return this.#file.path;
  }

  /** Buffers one line (see {@link MetricSink.write}). */
  write(metrics: Metrics, step?: number, time?: number): void {
    this.#life.checkOpen();
    const entries = metricEntries(metrics);
    const ms = resolveTime(time);
    const s = checkStep(step);
    let line = `{"time":"${isoTime(ms)}","step":${s === undefined ? 'null' : String(s)}`;
    for (const [key, value] of entries) line += this.#key(key) + jsonValue(value);
    this.#file.push(`${line}}\n`);
  }

  #key(key: string): string {
    let prefix = this.#keys.get(key);
    if (prefix === undefined) {
      checkReserved(key, RESERVED);
      prefix = `,${JSON.stringify(key)}:`;
      if (this.#keys.size >= 10_000) this.#keys.clear();
      this.#keys.set(key, prefix);
    }
    return prefix;
  }

  /** Appends the buffered lines synchronously. */
  flushSync(): void {
    if (!this.#life.closed) this.#file.flushSync();
  }

  /** Appends the buffered lines (done before the promise is returned). */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /** Flushes and closes the file. Idempotent. */
  closeSync(): void {
    this.#life.closeSync();
  }

  /** Flushes and closes the file. Idempotent. */
  close(): Promise<void> {
    return this.#life.close();
  }
}
