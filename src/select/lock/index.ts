/**
 * Advisory device locks: lock files per GPU in a shared folder.
 *
 * @module
 */
export {
  DeviceLock,
  describeLockHolder,
  deviceLockHolder,
  deviceLockHolders,
  heldDeviceLocks,
  releaseDeviceLocks,
  tryLockDevice,
  type DeviceLockOptions,
  type LockHolder,
} from './device-lock.js';
export { ensureLockDirectory, lockDirectory } from './lock-dir.js';
export { lockKey, type LockRecord } from './lock-file.js';
export { checkLockOwner, lockOwner, ownerState, type LockOwner, type OwnerState } from './owner.js';
