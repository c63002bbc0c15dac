/**
 * The "not available" value used throughout the public API.
 *
 * A query that may lack a value returns {@link Maybe}`<T>`: either the value or the frozen
 * singleton {@link NA}. `NA` prints as `N/A`, becomes `NaN` in arithmetic, serialises to `null`
 * in JSON, and, being an object type, makes TypeScript reject `device.fanSpeed() + 1` until the
 * caller has checked {@link isNA}.
 *
 * @module
 */

const NA_BRAND: unique symbol = Symbol.for('nvitop.NotApplicable');

/** The type of {@link NA}: a value that is not applicable or not available. */
export interface NotApplicable {
  /** Brand that distinguishes NA from every other value. */
  readonly [NA_BRAND]: true;
  /** `'N/A'`. */
  toString(): 'N/A';
  /** `null`: JSON has no NaN, and `null` means "not available" to a JSON reader. */
  toJSON(): null;
}

/** A value of type `T`, or {@link NA} when it is not available. */
export type Maybe<T> = T | NotApplicable;

class NotApplicableImpl implements NotApplicable {
  declare readonly [NA_BRAND]: true;

  toString(): 'N/A' {
    return 'N/A';
  }

  toJSON(): null {
    return null;
  }

  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? Number.NaN : 'N/A';
  }

  /** `console.log(NA)` and `util.inspect` show `N/A`, as the value prints everywhere else. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'N/A';
  }
}
Object.defineProperty(NotApplicableImpl.prototype, NA_BRAND, { value: true });

/**
 * The singleton "not available" value.
 *
 * @example
 * ```ts
 * const fan = device.fanSpeed();           // Maybe<number>
 * console.log(`${fan}`);                   // 'N/A' when the GPU has no fan
 * const next = isNA(fan) ? 0 : fan + 1;    // TypeScript requires the check
 * JSON.stringify({ fan: NA });             // '{"fan":null}'
 * ```
 */
export const NA: NotApplicable = Object.freeze(new NotApplicableImpl());

/**
 * Whether `value` is {@link NA}.
 *
 * @example
 * ```ts
 * if (!isNA(device.temperature())) console.log('temperature known');
 * ```
 */
export function isNA(value: unknown): value is NotApplicable {
  return value === NA;
}

/**
 * The number, or `NaN` when it is {@link NA}.
 *
 * @example
 * ```ts
 * const util = orNaN(device.gpuUtilization()); // number, NaN when not available
 * ```
 */
export function orNaN(value: Maybe<number>): number {
  return value === NA ? Number.NaN : (value as number);
}

/**
 * The value, or `fallback` when it is {@link NA}.
 *
 * @example
 * ```ts
 * const fan = orElse(device.fanSpeed(), 0);
 * ```
 */
export function orElse<T, F = T>(value: Maybe<T>, fallback: F): T | F {
  return value === NA ? fallback : (value as T);
}

/**
 * Converts `null`, `undefined` and non-finite numbers to {@link NA}; other values pass through.
 *
 * @example
 * ```ts
 * toMaybe(undefined); // NA
 * toMaybe(3);         // 3
 * ```
 */
export function toMaybe<T>(value: T | null | undefined): Maybe<T> {
  if (value === null || value === undefined) return NA;
  if (typeof value === 'number' && !Number.isFinite(value)) return NA;
  return value;
}

/**
 * Comparator for `Array.prototype.sort` that orders numbers ascending and puts {@link NA} last
 * (as nvitop, where NA compares greater than every number).
 *
 * @example
 * ```ts
 * [3, NA, 1].sort(compareNaLast); // [1, 3, NA]
 * ```
 */
export function compareNaLast(a: Maybe<number>, b: Maybe<number>): number {
  const aNa = a === NA || Number.isNaN(a as number);
  const bNa = b === NA || Number.isNaN(b as number);
  if (aNa || bNa) return aNa === bNa ? 0 : aNa ? 1 : -1;
  return (a as number) - (b as number);
}

/**
 * Formats a value with `format`, or returns `'N/A'` when it is {@link NA}.
 *
 * @example
 * ```ts
 * formatMaybe(device.temperature(), (t) => `${t}C`); // '39C' or 'N/A'
 * ```
 */
export function formatMaybe<T>(value: Maybe<T>, format: (value: T) => string): string {
  return value === NA ? 'N/A' : format(value as T);
}
