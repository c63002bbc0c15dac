/**
 * Host-wide facts: nvitop's `nvitop/api/host.py` (its psutil façade), read from `/proc` on Linux
 * through {@link getHostPlatform}. Each call reads each file it needs once; nothing spawns a
 * child process.
 *
 * @module
 */
import * as os from 'node:os';

import { NA, type Maybe } from '../na.js';
import type { HostSnapshot, SwapMemoryInfo, VirtualMemoryInfo } from '../snapshot-types.js';
import { getHostPlatform } from './current-platform.js';
import { cpuBusyTime, cpuTotalTime, type CpuStat, type CpuTimes } from './platform.js';
import { pyRound } from './round.js';
import { usernameFromUid } from './users.js';

/** Whether this is Linux. */
export const LINUX: boolean = process.platform === 'linux';
/** Whether this is Windows. */
export const WINDOWS: boolean = process.platform === 'win32';
/** Whether this is macOS. */
export const MACOS: boolean = process.platform === 'darwin';
/** Whether this is a POSIX system (anything but Windows). */
export const POSIX: boolean = process.platform !== 'win32';

let lastCpu: { busy: number; total: number } = { busy: 0, total: 0 };

function percentBetween(previous: { busy: number; total: number }, times: CpuTimes): number {
  const busy = cpuBusyTime(times);
  const total = cpuTotalTime(times);
  const busyDelta = busy - previous.busy;
  const totalDelta = total - previous.total;
  lastCpu = { busy, total };
  if (busyDelta <= 0 || totalDelta <= 0) return 0;
  return Math.min(100, Math.max(0, pyRound((busyDelta / totalDelta) * 100, 1)));
}

/**
 * CPU utilization of all CPUs in percent (0–100, one decimal), since the previous call in this
 * process.
 *
 * The first call gives the average since boot: psutil's first `cpu_percent()` returns a
 * meaningless 0.0 unless it sleeps for a sampling interval, and a sleep would slow down
 * one-shot output (`nvitop -1`). A long-running caller (the monitor, the collector) gets true
 * interval figures from its second call on. Busy time is psutil's: everything but `idle` and
 * `iowait`, with `guest`/`guestNice` not counted twice.
 *
 * @example
 * ```ts
 * cpuPercent(); // 3.1 (since boot)
 * await sleep(1000);
 * cpuPercent(); // 18.5 (over the last second)
 * ```
 */
export function cpuPercent(): number {
  return percentBetween(lastCpu, getHostPlatform().cpuStat().times);
}

/**
 * System-wide CPU times in seconds since boot (psutil's `cpu_times()`).
 *
 * @example
 * ```ts
 * cpuTimes().idle; // 10323719.85
 * ```
 */
export function cpuTimes(): CpuTimes {
  return getHostPlatform().cpuStat().times;
}

/**
 * Number of online logical CPUs (psutil's `cpu_count()`).
 *
 * @example
 * ```ts
 * cpuCount(); // 88
 * ```
 */
export function cpuCount(): number {
  return getHostPlatform().cpuStat().cpuCount;
}

/**
 * Physical memory in bytes, by psutil's Linux formulas: `available` is `MemAvailable` (estimated
 * from `/proc/zoneinfo` watermarks on kernels without it); `used` is
 * `MemTotal − MemFree − Buffers − (Cached + SReclaimable)`, or `MemTotal − MemFree` when that is
 * negative (containers); `percent` is `(total − available) / total × 100` to one decimal.
 *
 * @example
 * ```ts
 * const vm = virtualMemory();
 * vm.percent; // 28.9
 * bytes2human(vm.used); // '49.69GiB'
 * ```
 */
export function virtualMemory(): VirtualMemoryInfo {
  return getHostPlatform().memoryStat().virtual;
}

/**
 * Swap in bytes: `used = SwapTotal − SwapFree`, `percent = used / total × 100` to one decimal (0
 * without swap).
 *
 * @example
 * ```ts
 * swapMemory().percent; // 0.3
 * ```
 */
export function swapMemory(): SwapMemoryInfo {
  return getHostPlatform().memoryStat().swap;
}

/**
 * Used memory in percent, `(total − available) / total × 100` (nvitop's `memory_percent()`).
 *
 * @example
 * ```ts
 * memoryPercent(); // 28.9
 * ```
 */
export function memoryPercent(): number {
  return virtualMemory().percent;
}

/**
 * Used swap in percent (nvitop's `swap_percent()`).
 *
 * @example
 * ```ts
 * swapPercent(); // 0.0
 * ```
 */
export function swapPercent(): number {
  return swapMemory().percent;
}

/**
 * The 1, 5 and 15 minute load averages, or NA where the OS has none (Windows).
 *
 * @example
 * ```ts
 * const load = loadAverage();
 * if (!isNA(load)) console.log(load[0]); // 14.88
 * ```
 */
export function loadAverage(): Maybe<readonly [number, number, number]> {
  return getHostPlatform().loadAverage();
}

/**
 * Seconds since boot (`/proc/uptime` on Linux, to 10 ms), or NA.
 *
 * @example
 * ```ts
 * uptime(); // 1234567.89
 * ```
 */
export function uptime(): Maybe<number> {
  return getHostPlatform().uptime();
}

/**
 * Boot time in seconds since the Unix epoch (Linux: `btime` of `/proc/stat`, whole seconds, as
 * psutil's `boot_time()`), or NA.
 *
 * @example
 * ```ts
 * new Date(Number(bootTime()) * 1000);
 * ```
 */
export function bootTime(): Maybe<number> {
  return getHostPlatform().cpuStat().bootTime;
}

/**
 * The machine's host name (Python's `platform.node()`).
 *
 * @example
 * ```ts
 * hostname(); // 'gpu-server-01'
 * ```
 */
export function hostname(): string {
  return os.hostname();
}

/**
 * The current user's name, as Python's `getpass.getuser()`: the first non-empty of `LOGNAME`,
 * `USER`, `LNAME`, `USERNAME`, else the system user database for the real uid (NSS-aware, see
 * `usernameFromUid`). Never throws.
 *
 * @example
 * ```ts
 * getuser(); // 'alice'
 * ```
 */
export function getuser(): string {
  for (const key of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = process.env[key];
    if (value !== undefined && value !== '') return value;
  }
  if (typeof process.getuid === 'function') {
    const uid = process.getuid();
    // libuv's getpwuid_r (NSS-aware, no FFI binding to set up: fast for one-shot CLIs) answers
    // for the effective uid; use it when that is the real uid.
    if (process.geteuid?.() === uid) {
      try {
        return os.userInfo().username;
      } catch {
        // No entry in the user database: usernameFromUid falls back to the uid.
      }
    }
    return usernameFromUid(uid);
  }
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

/**
 * PIDs of all processes visible in this PID namespace, ascending.
 *
 * @example
 * ```ts
 * pids().includes(process.pid); // true
 * ```
 */
export function pids(): number[] {
  return getHostPlatform().pids();
}

/**
 * `pid → ppid` for all processes, from one scan (psutil's `_ppid_map`).
 *
 * @example
 * ```ts
 * ppidMap().get(process.pid) === process.ppid; // true
 * ```
 */
export function ppidMap(): Map<number, number> {
  return getHostPlatform().ppidMap();
}

/**
 * `ppid → [pid, …]` for all processes, from one scan (nvitop's `reverse_ppid_map`).
 *
 * @example
 * ```ts
 * reversePpidMap().get(1); // PIDs whose parent is init
 * ```
 */
export function reversePpidMap(): Map<number, number[]> {
  const tree = new Map<number, number[]>();
  for (const [pid, ppid] of ppidMap()) {
    const children = tree.get(ppid);
    if (children === undefined) tree.set(ppid, [pid]);
    else children.push(pid);
  }
  return tree;
}

/**
 * The WSL distribution name (`WSL_DISTRO_NAME`; `'WSL'` when set but empty) when running on
 * Linux under the Windows Subsystem for Linux, else NA (nvitop's `host.WSL`).
 *
 * @example
 * ```ts
 * wslDistroName(); // 'Ubuntu-22.04' or NA
 * ```
 */
export function wslDistroName(): Maybe<string> {
  const value = process.env.WSL_DISTRO_NAME;
  if (process.platform !== 'linux' || value === undefined) return NA;
  return value === '' ? 'WSL' : value;
}

/**
 * Whether this is Linux under the Windows Subsystem for Linux (`WSL_DISTRO_NAME` is set).
 *
 * @example
 * ```ts
 * if (isWsl()) console.log('GPU processes may be hidden under WSL');
 * ```
 */
export function isWsl(): boolean {
  return process.platform === 'linux' && process.env.WSL_DISTRO_NAME !== undefined;
}

/**
 * The host facts at this moment, for the host panel and `--json`. Advances the
 * {@link cpuPercent} interval like a direct call. Reads `/proc/stat`, `/proc/meminfo`,
 * `/proc/loadavg` and `/proc/uptime` once each.
 *
 * @example
 * ```ts
 * const host = takeHostSnapshot();
 * console.log(`CPU ${host.cpuPercent}%  MEM ${host.virtualMemory.percent}%`);
 * ```
 */
export function takeHostSnapshot(): HostSnapshot {
  const platform = getHostPlatform();
  const cpu: CpuStat = platform.cpuStat();
  const memory = platform.memoryStat();
  return {
    hostname: hostname(),
    username: getuser(),
    cpuPercent: percentBetween(lastCpu, cpu.times),
    cpuCount: cpu.cpuCount,
    virtualMemory: memory.virtual,
    swapMemory: memory.swap,
    loadAverage: platform.loadAverage(),
    uptime: platform.uptime(),
    timestamp: Date.now(),
  };
}

/**
 * Forgets the previous {@link cpuPercent} sample, so the next call again gives the average since
 * boot (for tests).
 *
 * @example
 * ```ts
 * resetCpuPercent();
 * ```
 */
export function resetCpuPercent(): void {
  lastCpu = { busy: 0, total: 0 };
}
