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
 * One process's `/proc/<pid>/stat` line, parsed. CPU times and the start time are in clock
 * ticks (see {@link HostPlatform.clockTicks}).
 */
export interface ProcessStat {
  /** Process id. */
  readonly pid: number;
  /** The kernel's short name of the process (`comm`, at most 15 bytes on Linux). */
  readonly comm: string;
  /** The state letter (`R`, `S`, `D`, `Z`, `T`, `t`, `X`, `I`, …). */
  readonly state: string;
  /** Parent process id (0 for PID 1 and kernel threads' parent). */
  readonly ppid: number;
  /** Controlling terminal device number. */
  readonly ttyNr: number;
  /** User-mode CPU time in ticks. */
  readonly utime: number;
  /** Kernel-mode CPU time in ticks. */
  readonly stime: number;
  /** User-mode CPU time of waited-for children in ticks. */
  readonly cutime: number;
  /** Kernel-mode CPU time of waited-for children in ticks. */
  readonly cstime: number;
  /** Number of threads. */
  readonly numThreads: number;
  /** Start time in ticks after boot: with the PID, identifies the process. */
  readonly startTime: number;
  /** Aggregated block I/O delays in ticks. */
  readonly blkioTicks: number;
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
  /** Clock ticks per second of the CPU and start times in {@link ProcessStat}. */
  clockTicks(): number;
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
  /** The parsed `stat` line of a process. */
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
}
