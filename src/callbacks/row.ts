/**
 * Checks the arguments of `MetricSink.write` (step, time, metric values) the same way for every
 * sink, and formats the time column.
 *
 * @module
 */

import { InvalidInputError } from '../core/errors.js';
import { isNA } from '../core/na.js';
import type { MetricValue, Metrics } from './sink.js';

/** The step, checked: `undefined` or a safe integer (negative allowed, as TensorBoard's int64). */
export function checkStep(step: number | undefined): number | undefined {
  if (step === undefined || Number.isSafeInteger(step)) return step;
  throw new InvalidInputError('step', step, 'an integer (or undefined)');
}

/** The time in ms since the epoch, checked; `Date.now()` when `undefined`. */
export function resolveTime(time: number | undefined): number {
  if (time === undefined) return Date.now();
  if (typeof time === 'number' && Number.isFinite(time)) return time;
  throw new InvalidInputError('time', time, 'milliseconds since the epoch (a finite number)');
}

/** The metric's entries, each value checked to be a number or NA. */
export function metricEntries(metrics: Metrics): Array<[string, MetricValue]> {
  if (typeof metrics !== 'object' || metrics === null) {
    throw new InvalidInputError('metrics', metrics, 'an object of name -> number or NA');
  }
  const entries = Object.entries(metrics);
  for (const [key, value] of entries) {
    if (typeof value !== 'number' && !isNA(value)) {
      throw new InvalidInputError(`value of metric '${key}'`, value, 'a number or NA');
    }
  }
  return entries;
}

/** Throws when a metric key collides with one of the `reserved` column names. */
export function checkReserved(key: string, reserved: readonly string[]): void {
  if (reserved.includes(key)) {
    throw new InvalidInputError('metric name', key, `a name other than ${reserved.map((r) => `'${r}'`).join(' and ')} (reserved columns)`);
  }
}

/** The time column of CSV and JSONL: ISO 8601 in UTC with milliseconds, e.g. `2026-11-02T09:30:00.123Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Checks a log file path: a non-empty string. */
export function checkLogPath(path: unknown): void {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidInputError('log file path', path, 'a file path (a non-empty string)');
}
