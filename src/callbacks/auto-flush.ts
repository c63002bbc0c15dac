/**
 * Background flushing shared by the file sinks: an `unref()`ed interval timer and one shared
 * `process.on('exit')` listener that flushes every open sink synchronously. A flush that fails
 * at exit is reported on stderr and turns an exit status of 0 into 1: the rows it held are lost,
 * and a job that lost data must not look successful.
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

interface ExitHook {
  readonly flush: () => void;
  readonly name: string;
}

const exitHooks = new Set<ExitHook>();

function runExitHooks(): void {
  for (const hook of [...exitHooks]) {
    try {
      hook.flush();
    } catch (error) {
      // The process is exiting and what was buffered is lost: say so on stderr (silent data loss
      // is worse), make the exit status say so too (unless it already reports a failure), and
      // flush the others.
      const code = Number(process.exitCode ?? 0);
      if (!(code > 0)) process.exitCode = 1;
      try {
        const why = error instanceof Error ? error.message : String(error);
        writeSync(2, `nvitop: ${hook.name} failed to flush at exit, the rows since its last flush are lost: ${why}\n`);
      } catch {
        // stderr is gone too.
      }
    }
  }
}

/**
 * Registers `flush` to run synchronously at process exit; returns the function that removes it.
 * A flush that throws there is reported on stderr under `name` and sets the exit status to 1
 * (when it was 0).
 */
export function onProcessExit(flush: () => void, name = 'a metric sink'): () => void {
  const entry: ExitHook = { flush, name };
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
   * @param name - the owner, for the message when the exit flush fails.
   */
  constructor(flushSync: () => void, intervalMs: number, name?: string) {
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
    this.#removeExitHook = onProcessExit(flushSync, name);
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
