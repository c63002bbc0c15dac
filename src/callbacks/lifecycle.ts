/**
 * The open → flush → closed life of a file sink, shared by every file sink (composition, so
 * that the public classes need no exported base class).
 *
 * @module
 */

import { StateError } from '../core/errors.js';
import { AutoFlush } from './auto-flush.js';

/** What a file sink plugs into {@link SinkLifecycle}. */
export interface SinkHooks {
  /** Human name for error messages, e.g. `'CsvLogger for gpu.csv'`. */
  name: string;
  /** Writes the sink's buffer synchronously. */
  flushSync(): void;
  /** Closes the sink's files (called once, after the last flush, even if it failed). */
  release(): void;
}

/**
 * Drives a sink's flushing (timer, exit hook, explicit) and closing. `flush()` and `close()`
 * do their work synchronously before returning the promise, so once `await sink.flush()` is
 * done (indeed once `sink.flush()` has returned) the data is in the file.
 */
export class SinkLifecycle {
  readonly #hooks: SinkHooks;
  readonly #auto: AutoFlush;
  #closed = false;

  constructor(hooks: SinkHooks, intervalMs: number) {
    this.#hooks = hooks;
    this.#auto = new AutoFlush(() => this.#flushIfOpen(), intervalMs, hooks.name);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Throws a {@link StateError} once the sink is closed. */
  checkOpen(): void {
    if (this.#closed) throw new StateError(`${this.#hooks.name} is closed`);
  }

  /** Flushes now; rethrows an error a background flush met since the last call. */
  flush(): Promise<void> {
    try {
      this.#auto.throwPendingError();
      this.#flushIfOpen();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Flushes, releases the files, stops the timer and the exit hook. Idempotent. */
  closeSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#auto.stop();
    try {
      this.#hooks.flushSync();
    } finally {
      this.#hooks.release();
    }
  }

  /** {@link SinkLifecycle.closeSync}, then rethrows an error a background flush met. */
  close(): Promise<void> {
    try {
      this.closeSync();
      this.#auto.throwPendingError();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #flushIfOpen(): void {
    if (!this.#closed) this.#hooks.flushSync();
  }
}
