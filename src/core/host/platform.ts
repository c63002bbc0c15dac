/**
 * The platform seam of the host layer: everything that knows where an operating system keeps
 * its facts (on Linux, `/proc`) sits behind {@link HostPlatform}. `host.ts` and
 * `host-process.ts` compute psutil's figures from what this interface returns, so another
 * operating system is one more implementation of it.
 *
 * Two implementations exist: {@link createLinuxPlatform} (`/proc`, the real one) and
 * {@link createGenericPlatform} (Node's `os` module: memory, CPU times, load, uptime; no
 * per-process facts). `current-platform.ts` picks one by `process.platform` on first use;
 * nothing is read at import time. This module holds only the interface, so the
 * implementations import it and it imports none of them.
 *
 * @module
 */
import type { CgroupMembership } from '../containers/cgroup.js';
import type { Maybe } from '../na.js';
import type { SwapMemoryInfo, VirtualMemoryInfo } from '../snapshot-types.js';

/**
 * System-wide CPU times in seconds since boot (psutil's `scputimes`). Fields the platform does
 * not have are 0.
 */
export interface CpuTimes {
  /** Time in user mode (includes `guest`). */
  readonly user: number;
  /** Time in user mode with low priority (includes `guestNice`). */
  readonly nice: number;
  /** Time in kernel mode. */
  readonly system: number;
  /** Idle time. */
  readonly idle: number;
  /** Time waiting for I/O to complete (counted as idle by `cpuBusyTime`). */
  readonly iowait: number;
  /** Time servicing hardware interrupts. */
  readonly irq: number;
  /** Time servicing software interrupts. */
  readonly softirq: number;
  /** Time stolen by the hypervisor. */
  readonly steal: number;
  /** Time running a guest OS (already included in `user`). */
  readonly guest: number;
  /** Time running a niced guest OS (already included in `nice`). */
  readonly guestNice: number;
}

/**
 * The total of {@link CpuTimes} as psutil counts it: the sum of all fields minus `guest` and
 * `guestNice`, which Linux already counts in `user` and `nice`.
 *
 * @example
 * ```ts
 * const t = getHostPlatform().cpuStat().times;
 * cpuTotalTime(t); // seconds of CPU time (all CPUs) since boot
 * ```
 */
export function cpuTotalTime(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/**
 * The busy part of {@link cpuTotalTime}: the total minus `idle` and `iowait` (psutil's
 * `_cpu_busy_time`).
 *
 * @example
 * ```ts
 * const t = getHostPlatform().cpuStat().times;
 * (cpuBusyTime(t) / cpuTotalTime(t)) * 100; // average CPU percent since boot
 * ```
 */
export function cpuBusyTime(t: CpuTimes): number {
  return cpuTotalTime(t) - t.idle - t.iowait;
}

/** What one read of the kernel's CPU statistics gives (on Linux, one read of `/proc/stat`). */
export interface CpuStat {
  /** All-CPU times in seconds. */
  readonly times: CpuTimes;
  /** Number of online logical CPUs. */
  readonly cpuCount: number;
  /** Boot time in seconds since the Unix epoch (Linux: the whole-second `btime`), or NA. */
  readonly bootTime: Maybe<number>;
}

/** Host memory and swap from one read (on Linux, one read of `/proc/meminfo`). */
export interface MemoryStat {
  /** Physical memory. */
  readonly virtual: VirtualMemoryInfo;
  /** Swap (zeros where the platform has no figure). */
  readonly swap: SwapMemoryInfo;
}

/**
 * A process status as psutil names it (the same words on every platform). `'?'` for a state
 * the platform reports that psutil does not know.
 */
export type ProcessStatus =
  | 'running'
  | 'sleeping'
  | 'disk-sleep'
  | 'stopped'
  | 'tracing-stop'
  | 'zombie'
  | 'dead'
  | 'wake-kill'
  | 'waking'
  | 'idle'
  | 'parked'
  | '?';

/** CPU times of a process in seconds (psutil's `pcputimes` on Linux). */
export interface ProcessCpuTimes {
  /** User-mode time. */
  readonly user: number;
  /** Kernel-mode time. */
  readonly system: number;
  /** User-mode time of waited-for children. */
  readonly childrenUser: number;
  /** Kernel-mode time of waited-for children. */
  readonly childrenSystem: number;
  /** Time blocked on block I/O (delay accounting; 0 where the platform does not count it). */
  readonly iowait: number;
}

/**
 * The facts of one process that one read of the kernel's process table gives (on Linux, one
 * read of `/proc/<pid>/stat`), in platform-neutral units: a psutil status word, times in
 * seconds.
 */
export interface ProcessStat {
  /** Process id. */
  readonly pid: number;
  /** The short name the kernel keeps for the process (Linux's `comm`, at most 15 bytes). */
  readonly name: string;
  /** The process's status. */
  readonly status: ProcessStatus;
  /** Parent process id (0 for PID 1 and kernel threads' parent). */
  readonly ppid: number;
  /** CPU times in seconds. */
  readonly cpuTimes: ProcessCpuTimes;
  /** Number of threads. */
  readonly numThreads: number;
  /** When the process started, in seconds after boot. */
  readonly startTime: number;
  /**
   * A number that, with the PID, identifies the process: the same on every read for the
   * process's whole life, another for a later process that reuses the PID. Compare it for
   * equality only (on Linux it is the start time in clock ticks after boot, the figure lock
   * files record).
   */
  readonly startStamp: number;
}

/** Cumulative counters of one network interface since boot (psutil's `snetio`). */
export interface NetIoCounters {
  /** Bytes sent. */
  readonly bytesSent: number;
  /** Bytes received. */
  readonly bytesRecv: number;
  /** Packets sent. */
  readonly packetsSent: number;
  /** Packets received. */
  readonly packetsRecv: number;
  /** Receive errors. */
  readonly errin: number;
  /** Transmit errors. */
  readonly errout: number;
  /** Dropped incoming packets. */
  readonly dropin: number;
  /** Dropped outgoing packets. */
  readonly dropout: number;
}

/** Cumulative counters of one disk or partition since boot (psutil's `sdiskio`). */
export interface DiskIoCounters {
  /** Completed reads. */
  readonly readCount: number;
  /** Completed writes. */
  readonly writeCount: number;
  /** Bytes read. */
  readonly readBytes: number;
  /** Bytes written. */
  readonly writeBytes: number;
  /** Milliseconds spent reading. */
  readonly readTime: number;
  /** Milliseconds spent writing. */
  readonly writeTime: number;
}

/** One mounted file system (psutil's `sdiskpart`). */
export interface DiskPartition {
  /** The mounted device (`''` for `none`). */
  readonly device: string;
  /** Where it is mounted. */
  readonly mountpoint: string;
  /** File-system type (`ext4`, `xfs`, …). */
  readonly fstype: string;
  /** Mount options, comma-separated. */
  readonly opts: string;
}

/**
 * One route of the IPv4 routing table. Addresses and masks are unsigned 32-bit numbers in
 * reading order (`10.0.0.0` is `0x0a000000`).
 */
export interface Ipv4Route {
  /** The network interface the route sends packets through. */
  readonly iface: string;
  /** Destination network. */
  readonly destination: number;
  /** Network mask of the destination. */
  readonly mask: number;
  /** Route metric (lower wins among equally long prefixes). */
  readonly metric: number;
  /** Whether the route is up. */
  readonly up: boolean;
}

/** The parts of `/proc/<pid>/status` the host layer uses. */
export interface ProcessStatusInfo {
  /** Real, effective, saved user ids. */
  readonly uids: ProcessIds;
  /** Real, effective, saved group ids. */
  readonly gids: ProcessIds;
}

/** Real, effective and saved ids (psutil's `puids` / `pgids`). */
export interface ProcessIds {
  /** Real id. */
  readonly real: number;
  /** Effective id. */
  readonly effective: number;
  /** Saved id. */
  readonly saved: number;
}

/** Memory of one process in bytes (psutil's `pmem` on Linux, from `/proc/<pid>/statm`). */
export interface ProcessMemoryInfo {
  /** Resident set size. */
  readonly rss: number;
  /** Virtual memory size. */
  readonly vms: number;
  /** Resident shared (file-backed) memory. */
  readonly shared: number;
  /** Text (code). */
  readonly text: number;
  /** Data + stack. */
  readonly data: number;
}

/**
 * The facts a platform provides. Process methods throw {@link NoSuchProcessError},
 * {@link AccessDeniedError} or {@link ZombieProcessError} (from `../errors.js`) the way psutil
 * does; system methods never throw.
 */
export interface HostPlatform {
  /** `'linux'`, or `'generic-<process.platform>'` for the `os`-module fallback. */
  readonly id: string;
  /** Whether per-process facts (`processStat` and friends) are implemented. */
  readonly supportsProcesses: boolean;
  /** System CPU times, CPU count and boot time from one read. */
  cpuStat(): CpuStat;
  /** Memory and swap from one read. */
  memoryStat(): MemoryStat;
  /** 1, 5 and 15 minute load averages, or NA. */
  loadAverage(): Maybe<readonly [number, number, number]>;
  /** Seconds since boot (fractional), or NA. */
  uptime(): Maybe<number>;
  /** PIDs of all processes, ascending. */
  pids(): number[];
  /** `pid → ppid` for all processes, from one scan. */
  ppidMap(): Map<number, number>;
  /** Whether a process with this PID exists (zombies included). */
  processExists(pid: number): boolean;
  /** Status, parent, CPU times, threads and start of a process, from one read. */
  processStat(pid: number): ProcessStat;
  /** User and group ids of a process. */
  processStatus(pid: number): ProcessStatusInfo;
  /**
   * The raw argument list as psutil returns it (one trailing separator removed; may still end
   * with empty strings). Empty for kernel threads; {@link ZombieProcessError} for a zombie.
   */
  processCmdline(pid: number): string[];
  /** Environment of a process (psutil's `parse_environ_block`). */
  processEnviron(pid: number): Record<string, string>;
  /** Current working directory. */
  processCwd(pid: number): string;
  /** Absolute path of the executable (`''` where the kernel has none, as for kernel threads). */
  processExe(pid: number): string;
  /** Memory figures in bytes. */
  processMemory(pid: number): ProcessMemoryInfo;
  /**
   * Which container, Kubernetes pod or Slurm job holds the process (on Linux, parsed from
   * `/proc/<pid>/cgroup`); `inContainer: false` for a process in none.
   */
  processContainer(pid: number): CgroupMembership;
  /**
   * Whether this process runs in a PID namespace of its own (a container without
   * `--pid=host`), where the host's PIDs that NVML reports are not visible.
   */
  inSeparatePidNamespace(): boolean;
  /** Network counters per interface since boot; empty where the platform has none. */
  netIoCounters(): Map<string, NetIoCounters>;
  /** I/O counters per disk and partition since boot; empty where the platform has none. */
  diskIoCounters(): Map<string, DiskIoCounters>;
  /** Mounted physical file systems, or with `all` every mount; empty where unknown. */
  diskPartitions(all: boolean): DiskPartition[];
  /** The IPv4 routing table, or `undefined` where the platform has none to read. */
  ipv4Routes(): Ipv4Route[] | undefined;
}
