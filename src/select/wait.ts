/**
 * `waitForDevices`: look, and look again every `interval`, until enough devices fit or the wait
 * limit passes. Asynchronous (returns a Promise); its timer keeps the process alive on purpose,
 * since the caller is waiting for it. Stop it early with an `AbortSignal`.
 *
 * @module
 */
import { InvalidInputError, parseDuration, type Device } from '../core/index.js';
import { checkOptions, is, type OptionSchema } from '../core/options.js';
import type { SelectionDecision } from './decide.js';
import { DeviceWaitTimeoutError } from './errors.js';
import { explainShortfall, unmetConstraints, type ConstraintLabels } from './explain.js';
import type { DeviceCandidate } from './gather.js';
import { SELECT_RULES, type SelectDevicesOptions, type SelectFormat } from './options.js';
import { runSelection, splitSelectArguments, type SelectResult, type SelectionOutcome } from './select-devices.js';

/** One unsuccessful look, reported to `onProgress`. */
export interface WaitProgress {
  /** 1 for the first look. */
  readonly attempt: number;
  /** Milliseconds since the wait began. */
  readonly elapsedMs: number;
  /** Milliseconds left (`Infinity` without a limit). */
  readonly remainingMs: number;
  /** How many devices fit this time. */
  readonly found: number;
  /** How many are needed: `max(minCount, 1)`. */
  readonly required: number;
  /** Why it was not enough, in words. */
  readonly message: string;
  /** The decision of this look. */
  readonly decision: SelectionDecision<DeviceCandidate>;
}

/** Options of {@link waitForDevices}: the selection options plus how to wait. */
export interface WaitForDevicesOptions extends SelectDevicesOptions {
  /**
   * How long to wait: a duration (`'30m'`, `'1h30m'`, `'90s'`, a number of seconds), or `true`
   * (default) for no limit.
   */
  wait?: true | number | string;
  /** Time between looks (default `'1s'`, at least 10 ms). */
  interval?: number | string;
  /** Called after each look that found too few devices. */
  onProgress?: (progress: WaitProgress) => void;
  /** Aborts the wait: the Promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Names for constraints in messages (the CLI uses its flag names). */
  labels?: ConstraintLabels;
}

/** The options of waiting, added to the selection options. @internal */
export const WAIT_RULES: OptionSchema = {
  wait: is.anyOf(is.oneOf([true]), is.duration),
  interval: is.duration,
  onProgress: is.func,
  signal: is.custom('an AbortSignal', (v) => v instanceof AbortSignal),
};

/** The wait limit in milliseconds (`Infinity` for none). */
function waitLimit(wait: WaitForDevicesOptions['wait']): number {
  if (wait === undefined || wait === true) return Number.POSITIVE_INFINITY;
  if (typeof wait === 'number' || typeof wait === 'string') return parseDuration(wait);
  throw new InvalidInputError('wait', wait, "true or a duration such as '30m'");
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until at least `max(minCount, 1)` devices meet the constraints, then returns them as
 * {@link selectDevices} would. Looks at once, then every `interval`, and a last time when the
 * limit is reached.
 *
 * @throws {@link DeviceWaitTimeoutError} when the limit passes first (the message names the
 *   constraints that rejected devices on the last look); the signal's reason when aborted;
 *   {@link InvalidInputError} for bad options; NVML errors.
 *
 * @example
 * ```ts
 * const uuids = await waitForDevices({
 *   format: 'uuid', minCount: 2, minFreeMemory: '20GiB', wait: '2h', interval: '30s',
 *   onProgress: (p) => console.error(`still waiting (${p.found}/${p.required})`),
 * });
 * process.env.CUDA_VISIBLE_DEVICES = uuids.join(',');
 * ```
 */
export function waitForDevices<F extends SelectFormat = 'index'>(options?: WaitForDevicesOptions & { format?: F }): Promise<SelectResult<F>>;
/**
 * Same, choosing among `devices`.
 *
 * @param devices - devices to choose from (`null`/`undefined`: all GPUs, or the inherited ones).
 *
 * @example
 * ```ts
 * await waitForDevices(Device.all().slice(0, 4), { maxCount: 1, minFreeMemory: '20GiB', wait: '1h' });
 * ```
 */
export function waitForDevices<F extends SelectFormat = 'index'>(
  devices: Iterable<Device> | null | undefined,
  options?: WaitForDevicesOptions & { format?: F },
): Promise<SelectResult<F>>;
export async function waitForDevices(...args: unknown[]): Promise<unknown> {
  const { devices, options } = splitSelectArguments<WaitForDevicesOptions>(args);
  const checked = checkOptions<WaitForDevicesOptions>('waitForDevices', options, { ...SELECT_RULES, ...WAIT_RULES, labels: is.object });
  return (await waitForSelection(devices, checked, 'waitForDevices')).identifiers;
}

/**
 * The waiting loop behind {@link waitForDevices}, returning the whole outcome (the CLI uses it).
 *
 * @param where - the entry point named in error messages.
 *
 * @example
 * ```ts
 * const outcome = await waitForSelection(undefined, { minCount: 1, wait: '10m' });
 * ```
 */
export async function waitForSelection(devices: Iterable<Device> | undefined, options: WaitForDevicesOptions, where = 'waitForDevices'): Promise<SelectionOutcome> {
  const { wait, interval, onProgress, signal, labels, ...selectOptions } = options;
  const limitMs = waitLimit(wait);
  const intervalMs = parseDuration(interval ?? '1s');
  if (!(intervalMs >= 10)) throw new InvalidInputError('interval', interval, 'a duration of at least 10ms');
  const started = Date.now();
  const deadline = started + limitMs;
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted === true) throw signal.reason;
    const outcome = runSelection(devices, selectOptions, where);
    const required = Math.max(outcome.criteria.minCount, 1);
    if (outcome.identifiers.length >= required || outcome.criteria.maxCount === 0) return outcome;
    for (const lock of outcome.locks) lock.release();
    const now = Date.now();
    const message = explainShortfall(outcome.decision, outcome.criteria, required, labels);
    onProgress?.({
      attempt,
      elapsedMs: now - started,
      remainingMs: Math.max(0, deadline - now),
      found: outcome.identifiers.length,
      required,
      message,
      decision: outcome.decision,
    });
    if (now >= deadline) {
      const waited = now - started;
      throw new DeviceWaitTimeoutError(`Not enough devices after waiting ${(waited / 1000).toFixed(1)}s: ${message}`, {
        required,
        decision: outcome.decision,
        unmet: unmetConstraints(outcome.decision, outcome.criteria),
        waitedMs: waited,
        attempts: attempt,
      });
    }
    await sleep(Math.min(intervalMs, deadline - now), signal);
  }
}
