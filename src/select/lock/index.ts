/**
 * Advisory device locks: one stack of lock files per GPU in a shared folder.
 *
 * @module
 */
export { DeviceLock, deviceLockHolder, heldDeviceLocks, releaseDeviceLocks, tryLockDevice, type DeviceLockOptions } from './device-lock.js';
export { ensureLockDirectory, lockDirectory } from './lock-dir.js';
export { lockKey, type LockRecord } from './lock-file.js';
export { lockOwner, ownerState, type LockOwner, type OwnerState } from './owner.js';
