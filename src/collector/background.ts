/**
 * `collectInBackground()`: call a function with the collector's metrics every interval, in the
 * background, until it returns `false` or the handle is stopped (nvitop's
 * `collect_in_background`).
 *
 * @module
 */
import { InvalidInputError, StateError } from '../core/index.js';
import type { CollectedMetrics } from './buffer.js';
import type { ResourceMetricCollector } from './collector.js';
import type { MetricBuffer } from './buffer.js';

/**
 * Called with the metrics every interval. Returning `false` (or a promise of `false`) stops
 * the background collection; any other value (including nothing) continues. A returned promise
 * is awaited before the next call.
 *
 * @example
 * ```ts
 * const onCollect: OnCollect = (metrics) => { sink.write(metrics); };
 * ```
 */
export type OnCollect = (metrics: CollectedMetrics) => unknown;

/**
 * Options of {@link collectInBackground} and `collector.daemonize()`.
 *
 * @example
 * ```ts
 * const options: BackgroundOptions = { interval: 5, tag: 'resources', onStop: () => sink.close() };
 * ```
 */
export interface BackgroundOptions {
  /** Seconds between calls of `onCollect` (> 0). Default: the collector's interval. */
  readonly interval?: number;
  /** Called (and awaited) once before the first collection. */
  readonly onStart?: (collector: ResourceMetricCollector) => unknown;
  /** Called (and awaited) once after the last collection, however the loop ended. */
  readonly onStop?: (collector: ResourceMetricCollector) => unknown;
  /** Key prefix of the metrics. Default `'metrics-daemon'`. */
  readonly tag?: string;
  /** Start at once (default) or wait for `handle.start()`. */
  readonly start?: boolean;
  /**
   * `false` (default, as nvitop): each call gets the statistics since the loop started.
   * `true`: the statistics restart after each call, so each call covers one interval.
   */
  readonly perInterval?: boolean;
}

/**
 * A running background collection: stop it, await it, or let the process exit (its timer never
 * keeps the process alive).
 *
 * @example
 * ```ts
 * const handle = collectInBackground((m) => { sink.write(m); }, collector, { interval: 2 });
 * // ...
 * await handle.stop();   // onStop has run
 * ```
 */
export class BackgroundCollection {
  /** The collector. */
  readonly collector: ResourceMetricCollector;
  /** Key prefix of the metrics. */
  readonly tag: string;
  /** Seconds between calls. */
  readonly interval: number;
  /**
   * Settles when the loop has ended and `onStop` has run: resolves, or rejects with the error
   * thrown by `onStart`, `onCollect` or `onStop`. Not awaiting it is safe (the rejection is
   * handled; the error is also emitted as the collector's `'error'` event with scope
   * `'background'`).
   */
  readonly done: Promise<void>;
  /** The error that ended the loop, if any. */
  error: Error | undefined;

  readonly #onCollect: OnCollect;
  readonly #options: BackgroundOptions;
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #stopRequested = false;
  #wake: (() => void) | null = null;
  #sleepTimer: NodeJS.Timeout | null = null;
  #settle!: (error: Error | undefined) => void;

  /** @internal Use {@link collectInBackground} or `collector.daemonize()`. */
  constructor(onCollect: OnCollect, collector: ResourceMetricCollector, interval: number, options: BackgroundOptions) {
    this.collector = collector;
    this.interval = interval;
    this.tag = options.tag ?? 'metrics-daemon';
    if (typeof this.tag !== 'string' || this.tag.length === 0) throw new InvalidInputError('tag', this.tag, 'a non-empty string');
    this.#onCollect = onCollect;
    this.#options = options;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.done.catch(() => undefined);
  }

  /** Whether the loop is running (started and not yet ended). */
  get running(): boolean {
    return this.#state === 'running';
  }

  /**
   * Starts the loop (when created with `start: false`).
   *
   * @throws {@link StateError} when it was started before.
   */
  start(): this {
    if (this.#state !== 'idle') throw new StateError(`the background collection "${this.tag}" was already started`);
    this.#state = 'running';
    void this.#run();
    return this;
  }

  /**
   * Asks the loop to stop (a pending wait ends at once; a running `onCollect` finishes first)
   * and resolves once `onStop` has run. Never rejects (see {@link BackgroundCollection.done}).
   */
  stop(): Promise<void> {
    this.#stopRequested = true;
    if (this.#state === 'idle') {
      this.#state = 'stopped';
      this.#settle(undefined);
    }
    this.#wake?.();
    return this.done.catch(() => undefined);
  }

  async #run(): Promise<void> {
    const collector = this.collector;
    let buffer: MetricBuffer | null = null;
    let failure: Error | undefined;
    const fail = (error: unknown): void => {
      const err = error instanceof Error ? error : new Error(String(error));
      failure ??= err;
      try {
        collector.emit('error', err, 'background');
      } catch {
        // A throwing 'error' listener must not turn into an unhandled rejection.
      }
    };
    try {
      if (this.#options.onStart !== undefined) await this.#options.onStart(collector);
      buffer = collector.openDetached(this.tag);
      const intervalMs = this.interval * 1000;
      let nextDue = performance.now();
      while (!this.#stopRequested) {
        const metrics = collector.collectBuffer(buffer);
        if (this.#options.perInterval === true) collector.clearBuffer(buffer);
        let result = this.#onCollect(metrics);
        if (isPromiseLike(result)) result = await result;
        if (result === false || this.#stopRequested) break;
        nextDue += intervalMs;
        const now = performance.now();
        if (nextDue < now) nextDue += Math.ceil((now - nextDue) / intervalMs) * intervalMs; // skip missed ticks
        await this.#sleep(nextDue - now);
      }
    } catch (error) {
      fail(error);
    } finally {
      if (buffer !== null) collector.closeDetached(buffer);
      try {
        if (this.#options.onStop !== undefined) await this.#options.onStop(collector);
      } catch (error) {
        fail(error);
      }
      this.#state = 'stopped';
      this.error = failure;
      this.#settle(failure);
    }
  }

  /** Waits `ms` on an `unref()`ed timer; `stop()` ends the wait early. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        if (this.#sleepTimer !== null) clearTimeout(this.#sleepTimer);
        this.#sleepTimer = null;
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      this.#sleepTimer = setTimeout(done, Math.max(0, ms));
      this.#sleepTimer.unref();
    });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `onCollect(metrics)` every `interval` seconds in the background until it returns
 * `false` or the returned handle's `stop()` is called (nvitop's `collect_in_background`). The
 * metrics are the collector's under the tag `options.tag` (default `'metrics-daemon'`), a
 * top-level tag of its own, independent of the tags the program activates. The first call comes
 * at once; later calls keep a fixed cadence (missed ticks are skipped, never bunched).
 *
 * The loop runs on `unref()`ed timers: it never keeps the process alive, and when the program
 * ends the loop simply ends with it (`onStop` does not run at exit; the sinks in this package
 * flush their buffers at exit on their own).
 *
 * Differences from nvitop: only an explicit `false` stops the loop (a function that returns
 * nothing keeps going), and the interval is used as given (nvitop caps it at the collector's).
 *
 * @param collector - default: a new collector of every device and this process's descendants.
 * @throws {@link InvalidInputError} for an interval that is not a number > 0.
 *
 * @example
 * ```ts
 * import { collectInBackground, ResourceMetricCollector, Device, JsonlLogger } from 'nvitop-node';
 *
 * const sink = new JsonlLogger('gpu.jsonl');
 * const handle = collectInBackground(
 *   (metrics) => { sink.write(metrics); },
 *   new ResourceMetricCollector({ devices: Device.cuda.all() }),
 *   { interval: 5, onStop: () => sink.close() },
 * );
 * // ... training ...
 * await handle.stop();
 * ```
 */
export function collectInBackground(
  onCollect: OnCollect,
  collector?: ResourceMetricCollector,
  options: BackgroundOptions = {},
): BackgroundCollection {
  if (typeof onCollect !== 'function') throw new InvalidInputError('onCollect', onCollect, 'a function');
  const resolved = collector ?? new DefaultCollector();
  const interval = options.interval ?? resolved.interval;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new InvalidInputError('interval', interval, 'a number of seconds > 0');
  }
  const handle = new BackgroundCollection(onCollect, resolved, interval, options);
  if (options.start !== false) handle.start();
  return handle;
}

// Set by collector.ts (a runtime import would be circular).
let DefaultCollector: new () => ResourceMetricCollector;

/** @internal */
export function setDefaultCollector(ctor: new () => ResourceMetricCollector): void {
  DefaultCollector = ctor;
}
