/**
 * The one validator of options objects, used by every public entry point that takes one
 * (`selectDevices`, `waitForDevices`, `useDevices`, the collector, the loggers, the tfjs
 * callback, `createExporter`). It runs before anything is allocated or opened and rejects:
 *
 * - an options argument that is not a plain object (`null`, a string, an array);
 * - an unknown key ({@link UnknownOptionError}, with the closest known name when one is close:
 *   a typo such as `minFreeMemmory` must not silently select every GPU);
 * - a value of the wrong type or out of range ({@link InvalidInputError} naming the option, the
 *   value and what is accepted).
 *
 * `undefined` values count as "not given", as TypeScript's optional properties do.
 *
 * @module
 */
import { InvalidInputError, UnknownOptionError } from './errors.js';
import { human2bytes, parseDuration } from './units.js';

/** What one option accepts: a check and its description for messages. @internal */
export interface OptionRule {
  /** What is accepted, in words (`'a non-negative integer'`). */
  readonly accepted: string;
  /**
   * Whether `value` (never undefined) is acceptable. May instead throw an
   * {@link InvalidInputError} whose `accepted` says more (the size and duration parsers do).
   */
  readonly check: (value: unknown) => boolean;
}

/** The known options of one entry point and what each accepts. @internal */
export type OptionSchema = Readonly<Record<string, OptionRule>>;

const rule = (accepted: string, check: (value: unknown) => boolean): OptionRule => ({ accepted, check });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function range(min: number | undefined, max: number | undefined, above: number | undefined): string {
  const parts: string[] = [];
  if (above !== undefined) parts.push(`> ${above}`);
  if (min !== undefined) parts.push(`>= ${min}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  return parts.join(' and ');
}

/**
 * Rule builders for {@link OptionSchema}s.
 *
 * @internal
 * @example
 * ```ts
 * const schema = { interval: is.number({ above: 0 }), tag: is.string() };
 * ```
 */
export const is = {
  /** `true` or `false`. */
  boolean: rule('true or false', (v) => typeof v === 'boolean'),
  /** Any string (non-empty with `nonEmpty`). */
  string: (options: { nonEmpty?: boolean } = {}): OptionRule =>
    options.nonEmpty === true ? rule('a non-empty string', (v) => typeof v === 'string' && v.length > 0) : rule('a string', (v) => typeof v === 'string'),
  /** A safe integer in a range. */
  integer: (options: { min?: number; max?: number } = {}): OptionRule => {
    const { min, max } = options;
    const where = range(min, max, undefined);
    return rule(`an integer${where === '' ? '' : ` ${where}`}`, (v) => typeof v === 'number' && Number.isSafeInteger(v) && (min === undefined || v >= min) && (max === undefined || v <= max));
  },
  /** A number (not NaN) in a range; infinities only with `infinite`. */
  number: (options: { min?: number; max?: number; above?: number; infinite?: boolean; unit?: string } = {}): OptionRule => {
    const { min, max, above, infinite = false, unit } = options;
    const where = range(min, max, above);
    const what = unit === undefined ? 'a number' : `a number of ${unit}`;
    return rule(`${what}${where === '' ? '' : ` ${where}`}${infinite ? ' (Infinity allowed)' : ''}`, (v) =>
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      (infinite || Number.isFinite(v)) &&
      (min === undefined || v >= min) &&
      (max === undefined || v <= max) &&
      (above === undefined || v > above),
    );
  },
  /** One of the listed values. */
  oneOf: (values: readonly (string | number | boolean)[]): OptionRule =>
    rule(values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ').replace(/, ([^,]*)$/, ' or $1'), (v) => values.includes(v as string)),
  /** A function. */
  func: rule('a function', (v) => typeof v === 'function'),
  /** A plain object (its own keys are checked by whoever uses it). */
  object: rule('an object', isPlainObject),
  /** An iterable (array, Set, generator) other than a string. */
  iterable: rule('an array or other iterable', (v) => typeof v === 'object' && v !== null && Symbol.iterator in v),
  /**
   * A byte count, or a size string accepted by `human2bytes` (`'8GiB'`); a rejected value is
   * explained with `human2bytes`'s own words.
   */
  size: rule("a byte count or a size string such as '8GiB'", (v) => {
    if (typeof v !== 'number' && typeof v !== 'string') return false;
    human2bytes(v);
    return true;
  }),
  /** A number of seconds, or a duration string accepted by `parseDuration` (`'30s'`, `'1h30m'`). */
  duration: rule("a number of seconds or a duration such as '30s'", (v) => {
    if (typeof v !== 'number' && typeof v !== 'string') return false;
    parseDuration(v);
    return true;
  }),
  /** An instance of `type` (any class, also one with a protected constructor). */
  instance: (type: { readonly prototype: object }, name: string): OptionRule => rule(name, (v) => typeof v === 'object' && v !== null && type.prototype.isPrototypeOf(v)),
  /** `null`, or what `inner` accepts. */
  nullable: (inner: OptionRule): OptionRule => rule(`${inner.accepted} or null`, (v) => v === null || inner.check(v)),
  /** What any of `rules` accepts. */
  anyOf: (...rules: OptionRule[]): OptionRule => rule(rules.map((r) => r.accepted).join(', or '), (v) => rules.some((r) => r.check(v))),
  /** A custom check. */
  custom: rule,
};

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to `name` (case-insensitive edit distance of at most a third of its
 * length, at least 1), or undefined when none is close.
 *
 * @internal
 * @example
 * ```ts
 * closestName('minFreeMemmory', ['minFreeMemory', 'maxCount']); // 'minFreeMemory'
 * ```
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(name.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Checks an options argument against `schema` and returns it typed (`{}` for `undefined`).
 *
 * @param where - the entry point, for messages (`'selectDevices'`, `'new CsvLogger()'`).
 * @throws {@link InvalidInputError} when `options` is not a plain object or a value is not
 *   accepted; {@link UnknownOptionError} for a key the schema does not know.
 * @internal
 *
 * @example
 * ```ts
 * const options = checkOptions<CsvLoggerOptions>('new CsvLogger()', given, {
 *   format: is.oneOf(['wide', 'long']),
 *   flushIntervalMs: is.number({ min: 0, infinite: true }),
 * });
 * ```
 */
export function checkOptions<T extends object>(where: string, options: unknown, schema: OptionSchema): T {
  if (options === undefined) return {} as T;
  if (!isPlainObject(options)) {
    throw new InvalidInputError(`options of ${where}`, options, 'an options object (or nothing)');
  }
  const known = Object.keys(schema);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) throw new UnknownOptionError(where, key, known, closestName(key, known));
  }
  for (const [key, option] of Object.entries(schema)) {
    const value = options[key];
    if (value === undefined) continue;
    let accepted: boolean;
    try {
      accepted = option.check(value);
    } catch (error) {
      // A parser (human2bytes, parseDuration) explains best what it accepts.
      if (error instanceof InvalidInputError) throw new InvalidInputError(key, value, error.accepted);
      throw error;
    }
    if (!accepted) throw new InvalidInputError(key, value, option.accepted);
  }
  return options as T;
}
