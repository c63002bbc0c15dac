/**
 * Running statistics of one metric: time-weighted mean, min, max and last value, kept in O(1)
 * memory however many samples arrive.
 *
 * @module
 */

/**
 * Running statistics of one metric, as nvitop's collector keeps them.
 *
 * - The **mean** is time-weighted: the area under the piecewise-linear curve through the samples
 *   (trapezoids), divided by the time covered. The first value is held back to the statistic's
 *   start time (a rectangle), and, unless a missing value was ever seen, the last value is held
 *   forward to the time of the query.
 * - A missing value (`NaN`) is skipped: it only marks the series as having a gap, after which the
 *   mean covers the time up to the last real sample instead of up to "now". The next real value
 *   is joined to the previous real one by a straight line, as nvitop does.
 * - When the covered time is zero (a single sample taken at the start time), the mean is that
 *   value (nvitop divides by zero there).
 *
 * @example
 * ```ts
 * const stats = new RunningStatistics(0);  // started at t = 0 s
 * stats.add(10, 1);                        // 10 at t = 1 s
 * stats.add(20, 2);                        // 20 at t = 2 s
 * stats.mean(2);                           // (10·1 + (10+20)/2·1) / 2 = 12.5
 * stats.min(); stats.max(); stats.last();  // 10, 20, 20
 * ```
 */
export class RunningStatistics {
  /** When the statistic started (seconds, the collector's monotonic clock). */
  readonly startTime: number;
  #lastTime = Number.NaN;
  #integral = 0;
  #last = Number.NaN;
  #min = Number.NaN;
  #max = Number.NaN;
  #count = 0;
  #hasGap = false;

  /** @param startTime - the start of the time this statistic covers, in seconds. */
  constructor(startTime: number) {
    this.startTime = startTime;
  }

  /**
   * Adds the value observed at `time` (seconds, not before the previous sample). `NaN` marks a
   * missing value.
   */
  add(value: number, time: number): void {
    if (Number.isNaN(value)) {
      this.#hasGap = true;
      return;
    }
    if (this.#count === 0) {
      this.#integral = value * (time - this.startTime);
      this.#min = value;
      this.#max = value;
    } else {
      this.#integral += ((value + this.#last) * (time - this.#lastTime)) / 2;
      if (value < this.#min) this.#min = value;
      if (value > this.#max) this.#max = value;
    }
    this.#last = value;
    this.#lastTime = time;
    this.#count += 1;
  }

  /** Number of real (non-missing) values added. */
  get count(): number {
    return this.#count;
  }

  /** Whether a missing value was ever added. */
  get hasGap(): boolean {
    return this.#hasGap;
  }

  /** Time-weighted mean up to `now` (seconds); `NaN` before the first real value. */
  mean(now: number): number {
    if (this.#count === 0) return Number.NaN;
    let integral = this.#integral;
    let end = this.#lastTime;
    if (!this.#hasGap && now > end) {
      integral += this.#last * (now - end);
      end = now;
    }
    const span = end - this.startTime;
    return span > 0 ? integral / span : this.#last;
  }

  /** Smallest value; `NaN` before the first real value. */
  min(): number {
    return this.#min;
  }

  /** Largest value; `NaN` before the first real value. */
  max(): number {
    return this.#max;
  }

  /** Most recent real value; `NaN` before the first one. */
  last(): number {
    return this.#last;
  }
}
