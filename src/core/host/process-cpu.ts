/**
 * The CPU percent of one process between two samples of its CPU time (nvitop's and `ps`'s
 * figure: percent of one core, one decimal).
 *
 * @module
 */
import { pyRound } from './round.js';

/** CPU time (seconds) of a process and when it was read (seconds, monotonic clock). */
export interface CpuSample {
  /** User plus system CPU time in seconds. */
  readonly cpu: number;
  /** When it was read, in seconds of a monotonic clock. */
  readonly at: number;
}

/**
 * Percent of one core used between `previous` and `current`; without `previous`, the lifetime
 * average (CPU time over `lifetime()` seconds), as `ps` gives. 0 when no time passed or no CPU
 * was used.
 *
 * @example
 * ```ts
 * cpuPercentBetween({ cpu: 3, at: 11 }, { cpu: 2, at: 10 }, () => 0); // 100
 * ```
 */
export function cpuPercentBetween(current: CpuSample, previous: CpuSample | undefined, lifetime: () => number): number {
  const elapsed = previous === undefined ? lifetime() : current.at - previous.at;
  const used = previous === undefined ? current.cpu : current.cpu - previous.cpu;
  if (!(elapsed > 0) || used <= 0) return 0;
  return pyRound((used / elapsed) * 100, 1);
}
