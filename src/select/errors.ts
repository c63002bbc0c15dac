/**
 * Errors of device selection.
 *
 * @module
 */
import { NvitopError } from '../core/index.js';
import type { SelectionDecision } from './decide.js';
import type { UnmetConstraint } from './explain.js';

/**
 * Fewer devices than `minCount` fit the constraints. The message names the constraints that
 * rejected devices; {@link unmet} has the same as data.
 *
 * @example
 * ```ts
 * try {
 *   selectDevices({ minCount: 4, minFreeMemory: '8GiB' });
 * } catch (error) {
 *   if (error instanceof NotEnoughDevicesError) console.error(error.found, error.unmet);
 * }
 * ```
 */
export class NotEnoughDevicesError extends NvitopError {
  /** The `minCount` asked for. */
  readonly required: number;
  /** How many devices fit. */
  readonly found: number;
  /** The constraints that rejected devices, with counts. */
  readonly unmet: readonly UnmetConstraint[];
  /** The full decision (candidates, rejections, MIG rule). */
  readonly decision: SelectionDecision;

  constructor(message: string, details: { required: number; decision: SelectionDecision; unmet: readonly UnmetConstraint[] }) {
    super(message);
    this.required = details.required;
    this.found = details.decision.selected.length;
    this.unmet = details.unmet;
    this.decision = details.decision;
  }
}

/**
 * {@link waitForDevices} gave up: the wait limit passed before enough devices fit. A subclass of
 * {@link NotEnoughDevicesError} carrying the last attempt's decision.
 *
 * @example
 * ```ts
 * await waitForDevices({ minCount: 2, wait: '10m' }).catch((e) => {
 *   if (e instanceof DeviceWaitTimeoutError) console.error(`gave up after ${e.waitedMs} ms`);
 * });
 * ```
 */
export class DeviceWaitTimeoutError extends NotEnoughDevicesError {
  /** How long it waited, in milliseconds. */
  readonly waitedMs: number;
  /** How many times it looked. */
  readonly attempts: number;

  constructor(
    message: string,
    details: { required: number; decision: SelectionDecision; unmet: readonly UnmetConstraint[]; waitedMs: number; attempts: number },
  ) {
    super(message, details);
    this.waitedMs = details.waitedMs;
    this.attempts = details.attempts;
  }
}
