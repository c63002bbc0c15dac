/**
 * The background loop of `collectInBackground()` and `collector.daemonize()`: call a function
 * with a collection's metrics every interval until it returns `false` or the handle is stopped
 * (nvitop's `collect_in_background`). The loop knows the collector only through the
 * {@link DetachedCollection} it is given, so this module does not import the collector.
 *
 * @module
 */
import { InvalidInputError, StateError } from '../core/index.js';
import { checkOptions, is } from '../core/options.js';
import type { CollectedMetrics } from './buffer.js';

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
 * Options of `collectInBackground()` and `collector.daemonize()`; `C` is the collector's type.
 *
 * @example
 * ```ts
 * const options: BackgroundOptions = { interval: 5, tag: 'resources', onStop: () => sink.close() };
 * ```
 */
export interface BackgroundOptions<C = unknown> {
  /** Seconds between calls of `onCollect` (> 0). Default: the collector's interval. */
  readonly interval?: number;
  /** Called (and awaited) once before the first collection, with the collector. */
  readonly onStart?: (collector: C) => unknown;
  /** Called (and awaited) once after the last collection, however the loop ended. */
  readonly onStop?: (collector: C) => unknown;
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
 * A collection of its own that a collector opens for a background loop: a top-level tag that
 * belongs to no chain of the program's tags.
 *
 * @internal
 */
export interface DetachedCollection {
  /** Starts the collection. */
  open(): void;
  /** Its metrics (taking a sample first when the last one is older than half an interval). */
  collect(): CollectedMetrics;
  /** Restarts its statistics. */
  clear(): void;
  /** Ends it. */
  close(): void;
  /** Reports an error of the loop (the collector's `'error'` event, scope `'background'`). */
  reportError(error: Error): void;
}

/**
 * A running background collection (`C`: the collector's type): stop it, await it, or let the process exit (its timer never
 * keeps the process alive).
 *
 * @example
 * ```ts
 * const handle = collectInBackground((m) => { sink.write(m); }, collector, { interval: 2 });
 * // ...
 * await handle.stop();   // onStop has run
 * ```
 */
export class BackgroundCollection<C = unknown> {
  /** The collector. */
  readonly collector: C;
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
  readonly #options: BackgroundOptions<C>;
  readonly #detached: DetachedCollection;
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #stopRequested = false;
  #wake: (() => void) | null = null;
  #sleepTimer: NodeJS.Timeout | null = null;
  #settle!: (error: Error | undefined) => void;

  /** @internal Use `collectInBackground()` or `collector.daemonize()`. */
  constructor(onCollect: OnCollect, collector: C, detached: DetachedCollection, interval: number, options: BackgroundOptions<C>) {
    this.collector = collector;
    this.#detached = detached;
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
    const detached = this.#detached;
    let opened = false;
    let failure: Error | undefined;
    const fail = (error: unknown): void => {
      const err = error instanceof Error ? error : new Error(String(error));
      failure ??= err;
      try {
        detached.reportError(err);
      } catch {
        // A throwing 'error' listener must not turn into an unhandled rejection.
      }
    };
    try {
      if (this.#options.onStart !== undefined) await this.#options.onStart(collector);
      detached.open();
      opened = true;
      const intervalMs = this.interval * 1000;
      let nextDue = performance.now();
      while (!this.#stopRequested) {
        const metrics = detached.collect();
        if (this.#options.perInterval === true) detached.clear();
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
      if (opened) detached.close();
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

/** What {@link BackgroundOptions} accepts. @internal */
export const BACKGROUND_RULES = {
  interval: is.number({ above: 0, unit: 'seconds' }),
  onStart: is.func,
  onStop: is.func,
  tag: is.string({ nonEmpty: true }),
  start: is.boolean,
  perInterval: is.boolean,
};

/**
 * Checks the arguments and starts a background loop over `collector`'s detached collection.
 *
 * @throws {@link InvalidInputError} for an `onCollect` that is not a function, options that are
 *   not an object, or a value of the wrong type or range (an interval that is not a number > 0);
 *   {@link UnknownOptionError} for an unknown option.
 * @internal
 */
export function startBackground<C>(
  onCollect: OnCollect,
  collector: C,
  detached: (tag: string) => DetachedCollection,
  defaultInterval: number,
  options: BackgroundOptions<C>,
): BackgroundCollection<C> {
  if (typeof onCollect !== 'function') throw new InvalidInputError('onCollect', onCollect, 'a function');
  checkOptions('daemonize', options, BACKGROUND_RULES);
  const interval = options.interval ?? defaultInterval;
  const tag = options.tag ?? 'metrics-daemon';
  const handle = new BackgroundCollection(onCollect, collector, detached(tag), interval, options);
  if (options.start !== false) handle.start();
  return handle;
}
