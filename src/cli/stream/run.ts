/**
 * The sampling loop of `nvitop --json`/`--csv` streams: one sample now, then one every interval
 * (on a fixed cadence: a slow sample delays the next one, it never causes a burst), each written
 * as soon as it is taken, until the count is reached or the stop signal aborts (the entry point
 * aborts it on SIGINT/SIGTERM, from start-up on). A reader that goes away (`| head -3`) is the
 * entry point's business: EPIPE on stdout ends the process quietly.
 *
 * @module
 */

/**
 * Options of {@link runSampling}.
 *
 * @example
 * ```ts
 * await runSampling({ intervalMs: 2000, count: 3, out: process.stdout, sample: () => `${Date.now()}\n` });
 * ```
 */
export interface SamplingOptions {
  /** Milliseconds between the starts of two samples. */
  readonly intervalMs: number;
  /** Stop after this many samples; null: until a signal. */
  readonly count: number | null;
  /** Where the text goes. */
  readonly out: NodeJS.WritableStream;
  /** Takes one sample and returns its text (whole lines, each ending with `\n`). */
  readonly sample: () => string;
  /** Ends the loop (after the sample being written); an already aborted signal writes nothing. */
  readonly signal?: AbortSignal;
}

/** Writes `text`, waiting for the stream to drain when its buffer is full. */
function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(text)) resolve();
    else out.once('drain', () => resolve());
  });
}

/**
 * Runs the loop; resolves with the number of samples written.
 *
 * @example
 * ```ts
 * const written = await runSampling({ intervalMs: 1000, count: null, out: process.stdout, sample });
 * ```
 */
export async function runSampling(options: SamplingOptions): Promise<number> {
  let stopped = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    wake?.();
  };
  const { signal } = options;
  if (signal?.aborted === true) return 0;
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const start = performance.now();
    let written = 0;
    while (!stopped && (options.count === null || written < options.count)) {
      if (written > 0) {
        const due = start + written * options.intervalMs;
        const delay = due - performance.now();
        if (delay > 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, delay);
          });
          wake = null;
          timer = null;
          if (stopped) break;
        }
      }
      await write(options.out, options.sample());
      written += 1;
    }
    return written;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
