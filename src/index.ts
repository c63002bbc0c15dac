/**
 * nvitop-node: NVIDIA GPU monitoring for Node.js.
 *
 * @example
 * ```ts
 * import { Device, GpuProcess, host } from 'nvitop-node';
 *
 * for (const device of Device.all()) {
 *   const snapshot = device.asSnapshot();
 *   console.log(`${snapshot.displayIndex} ${snapshot.name} ${snapshot.memoryUsage} ${snapshot.gpuUtilization}%`);
 *   const processes = GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true });
 *   for (const p of processes) console.log(`  ${p.pid} ${p.username} ${p.gpuMemoryHuman} ${p.command}`);
 * }
 * console.log(`host CPU ${host.cpuPercent()}%`);
 * ```
 *
 * @module
 */
export * from './core/index.js';
export * from './collector/index.js';
export * from './callbacks/index.js';
export * from './exporter/index.js';
export {
  DeviceLock,
  LockDirectoryError,
  checkLockOwner,
  describeLockHolder,
  deviceLockHolders,
  DeviceWaitTimeoutError,
  NotEnoughDevicesError,
  compareRanked,
  decideDevices,
  deviceLockHolder,
  ensureLockDirectory,
  explainShortfall,
  heldDeviceLocks,
  lockDirectory,
  normalizeSelectOptions,
  releaseDeviceLocks,
  selectDevices,
  tryLockDevice,
  unmetConstraints,
  useDevices,
  waitForDevices,
  type CandidateProcess,
  type ConstraintLabels,
  type ConstraintName,
  type DeviceCandidate,
  type DeviceIndex,
  type DeviceLockOptions,
  type LockOptions,
  type LockHolder,
  type LockOwner,
  type LockRecord,
  type RankedCandidate,
  type Rejection,
  type SelectDevicesOptions,
  type SelectFormat,
  type SelectResult,
  type SelectionCandidate,
  type SelectionCriteria,
  type SelectionDecision,
  type UnmetConstraint,
  type UseDevicesOptions,
  type UsedDevices,
  type WaitForDevicesOptions,
  type WaitProgress,
} from './select/index.js';
