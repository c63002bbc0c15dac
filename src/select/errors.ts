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

/**
 * The lock folder cannot be used: it cannot be created or written (EACCES, EROFS, ENOTDIR, a
 * path under `/proc`), it is not a folder, or users other than a lock's owner could delete
 * locks from it (group- or world-writable without the sticky bit). The message names the
 * folder, the problem and what to do; `nvisel` exits with status 5.
 *
 * @example
 * ```ts
 * try {
 *   useDevices({ maxCount: 1, lock: { dir: '/readonly/locks' } });
 * } catch (error) {
 *   if (error instanceof LockDirectoryError) console.error(error.folder, error.reason);
 * }
 * ```
 */
export class LockDirectoryError extends NvitopError {
  /** The folder. */
  readonly folder: string;
  /** The system error code (`'EACCES'`, `'EROFS'`, …), or `'EUNSAFE'` / `'ENOTDIR'` for the checks of this package. */
  readonly reason: string;

  constructor(folder: string, reason: string, problem: string, options?: { cause?: unknown }) {
    super(
      `Cannot use the GPU lock folder ${folder}: ${problem}. Set NVITOP_LOCK_DIR (or the lock option's dir) to a folder that every user of these GPUs can write, for example one made with 'mkdir -m 1777 /var/tmp/nvitop-locks'.`,
      options,
    );
    this.folder = folder;
    this.reason = reason;
  }
}
