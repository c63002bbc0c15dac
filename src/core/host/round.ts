/**
 * Python's `round(x, digits)` and psutil's `usage_percent` for the host layer, so percentages
 * match psutil's to the last digit.
 *
 * @module
 */

/**
 * Rounds like Python's `round(value, digits)`: to the nearest, and an exact binary tie (such as
 * `0.25` to one digit) to the even neighbour.
 *
 * @example
 * ```ts
 * pyRound(28.94, 1); // 28.9
 * pyRound(0.25, 1);  // 0.2 (Python), where Math.round would give 0.3
 * ```
 */
export function pyRound(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return value;
  // toFixed rounds the exact binary value to nearest, but an exact tie away from zero. A tie is
  // exact only when the expansion stops right after a 5 in the first dropped place (such values
  // have at most `digits + 1` decimals), so look at the exact digits just past `digits`.
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 25));
  const dropped = exact.slice(exact.length - 25);
  if (dropped.startsWith('5') && /^50*$/.test(dropped)) {
    const factor = 10 ** digits;
    const floor = Math.floor(Math.abs(value) * factor); // exact: the value is k + 0.5 scaled
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (Math.sign(value) * even) / factor;
  }
  return Number(value.toFixed(digits));
}

/**
 * psutil's `usage_percent(used, total, round_=1)`: `used / total * 100` to one decimal, 0 when
 * `total` is 0.
 *
 * @example
 * ```ts
 * roundPercent(1, 3); // 33.3
 * roundPercent(5, 0); // 0
 * ```
 */
export function roundPercent(used: number, total: number): number {
  if (total === 0) return 0;
  return pyRound((used / total) * 100, 1);
}
