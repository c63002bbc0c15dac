/**
 * Device selection: nvitop's `select_devices` (`selectDevices`), a waiting variant
 * (`waitForDevices`), `useDevices` that also sets `CUDA_VISIBLE_DEVICES`, advisory per-GPU
 * locks, and the pure decision function under them (`decideDevices`).
 *
 * Sync or async: `selectDevices` and `useDevices` look once and return at once;
 * `waitForDevices`, and `useDevices` given a `wait` option, return a Promise.
 *
 * @example
 * ```ts
 * import { selectDevices } from 'nvitop-node';
 * process.env.CUDA_VISIBLE_DEVICES = selectDevices({ format: 'uuid', minCount: 4, minFreeMemory: '8GiB' }).join(',');
 * ```
 *
 * @module
 */
export type { CandidateProcess, DeviceIndex, SelectionCandidate } from './candidate.js';
export {
  compareRanked,
  decideDevices,
  type ConstraintName,
  type RankedCandidate,
  type Rejection,
  type SelectionDecision,
} from './decide.js';
export { DeviceWaitTimeoutError, LockDirectoryError, NotEnoughDevicesError } from './errors.js';
export { explainShortfall, unmetConstraints, type ConstraintLabels, type UnmetConstraint } from './explain.js';
export { gatherCandidates, type DeviceCandidate, type GatherOptions } from './gather.js';
export {
  DeviceLock,
  checkLockOwner,
  describeLockHolder,
  deviceLockHolder,
  deviceLockHolders,
  ensureLockDirectory,
  heldDeviceLocks,
  lockDirectory,
  lockKey,
  lockOwner,
  ownerState,
  releaseDeviceLocks,
  tryLockDevice,
  type DeviceLockOptions,
  type LockHolder,
  type LockOwner,
  type LockRecord,
  type OwnerState,
} from './lock/index.js';
export {
  normalizeSelectOptions,
  type LockOptions,
  type SelectDevicesOptions,
  type SelectFormat,
  type SelectionCriteria,
} from './options.js';
export {
  identifiersOf,
  runSelection,
  selectDevices,
  shortfallError,
  splitSelectArguments,
  type SelectResult,
  type SelectionOutcome,
  type SelectionRequest,
} from './select-devices.js';
export { useDevices, type UseDevicesOptions, type UsedDevices } from './use-devices.js';
export { waitForDevices, waitForSelection, type WaitForDevicesOptions, type WaitProgress } from './wait.js';
