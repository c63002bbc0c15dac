/**
 * Units and human-readable formatting: sizes, durations, utilization strings.
 *
 * One size grammar serves the whole package (`selectDevices`, `nvisel`, the monitor):
 * {@link human2bytes} parses it and {@link bytes2human} prints it.
 *
 * @module
 */
import { InvalidInputError } from './errors.js';
import { NA, type Maybe, type NotApplicable } from './na.js';

/** Kibibyte (1024 bytes). */
export const KiB = 1024;
/** Mebibyte (1024² bytes). */
export const MiB = 1024 ** 2;
/** Gibibyte (1024³ bytes). */
export const GiB = 1024 ** 3;
/** Tebibyte (1024⁴ bytes). */
export const TiB = 1024 ** 4;
/** Pebibyte (1024⁵ bytes). */
export const PiB = 1024 ** 5;
/** The largest 32-bit unsigned value, NVML's "not available" marker in 32-bit fields. */
export const UINT_MAX = 0xffffffff;
/** The largest 64-bit unsigned value, NVML's "not available" marker in 64-bit fields. */
export const ULONGLONG_MAX = 0xffffffffffffffffn;

/** Size units accepted by {@link human2bytes} (decimal `KB`… and binary `KiB`…). */
export const SIZE_UNITS: Readonly<Record<string, number>> = Object.freeze({
  '': 1,
  B: 1,
  KiB,
  MiB,
  GiB,
  TiB,
  PiB,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
  PB: 1000 ** 5,
});

const SIZE_PATTERN = /^\s*\+?\s*(\d+(?:\.\d+)?)\s*([KMGTP]i?B?|B?)\s*$/i;
const SIZE_ACCEPTED =
  "a non-negative size such as '8GiB', '8G', '5000M', '500MiB', '1.5GiB' or a byte count such as '1024'";

/** Python's `round()` (half to even), to `digits` decimal places. */
function roundHalfEven(value: number, digits = 0): number {
  const factor = 10 ** digits;
  const scaled = value * factor;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  let rounded: number;
  if (Math.abs(diff - 0.5) < 1e-9) rounded = floor % 2 === 0 ? floor : floor + 1;
  else rounded = Math.round(scaled);
  return rounded / factor;
}

/**
 * Formats a byte count as nvitop does (`'8862MiB'`, `'39.50GiB'`, `'512KiB'`).
 *
 * @param bytes - the size in bytes, or {@link NA}.
 * @param options.minUnit - the smallest unit to use (for example {@link GiB} gives `'0.50GiB'`).
 * @returns the human string, or {@link NA} when `bytes` is not a number.
 *
 * @example
 * ```ts
 * bytes2human(9292480512);                  // '8862MiB'
 * bytes2human(1536 * MiB, { minUnit: GiB }); // '1.50GiB'
 * ```
 */
export function bytes2human(bytes: Maybe<number | bigint>, options: { minUnit?: number } = {}): Maybe<string> {
  if (bytes === NA || bytes === null || bytes === undefined) return NA;
  let b = typeof bytes === 'bigint' ? Number(bytes) : (bytes as number);
  if (typeof b !== 'number' || !Number.isFinite(b)) return NA;
  if (!Number.isInteger(b)) b = roundHalfEven(b);
  const minUnit = options.minUnit ?? 1;
  if (b < KiB && minUnit < KiB) return `${b}B`;
  if (b < MiB && minUnit <= KiB) return `${roundHalfEven(b / KiB)}KiB`;
  if (b < 100 * MiB && minUnit <= MiB) return `${roundHalfEven(b / MiB, 2).toFixed(2)}MiB`;
  if (b < 1000 * MiB && minUnit <= MiB) return `${roundHalfEven(b / MiB, 1).toFixed(1)}MiB`;
  if (b < 20 * GiB && minUnit <= MiB) return `${roundHalfEven(b / MiB)}MiB`;
  if (b < 100 * GiB && minUnit <= GiB) return `${roundHalfEven(b / GiB, 2).toFixed(2)}GiB`;
  if (b < 1000 * GiB && minUnit <= GiB) return `${roundHalfEven(b / GiB, 1).toFixed(1)}GiB`;
  if (b < 100 * TiB && minUnit <= TiB) return `${roundHalfEven(b / TiB, 2).toFixed(2)}TiB`;
  if (b < 1000 * TiB && minUnit <= TiB) return `${roundHalfEven(b / TiB, 1).toFixed(1)}TiB`;
  if (b < 100 * PiB) return `${roundHalfEven(b / PiB, 2).toFixed(2)}PiB`;
  return `${roundHalfEven(b / PiB, 1).toFixed(1)}PiB`;
}

/**
 * Parses a size: a non-negative integer byte count, or a string in nvitop's grammar
 * (case-insensitive): `'8GiB'`, `'8Gi'` (binary), `'8G'`, `'8GB'` (decimal), `'5000M'`,
 * `'1.5GiB'`, `'1024'`, `'500B'`. The result is truncated to whole bytes.
 *
 * @throws {@link InvalidInputError} naming the bad value (`'8GB?'`, `'-1G'`, `''`, `'1e999'`,
 *   negative or non-integer numbers, sizes beyond `Number.MAX_SAFE_INTEGER`).
 *
 * @example
 * ```ts
 * human2bytes('8GiB');   // 8589934592
 * human2bytes('10k');    // 10000
 * human2bytes('1.5GiB'); // 1610612736
 * ```
 */
export function human2bytes(size: number | string): number {
  if (typeof size === 'number') {
    if (Number.isSafeInteger(size) && size >= 0) return size;
    throw new InvalidInputError('size', size, SIZE_ACCEPTED);
  }
  if (typeof size !== 'string') throw new InvalidInputError('size', size, SIZE_ACCEPTED);
  const match = SIZE_PATTERN.exec(size);
  if (match === null) throw new InvalidInputError('size', size, SIZE_ACCEPTED);
  const [, amount, rawUnit] = match as unknown as [string, string, string];
  const unitKey = rawUnit.toUpperCase().replace('I', 'i').replace('B', '');
  const unit = SIZE_UNITS[unitKey === '' ? 'B' : `${unitKey}B`];
  const bytes = Math.trunc(Number.parseFloat(amount) * (unit as number));
  if (!Number.isSafeInteger(bytes)) throw new InvalidInputError('size', size, SIZE_ACCEPTED);
  return bytes;
}

/**
 * Formats a duration in seconds as nvitop does: `'M:SS'`, `'H:MM:SS'`, or `'N.N days'` from
 * 4 days on (from 1 day on with `round`).
 *
 * @example
 * ```ts
 * timedelta2human(75);                        // '1:15'
 * timedelta2human(3 * 3600 + 5);              // '3:00:05'
 * timedelta2human(5 * 86400);                 // '5.0 days'
 * timedelta2human(90000, { round: true });    // '1.0 days'
 * ```
 */
export function timedelta2human(seconds: Maybe<number>, options: { round?: boolean } = {}): Maybe<string> {
  if (seconds === NA || typeof seconds !== 'number' || !Number.isFinite(seconds)) return NA;
  // Python's timedelta normalises to days >= any, 0 <= seconds < 86400 (floored microseconds).
  const wholeSeconds = Math.floor(seconds);
  const days = Math.floor(wholeSeconds / 86400);
  const secs = wholeSeconds - days * 86400;
  if (days >= 4 || (options.round === true && days >= 1)) return `${(days + secs / 86400).toFixed(1)} days`;
  const total = 86400 * days + secs;
  const hours = Math.floor(total / 3600);
  const rest = total - hours * 3600;
  const minutes = Math.floor(rest / 60);
  const s = rest - minutes * 60;
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `${minutes}:${String(s).padStart(2, '0')}`;
}

/**
 * Formats a utilization rate: integers as `'42%'`, fractions as `'42.5%'`, NA stays NA.
 *
 * @example
 * ```ts
 * utilization2string(42);   // '42%'
 * utilization2string(42.5); // '42.5%'
 * ```
 */
export function utilization2string(utilization: Maybe<number>): Maybe<string> {
  if (utilization === NA || typeof utilization !== 'number' || Number.isNaN(utilization)) return NA;
  return Number.isInteger(utilization) ? `${utilization}%` : `${utilization.toFixed(1)}%`;
}

/**
 * Interprets a string as a boolean: `true/yes/on/enabled/1` and `false/no/off/disabled/0`
 * (case-insensitive); anything else gives `fallback`, or whether the string is non-empty.
 *
 * @example
 * ```ts
 * boolify('Yes'); // true
 * boolify('off'); // false
 * ```
 */
export function boolify(value: string, fallback?: boolean): boolean {
  const lower = value.trim().toLowerCase();
  if (['true', 'yes', 'on', 'enabled', '1'].includes(lower)) return true;
  if (['false', 'no', 'off', 'disabled', '0'].includes(lower)) return false;
  if (fallback !== undefined) return fallback;
  return value.length > 0;
}

/** Whether `value` is {@link NA} (narrowing helper shared by formatters). */
export function isNotApplicable(value: unknown): value is NotApplicable {
  return value === NA;
}

/**
 * Parses a duration such as `'30m'`, `'1h30m'`, `'90s'`, `'500ms'`, `'2d'` or a plain number of
 * seconds (`'45'`, `45`) into milliseconds.
 *
 * @throws {@link InvalidInputError} for anything else (negative, empty, unknown units).
 *
 * @example
 * ```ts
 * parseDuration('30m');   // 1800000
 * parseDuration('1h30m'); // 5400000
 * parseDuration(2.5);     // 2500
 * ```
 */
export function parseDuration(duration: number | string): number {
  const accepted = "a duration such as '30s', '10m', '1h30m', '2d', '500ms' or a number of seconds";
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return duration * 1000;
    throw new InvalidInputError('duration', duration, accepted);
  }
  if (typeof duration !== 'string') throw new InvalidInputError('duration', duration, accepted);
  const text = duration.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number.parseFloat(text) * 1000;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(text)) !== null) {
    total += Number.parseFloat(match[1] as string) * (unitMs[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length || !Number.isFinite(total)) {
    throw new InvalidInputError('duration', duration, accepted);
  }
  return total;
}
