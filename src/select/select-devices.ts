/**
 * `selectDevices`: nvitop's `select_devices` over live devices, synchronous. It never waits (see
 * {@link waitForDevices} for that) and throws {@link NotEnoughDevicesError} when fewer than
 * `minCount` devices fit.
 *
 * @module
 */
import { Device, InvalidInputError } from '../core/index.js';
import type { DeviceIndex } from './candidate.js';
import { decideDevices, type Rejection, type SelectionDecision } from './decide.js';
import { NotEnoughDevicesError } from './errors.js';
import { explainShortfall, unmetConstraints, type ConstraintLabels } from './explain.js';
import { gatherCandidates, type DeviceCandidate } from './gather.js';
import { checkLockOwner, ensureLockDirectory, tryLockDevice, type DeviceLock } from './lock/index.js';
import { checkLockOptions, normalizeSelectOptions, type SelectDevicesOptions, type SelectFormat, type SelectionCriteria } from './options.js';

/**
 * What {@link selectDevices} returns for a format: UUID strings for `'uuid'`, devices for
 * `'device'`, and for `'index'` NVML indices, or UUIDs when the MIG rule switched the format
 * (unless `forceIndex`).
 */
export type SelectResult<F extends SelectFormat> = F extends 'uuid' ? string[] : F extends 'device' ? Device[] : DeviceIndex[] | string[];

/** One selection's full outcome (used by the CLI and by {@link waitForDevices}). */
export interface SelectionOutcome {
  /** The validated criteria. */
  readonly criteria: SelectionCriteria;
  /** The decision; with locks, `selected` holds the devices actually locked. */
  readonly decision: SelectionDecision<DeviceCandidate>;
  /** The selected identifiers, in the decision's format. */
  readonly identifiers: Array<DeviceIndex | string | Device>;
  /** Locks taken (empty without the `lock` option). */
  readonly locks: readonly DeviceLock[];
}

/** The device list and options of a call, however they were passed. */
export interface SelectionRequest<O> {
  /** Explicit devices, or undefined for all (or the inherited ones). */
  readonly devices: Iterable<Device> | undefined;
  /** The options as given (not yet checked: undefined, or anything a caller passed). */
  readonly options: O;
}

/**
 * Splits `(devices?, options?)` arguments. With two arguments the first is the device list
 * (`null`/`undefined`: all); with one, it is the device list when it is iterable (not a
 * string), else the options. The options themselves are checked by the caller.
 *
 * @throws {@link InvalidInputError} for a first of two arguments that is not a device list.
 *
 * @example
 * ```ts
 * splitSelectArguments([Device.all(), { maxCount: 1 }]); // { devices: [...], options: { maxCount: 1 } }
 * ```
 */
export function splitSelectArguments<O extends object>(args: readonly unknown[]): SelectionRequest<O> {
  const [first, second] = args;
  const iterable = typeof first === 'object' && first !== null && Symbol.iterator in first;
  if (args.length >= 2) {
    if (first !== undefined && first !== null && !iterable) {
      throw new InvalidInputError('devices', first, 'an array (or other iterable) of devices, null or undefined');
    }
    return { devices: (first ?? undefined) as Iterable<Device> | undefined, options: second as O };
  }
  if (iterable) return { devices: first as Iterable<Device>, options: undefined as unknown as O };
  return { devices: undefined, options: first as O };
}

function checkedDevices(devices: Iterable<Device>): Device[] {
  const list = [...devices];
  const bad = list.find((device) => !(device instanceof Device));
  if (bad !== undefined) throw new InvalidInputError('devices', bad, 'Device objects (from Device.all(), Device.fromIndex(), …)');
  return list;
}

function resolveDevices(devices: Iterable<Device> | undefined, options: SelectDevicesOptions): Iterable<Device> {
  const inherit = options.inherit;
  if (inherit === undefined || inherit === null || inherit === false) return devices === undefined ? Device.all() : checkedDevices(devices);
  if (devices !== undefined) throw new InvalidInputError('inherit', inherit, 'no inherit option when a device list is given');
  return Device.fromCudaVisibleDevices(inherit === true ? undefined : inherit);
}

function lockOptions(options: SelectDevicesOptions, where: string): { dir?: string; ownerPid?: number } | null {
  const lock = options.lock;
  if (lock === undefined || lock === null || lock === false) return null;
  if (lock === true) return {};
  const checked = checkLockOptions(where, lock);
  if (checked.ownerPid !== undefined) checkLockOwner(checked.ownerPid);
  return checked;
}

function identifierOf(candidate: DeviceCandidate, format: SelectFormat): DeviceIndex | string | Device {
  if (format === 'device') return candidate.device;
  if (format === 'uuid') return String(candidate.uuid);
  return candidate.index;
}

/**
 * The identifiers of a decision's selected devices, in its format.
 *
 * @example
 * ```ts
 * identifiersOf(decision); // [3, 6] or ['GPU-…', …] or devices
 * ```
 */
export function identifiersOf(decision: SelectionDecision<DeviceCandidate>): Array<DeviceIndex | string | Device> {
  return decision.selected.map((candidate) => identifierOf(candidate, decision.format));
}

/** Takes locks down the ranking until `maxCount` are held; a device lost to a racer is skipped. */
function lockDown(decision: SelectionDecision<DeviceCandidate>, criteria: SelectionCriteria, dir: string, ownerPid: number | undefined) {
  const locks: DeviceLock[] = [];
  const selected: DeviceCandidate[] = [];
  const lost: Rejection<DeviceCandidate>[] = [];
  const limit = criteria.maxCount ?? Number.POSITIVE_INFINITY;
  for (const { candidate } of decision.eligible) {
    if (selected.length >= limit) break;
    const lock = tryLockDevice(String(candidate.uuid), { dir, ...(ownerPid === undefined ? {} : { ownerPid }) });
    if (lock === null) {
      lost.push({ candidate, failed: ['locked'] });
      continue;
    }
    locks.push(lock);
    selected.push(candidate);
  }
  const eligible = decision.eligible.filter((ranked) => !lost.some((rejection) => rejection.candidate === ranked.candidate));
  return { decision: { ...decision, selected, eligible, rejected: [...decision.rejected, ...lost] }, locks };
}

/**
 * Runs one selection over live devices without enforcing `minCount` (callers decide what a
 * shortfall means). Locks, when asked for, are taken for the selected devices.
 *
 * @param where - the entry point named in error messages.
 *
 * @example
 * ```ts
 * const outcome = runSelection(undefined, { minFreeMemory: '8GiB' });
 * outcome.identifiers; // [3, 6]
 * ```
 */
export function runSelection(devices: Iterable<Device> | undefined, options: SelectDevicesOptions = {}, where = 'selectDevices'): SelectionOutcome {
  const criteria = normalizeSelectOptions(options, where);
  const lock = lockOptions(options, where);
  if (criteria.maxCount === 0) {
    return { criteria, decision: decideDevices<DeviceCandidate>([], criteria), identifiers: [], locks: [] };
  }
  const dir = lock === null ? undefined : ensureLockDirectory(lock.dir);
  const candidates = gatherCandidates(resolveDevices(devices, options), { processes: criteria.freeAccounts.size > 0, lockDir: dir });
  let decision = decideDevices(candidates, criteria);
  let locks: DeviceLock[] = [];
  if (dir !== undefined) ({ decision, locks } = lockDown(decision, criteria, dir, lock?.ownerPid));
  return { criteria, decision, identifiers: identifiersOf(decision), locks };
}

/**
 * The error for an outcome with fewer than `required` devices.
 *
 * @example
 * ```ts
 * throw shortfallError(outcome, 2);
 * ```
 */
export function shortfallError(outcome: SelectionOutcome, required: number, labels?: ConstraintLabels): NotEnoughDevicesError {
  const message = `Not enough devices: ${explainShortfall(outcome.decision, outcome.criteria, required, labels)}`;
  return new NotEnoughDevicesError(message, {
    required,
    decision: outcome.decision,
    unmet: unmetConstraints(outcome.decision, outcome.criteria),
  });
}

/**
 * Selects devices that meet the constraints, best first (nvitop's `select_devices`).
 *
 * Synchronous: it looks once. To wait until devices free up, use {@link waitForDevices}. With
 * `lock`, the selected devices are locked (see {@link tryLockDevice}) and devices locked by
 * other live processes are skipped.
 *
 * @returns identifiers in the requested format; an empty array when nothing fits and
 *   `minCount` is 0.
 * @throws {@link NotEnoughDevicesError} when fewer than `minCount` devices fit (its message names
 *   the constraints that rejected devices); {@link InvalidInputError} for bad options (such as
 *   `minFreeMemory: '8GB?'`); NVML errors such as `NvmlLibraryNotFoundError`.
 *
 * @example
 * ```ts
 * process.env.CUDA_VISIBLE_DEVICES = selectDevices({ format: 'uuid', minCount: 4, minFreeMemory: '8GiB' }).join(',');
 * ```
 */
export function selectDevices<F extends SelectFormat = 'index'>(options?: SelectDevicesOptions & { format?: F }): SelectResult<F>;
/**
 * Same, choosing among `devices` (leaf devices: a MIG-enabled GPU stands for its MIG devices).
 *
 * @param devices - devices to choose from (`null`/`undefined`: all GPUs, or the inherited ones).
 *
 * @example
 * ```ts
 * selectDevices(Device.all().slice(0, 4), { maxCount: 1 }); // [3]
 * ```
 */
export function selectDevices<F extends SelectFormat = 'index'>(
  devices: Iterable<Device> | null | undefined,
  options?: SelectDevicesOptions & { format?: F },
): SelectResult<F>;
export function selectDevices(...args: unknown[]): unknown {
  const { devices, options } = splitSelectArguments<SelectDevicesOptions>(args);
  const wait = (options as { wait?: unknown } | null | undefined)?.wait;
  if (wait !== undefined) throw new InvalidInputError('wait', wait, 'no wait option here: use waitForDevices() to wait');
  const outcome = runSelection(devices, options, 'selectDevices');
  const required = outcome.criteria.minCount;
  if (outcome.identifiers.length < required) {
    for (const lock of outcome.locks) lock.release();
    throw shortfallError(outcome, required);
  }
  return outcome.identifiers;
}
