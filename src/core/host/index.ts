/**
 * The host layer (psutil's role in nvitop): host-wide CPU, memory, load and uptime figures, the
 * process table, {@link HostProcess}, user names through the system user database, and nvitop's
 * command-line quoting. Linux reads `/proc`; other systems get what Node's `os` module knows,
 * with NA where a fact is unknown. Nothing here spawns a child process.
 *
 * @example
 * ```ts
 * import { takeHostSnapshot, HostProcess } from './core/host/index.js';
 * const host = takeHostSnapshot();
 * console.log(host.cpuPercent, host.virtualMemory.percent);
 * console.log(HostProcess.get().command());
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
  resetCpuPercent,
  reversePpidMap,
  swapMemory,
  swapPercent,
  takeHostSnapshot,
  uptime,
  virtualMemory,
  wslDistroName,
} from './host.js';
export {
  HostProcess,
  type ChildrenOptions,
  type HostProcessSnapshot,
  type ProcessCpuTimes,
  type ProcessStatus,
} from './host-process.js';
export { commandJoin, quoteArgument, type QuoteStyle } from './command-join.js';
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
export { parseDiskstats, parseMounts, parseNetDev, parsePhysicalFilesystems, parseProcNetRoute } from './linux-io.js';
export { clearUsernameCache, parsePasswd, usernameFromUid, type UsernameLookupOptions } from './users.js';
export { createGenericPlatform } from './generic.js';
export { createLinuxPlatform } from './linux.js';
export { getHostPlatform, setHostPlatform } from './current-platform.js';
export {
  cpuBusyTime,
  cpuTotalTime,
  type CpuStat,
  type CpuTimes,
  type HostPlatform,
  type Ipv4Route,
  type MemoryStat,
  type ProcessIds,
  type ProcessMemoryInfo,
  type ProcessStat,
  type ProcessStatusInfo,
} from './platform.js';
export { nodeProcReader, parseAuxv, parseEnvironBlock, type LinuxPlatformOptions, type ProcReader } from './linux.js';
export { pyRound, roundPercent } from './round.js';
