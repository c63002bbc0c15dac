/**
 * Background flushing shared by the file sinks: an `unref()`ed interval timer and one shared
 * `process.on('exit')` listener that flushes every open sink synchronously.
 *
 * No signal handlers are installed: a library that listens to SIGINT/SIGTERM changes what the
 * signal does (the process no longer dies by default), and two libraries that each "re-raise
 * only if I am the last listener" keep the process alive together. Applications that want a
 * final flush on Ctrl-C handle the signal and call `close()` or `process.exit()` (which runs the
 * 'exit' flush).
 *
 * @module
 */

import { writeSync } from 'node:fs';

import { InvalidInputError } from '../core/errors.js';

const exitHooks = new Set<() => void>();

function runExitHooks(): void {
  for (const hook of [...exitHooks]) {
    try {
      hook();
    } catch (error) {
      // The process is exiting: say so on stderr (silent data loss is worse), flush the others.
      try {
        writeSync(2, `nvitop: a metric sink failed to flush at exit: ${String(error)}\n`);
      } catch {
        // stderr is gone too.
      }
    }
  }
}

/** Registers `hook` to run synchronously at process exit; returns the function that removes it. */
export function onProcessExit(hook: () => void): () => void {
  const entry = (): void => hook();
  if (exitHooks.size === 0) process.on('exit', runExitHooks);
  exitHooks.add(entry);
  return () => {
    if (exitHooks.delete(entry) && exitHooks.size === 0) process.off('exit', runExitHooks);
  };
}

/** The number of registered exit hooks (tests check that `close()` removes them). */
export function exitHookCount(): number {
  return exitHooks.size;
}

/**
 * Calls `flushSync` every `intervalMs` milliseconds on an `unref()`ed timer and at process exit.
 * An error in a background flush never escapes into the event loop: it is kept and handed to the
 * owner by {@link AutoFlush.takeError}, which the owner rethrows from its next `flush()`/`close()`.
 */
export class AutoFlush {
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #removeExitHook: () => void;
  #error: { value: unknown } | undefined;

  /**
   * @param flushSync - writes the owner's buffer; called from the timer and at exit.
   * @param intervalMs - the period; `0` or `Infinity` means no timer (flush on demand and at exit).
   */
  constructor(flushSync: () => void, intervalMs: number) {
    if (Number.isFinite(intervalMs) && intervalMs > 0) {
      this.#timer = setInterval(() => {
        try {
          flushSync();
        } catch (error) {
          this.#error ??= { value: error };
        }
      }, intervalMs);
      this.#timer.unref();
    }
    this.#removeExitHook = onProcessExit(flushSync);
  }

  /** Throws (and forgets) the first error a background flush met, if any. */
  throwPendingError(): void {
    const error = this.#error;
    this.#error = undefined;
    if (error) throw error.value;
  }

  /** Stops the timer and removes the exit hook. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#removeExitHook();
  }
}

/**
 * Checks a flush interval option: a number of milliseconds `>= 0` (`0`/`Infinity`: no timer).
 */
export function checkInterval(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidInputError(name, value, 'a number >= 0 (0 or Infinity: no timer)');
  }
  return value;
}
