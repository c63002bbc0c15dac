/**
 * The host facts of the public API (`import { host } from 'nvitop-node'`): psutil's role in
 * nvitop. The platform seam, the `/proc` parsers and the caches' controls stay internal.
 *
 * @example
 * ```ts
 * import { host } from 'nvitop-node';
 * console.log(host.cpuPercent(), host.virtualMemory().percent, host.loadAverage());
 * ```
 *
 * @module
 */
export {
  LINUX,
  MACOS,
  POSIX,
  WINDOWS,
  bootTime,
  cpuCount,
  cpuPercent,
  cpuTimes,
  getuser,
  hostname,
  isWsl,
  loadAverage,
  memoryPercent,
  pids,
  ppidMap,
  reversePpidMap,
  swapMemory,
  swapPercent,
  takeHostSnapshot,
  uptime,
  virtualMemory,
  wslDistroName,
} from './host.js';
export { HostProcess, type ChildrenOptions, type HostProcessSnapshot, type ProcessCpuTimes, type ProcessStatus } from './host-process.js';
export { commandJoin } from './command-join.js';
export {
  diskIoCounters,
  diskPartitions,
  diskUsage,
  netIoCounters,
  type DiskIoCounters,
  type DiskPartition,
  type DiskUsage,
  type NetIoCounters,
} from './io.js';
export { type QuoteStyle } from './command-join.js';
export type { CpuTimes, ProcessIds, ProcessMemoryInfo } from './platform.js';
