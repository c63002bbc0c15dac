/**
 * The one interface every metric sink implements, a fan-out sink, and a helper that turns a
 * function into a sink.
 *
 * @module
 */

import { InvalidInputError, StateError } from '../core/errors.js';
import type { NotApplicable } from '../core/na.js';

/**
 * One metric value: a number (NaN allowed) or `NA` when the value is not available.
 *
 * @example
 * ```ts
 * const fan: MetricValue = device.fanSpeed(); // a number, or NA on a GPU without a fan
 * ```
 */
export type MetricValue = number | NotApplicable;

/**
 * A flat record of metrics, keyed by name (for example the collector's
 * `'train/cuda:0 (gpu:0)/memory_used (MiB)/mean'`).
 *
 * @example
 * ```ts
 * const metrics: Metrics = { 'cuda:0/gpu_utilization (%)': 93, 'cuda:0/fan_speed (%)': NA };
 * ```
 */
export type Metrics = Readonly<Record<string, MetricValue>>;

/**
 * Where metrics go: a TensorBoard event file, a CSV or JSONL file, your own function.
 *
 * `write` only buffers (cheap, synchronous); `flush` puts what was buffered into the file, and
 * once its promise resolves the data survives the process being killed; `close` flushes and
 * releases the file. Every sink in this package also flushes on a timer and at process exit.
 *
 * @example
 * ```ts
 * const sink: MetricSink = new JsonlLogger('logs/gpu.jsonl');
 * sink.write({ 'gpu/util (%)': 93, 'gpu/fan (%)': NA }, 10);
 * await sink.close();
 * ```
 */
export interface MetricSink {
  /**
   * Records one row of metrics.
   *
   * @param metrics - the values; `NA` marks a value that is not available.
   * @param step - the training step (an integer), if any.
   * @param time - when the metrics were taken, in milliseconds since the epoch (default `Date.now()`).
   */
  write(metrics: Metrics, step?: number, time?: number): void;
  /** Writes everything buffered so far; resolves once it is in the file. */
  flush(): Promise<void>;
  /** Flushes and releases the sink; later writes throw. Closing twice is harmless. */
  close(): Promise<void>;
}

/**
 * A function used as a sink by {@link createSink}. `time` is always set (ms since the epoch).
 * A returned promise is awaited by the sink's `flush()`.
 *
 * @example
 * ```ts
 * const print: MetricFunction = (metrics, step, time) => console.log(new Date(time), step, metrics);
 * ```
 */
export type MetricFunction = (metrics: Metrics, step: number | undefined, time: number) => void | Promise<unknown>;

/**
 * What {@link createSink} accepts: a sink, a function, or a list of either.
 *
 * @example
 * ```ts
 * const target: SinkTarget = [new CsvLogger('gpu.csv'), (metrics) => console.log(metrics)];
 * ```
 */
export type SinkTarget = MetricSink | MetricFunction | ReadonlyArray<MetricSink | MetricFunction>;

/**
 * Whether `value` looks like a {@link MetricSink} (has `write`, `flush` and `close` methods).
 *
 * @example
 * ```ts
 * isMetricSink(new CsvLogger('gpu.csv')); // true
 * isMetricSink(() => {});                 // false
 * ```
 */
export function isMetricSink(value: unknown): value is MetricSink {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['write'] === 'function' && typeof v['flush'] === 'function' && typeof v['close'] === 'function';
}

/** Throws the single error, or an `AggregateError` when several sinks failed. */
function rethrow(errors: unknown[], what: string): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} sinks failed to ${what}`);
}

/**
 * Sends every row to several sinks. The row's `time` is fixed once (default `Date.now()`), so
 * every sink records the same timestamp. A failing sink does not stop the others: the errors are
 * thrown together afterwards (one error as is, several as an `AggregateError`).
 *
 * @example
 * ```ts
 * const sink = new MultiSink([new SummaryWriter('runs/exp1'), new CsvLogger('runs/exp1.csv')]);
 * sink.write(collector.collect(), step);
 * await sink.close();
 * ```
 */
export class MultiSink implements MetricSink {
  readonly #sinks: MetricSink[];

  /** @param sinks - the sinks to fan out to (more can be added with {@link MultiSink.add}). */
  constructor(sinks: Iterable<MetricSink> = []) {
    this.#sinks = [...sinks];
  }

  /** The sinks, in the order they receive rows. */
  get sinks(): readonly MetricSink[] {
    return this.#sinks;
  }

  /** Adds a sink; returns `this`. */
  add(sink: MetricSink): this {
    this.#sinks.push(sink);
    return this;
  }

  /** Writes the row to every sink (see {@link MetricSink.write}). */
  write(metrics: Metrics, step?: number, time: number = Date.now()): void {
    const errors: unknown[] = [];
    for (const sink of this.#sinks) {
      try {
        sink.write(metrics, step, time);
      } catch (error) {
        errors.push(error);
      }
    }
    rethrow(errors, 'write');
  }

  /** Flushes every sink. */
  async flush(): Promise<void> {
    await this.#all((sink) => sink.flush(), 'flush');
  }

  /** Closes every sink. */
  async close(): Promise<void> {
    await this.#all((sink) => sink.close(), 'close');
  }

  async #all(action: (sink: MetricSink) => Promise<void>, what: string): Promise<void> {
    const results = await Promise.allSettled(this.#sinks.map((sink) => Promise.resolve().then(() => action(sink))));
    rethrow(
      results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason),
      what,
    );
  }
}

/** A sink that calls a function for each row and awaits its pending promises on flush. */
class FunctionSink implements MetricSink {
  readonly #fn: MetricFunction;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #errors: unknown[] = [];
  #closed = false;

  constructor(fn: MetricFunction) {
    this.#fn = fn;
  }

  write(metrics: Metrics, step?: number, time: number = Date.now()): void {
    if (this.#closed) throw new StateError('write() on a closed sink');
    const result = this.#fn(metrics, step, time);
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      const tracked: Promise<unknown> = Promise.resolve(result).then(
        () => this.#pending.delete(tracked),
        (error: unknown) => {
          this.#pending.delete(tracked);
          this.#errors.push(error);
        },
      );
      this.#pending.add(tracked);
    }
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    rethrow(this.#errors.splice(0), 'write');
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}

/**
 * Turns what the caller gave into one {@link MetricSink}: a sink is returned as is, a function
 * becomes a sink that calls it for every row (its promises are awaited by `flush()`), and a list
 * becomes a {@link MultiSink}.
 *
 * @example
 * ```ts
 * const sink = createSink([new JsonlLogger('gpu.jsonl'), (metrics, step) => console.log(step, metrics)]);
 * sink.write({ 'gpu/util (%)': 50 }, 1);
 * ```
 */
export function createSink(target: SinkTarget): MetricSink {
  if (Array.isArray(target)) return new MultiSink(target.map((t: MetricSink | MetricFunction) => createSink(t)));
  if (typeof target === 'function') return new FunctionSink(target as MetricFunction);
  if (isMetricSink(target)) return target;
  throw new InvalidInputError('sink', target, 'a MetricSink (write/flush/close), a function, or a list of them');
}
