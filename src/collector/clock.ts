/**
 * The clock the collector reads: a monotonic clock for durations and sample spacing, and the
 * wall clock for the `timestamp` keys. Injectable for tests and for replaying recorded samples.
 *
 * @module
 */

/**
 * Where the collector gets its times from. Both in **seconds** (as nvitop's `timer()` and
 * `time.time()`).
 *
 * @example
 * ```ts
 * // A hand-driven clock, for exact tests or for replaying recorded samples:
 * let t = 0;
 * const clock: CollectorClock = { monotonic: () => t, epoch: () => 1_700_000_000 + t };
 * const collector = new ResourceMetricCollector({ clock, interval: 3600 });
 * ```
 */
export interface CollectorClock {
  /** Monotonic seconds (never goes back); only differences matter. */
  monotonic(): number;
  /** Seconds since the Unix epoch. */
  epoch(): number;
}

/**
 * The real clock: `performance.now()` and `Date.now()`, in seconds.
 *
 * @example
 * ```ts
 * systemClock.epoch(); // 1764255000.123
 * ```
 */
export const systemClock: CollectorClock = Object.freeze({
  monotonic: (): number => performance.now() / 1000,
  epoch: (): number => Date.now() / 1000,
});
