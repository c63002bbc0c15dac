/**
 * `SummaryWriter`: writes scalars to a TensorBoard event file, like tensorboardX's and
 * `torch.utils.tensorboard`'s writer of the same name.
 *
 * @module
 */

import * as os from 'node:os';
import * as path from 'node:path';

import { InvalidInputError } from '../../core/errors.js';
import { checkOptions, is } from '../../core/options.js';
import { isNA } from '../../core/na.js';
import { checkInterval } from '../auto-flush.js';
import { SinkLifecycle } from '../lifecycle.js';
import { checkStep, metricEntries, resolveTime } from '../row.js';
import type { MetricSink, MetricValue, Metrics } from '../sink.js';
import { BufferedFile } from '../sync-file.js';
import { encodeEvent, FILE_VERSION } from './event.js';
import { frameRecord } from './record.js';

/**
 * Options of {@link SummaryWriter}.
 *
 * @example
 * ```ts
 * const options: SummaryWriterOptions = { flushSecs: 30, filenameSuffix: '.gpu' };
 * ```
 */
export interface SummaryWriterOptions {
  /**
   * Seconds between background flushes (an `unref()`ed timer; the unit of tensorboardX's
   * `flush_secs`). `0` or `Infinity`: flush only on `flush()`, `close()` and at exit. Default 10.
   */
  flushSecs?: number;
  /** Appended to the event file's name. Default `''`. */
  filenameSuffix?: string;
  /** fsync the file after every flush (survives power loss too). Default false. */
  fsync?: boolean;
}

/** Per-process counter in the file name, so that two writers never pick the same file. */
let fileCounter = 0;

/** Creates a new event file in `logDir`, named like tensorboardX's. */
function createEventFile(logDir: string, suffix: string, fsync: boolean): BufferedFile {
  const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
  const base = `events.out.tfevents.${seconds}.${os.hostname()}.${process.pid}`;
  for (;;) {
    const file = path.join(logDir, `${base}.${fileCounter++}${suffix}`);
    try {
      // 'ax': append-only and exclusive, so a name used by anyone else (another copy of this
      // module in the same process, a file left by an earlier process with our PID) is skipped.
      return new BufferedFile(file, { flags: 'ax', fsync });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function checkTag(tag: string): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new InvalidInputError('tag', tag, 'a non-empty string');
}

function checkWalltime(walltime: number | undefined): number {
  if (walltime === undefined) return Date.now() / 1000;
  if (typeof walltime === 'number' && Number.isFinite(walltime)) return walltime;
  throw new InvalidInputError('walltime', walltime, 'seconds since the epoch (a finite number)');
}

/**
 * Writes scalars to `<logDir>/events.out.tfevents.<secs>.<hostname>.<pid>.<n><suffix>`, a file
 * that TensorBoard reads (TFRecord framing, `Event` protobufs). The first record is the
 * `file_version: "brain.Event:2"` event, written when the writer is created; each scalar is then
 * one `Event` with a one-value `Summary`.
 *
 * Writes are buffered and appended synchronously on `flush()`, every `flushSecs` on an
 * `unref()`ed timer, on `close()`, and at process exit. Once `flush()` has returned, the data is
 * in the file even if the process is then killed.
 *
 * Values: `NA` is skipped (TensorBoard has no "not available"); `NaN` and infinities are written
 * as they are (legal float values that TensorBoard shows). Values are stored as 32-bit floats.
 * `walltime` arguments are in **seconds** since the epoch (tensorboardX's unit); the `time`
 * argument of {@link SummaryWriter.write} (the {@link MetricSink} interface) is in milliseconds.
 *
 * @example
 * ```ts
 * const writer = new SummaryWriter('runs/exp1');
 * writer.addScalar('train/loss', 0.25, 100);
 * writer.addScalars('loss', { train: 0.25, val: 0.31 }, 100);
 * await writer.close();
 * ```
 */
export class SummaryWriter implements MetricSink {
  /** The folder of the event file. */
  readonly logDir: string;
  readonly #file: BufferedFile;
  readonly #life: SinkLifecycle;
  readonly #options: SummaryWriterOptions;
  readonly #children = new Map<string, SummaryWriter>();

  /**
   * Creates `logDir` if needed and a new event file in it.
   *
   * @param logDir - the run's folder (what you pass to `tensorboard --logdir`, or a subfolder).
   * @param options - see {@link SummaryWriterOptions}.
   */
  constructor(logDir: string, options: SummaryWriterOptions = {}) {
    if (typeof logDir !== 'string' || logDir.length === 0) {
      throw new InvalidInputError('logDir', logDir, 'a folder path (a non-empty string)');
    }
    checkOptions('new SummaryWriter()', options, {
      flushSecs: is.number({ min: 0, infinite: true, unit: 'seconds' }),
      filenameSuffix: is.string(),
      fsync: is.boolean,
    });
    const flushSecs = checkInterval('flushSecs', options.flushSecs ?? 10);
    this.logDir = logDir;
    this.#options = { ...options };
    this.#file = createEventFile(logDir, options.filenameSuffix ?? '', options.fsync ?? false);
    this.#file.push(frameRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: FILE_VERSION })));
    this.#file.flushSync();
    this.#life = new SinkLifecycle(
      {
        name: `SummaryWriter for ${this.#file.path}`,
        flushSync: () => this.#flushAll(),
        release: () => this.#release(),
      },
      flushSecs * 1000,
    );
  }

  /** The path of the event file. */
  get path(): string {
    return this.#file.path;
  }

  /**
   * Adds one scalar. `NA` is skipped; `NaN` is written as NaN.
   *
   * @param tag - the chart name, e.g. `'train/loss'`.
   * @param value - the value (a number or `NA`).
   * @param step - the global step (an integer); omitted: the event has no step (reads as 0).
   * @param walltime - seconds since the epoch; default now.
   */
  addScalar(tag: string, value: MetricValue, step?: number, walltime?: number): void {
    this.#life.checkOpen();
    checkTag(tag);
    if (isNA(value)) return;
    if (typeof value !== 'number') throw new InvalidInputError(`value of '${tag}'`, value, 'a number or NA');
    const event = encodeEvent({
      wallTime: checkWalltime(walltime),
      step: checkStep(step),
      scalars: [{ tag, simpleValue: value }],
    });
    this.#file.push(frameRecord(event));
  }

  /**
   * Adds several scalars to one chart, with tensorboardX's / torch's semantics: each key gets its
   * own writer in `<logDir>/<mainTag with '/' as '_'>_<key>` and its value is logged there under
   * the tag `mainTag`, so TensorBoard draws the keys as lines of one chart named `mainTag`.
   * (For plain `mainTag/key` tags in this file, use {@link addScalarDict}.)
   *
   * @example
   * ```ts
   * writer.addScalars('loss', { train: 0.25, val: 0.31 }, 100); // runs/exp1/loss_train, runs/exp1/loss_val
   * ```
   */
  addScalars(mainTag: string, values: Metrics, step?: number, walltime?: number): void {
    this.#life.checkOpen();
    checkTag(mainTag);
    for (const [key, value] of metricEntries(values)) {
      const dir = path.join(this.logDir, `${mainTag.replaceAll('/', '_')}_${key}`);
      let child = this.#children.get(dir);
      if (child === undefined) {
        // The children are flushed by this writer's timer, flush() and close().
        child = new SummaryWriter(dir, { ...this.#options, flushSecs: 0 });
        this.#children.set(dir, child);
      }
      child.addScalar(mainTag, value, step, walltime);
    }
  }

  /**
   * {@link MetricSink} entry point: one scalar per key (tag = key), `NA` skipped.
   *
   * @param time - milliseconds since the epoch (default now), stored as the event's wall time.
   */
  write(metrics: Metrics, step?: number, time?: number): void {
    this.#life.checkOpen();
    const entries = metricEntries(metrics);
    const walltime = resolveTime(time) / 1000;
    checkStep(step);
    for (const [key] of entries) checkTag(key);
    for (const [key, value] of entries) this.addScalar(key, value, step, walltime);
  }

  /** Appends everything buffered (this writer's and its `addScalars` writers') synchronously. */
  flushSync(): void {
    if (!this.#life.closed) this.#flushAll();
  }

  /**
   * Appends everything buffered; the work is done before the promise is returned. Rethrows an
   * error that a background flush met since the last call.
   */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /** Flushes and closes the file(s), stops the timer and removes the exit hook. Idempotent. */
  closeSync(): void {
    this.#life.closeSync();
  }

  /** See {@link SummaryWriter.closeSync}; also rethrows an error a background flush met. */
  close(): Promise<void> {
    return this.#life.close();
  }

  #flushAll(): void {
    this.#file.flushSync();
    for (const child of this.#children.values()) child.flushSync();
  }

  #release(): void {
    try {
      for (const child of this.#children.values()) child.closeSync();
    } finally {
      this.#file.closeSync();
    }
  }
}
