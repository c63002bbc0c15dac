/**
 * The fallback {@link HostPlatform} for operating systems without a dedicated implementation
 * (Windows and macOS today): system figures from Node's `os` module, and per-process facts only
 * for the current process. For other processes, existence is known (`kill(pid, 0)`) but every
 * fact read throws {@link AccessDeniedError} (its `cause` says the platform lacks the
 * implementation), so callers show N/A rather than crash.
 *
 * @module
 */
import * as os from 'node:os';
import * as path from 'node:path';

import { AccessDeniedError, NoSuchProcessError } from '../errors.js';
import { NA, type Maybe } from '../na.js';
import type { CpuStat, HostPlatform, MemoryStat, ProcessMemoryInfo, ProcessStat, ProcessStatusInfo } from './platform.js';
import { roundPercent } from './round.js';

/**
 * Creates the `os`-module platform.
 *
 * @example
 * ```ts
 * createGenericPlatform().memoryStat().virtual.total; // os.totalmem()
 * ```
 */
export function createGenericPlatform(): HostPlatform {
  const id = `generic-${process.platform}`;
  let selfStartStamp: number | undefined;

  const exists = (pid: number): boolean => {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };

  const unsupported = (pid: number): never => {
    if (!exists(pid)) throw new NoSuchProcessError(pid);
    throw new AccessDeniedError(pid, {
      cause: new Error(`reading another process's information is not implemented on ${process.platform}`),
    });
  };

  const cpuStat = (): CpuStat => {
    const cpus = os.cpus();
    let user = 0;
    let nice = 0;
    let system = 0;
    let idle = 0;
    let irq = 0;
    for (const cpu of cpus) {
      user += cpu.times.user / 1000;
      nice += cpu.times.nice / 1000;
      system += cpu.times.sys / 1000;
      idle += cpu.times.idle / 1000;
      irq += cpu.times.irq / 1000;
    }
    return {
      times: { user, nice, system, idle, iowait: 0, irq, softirq: 0, steal: 0, guest: 0, guestNice: 0 },
      cpuCount: cpus.length > 0 ? cpus.length : os.availableParallelism(),
      bootTime: Math.floor(Date.now() / 1000 - os.uptime()),
    };
  };

  const memoryStat = (): MemoryStat => {
    const total = os.totalmem();
    const free = os.freemem();
    return {
      virtual: { total, available: free, used: total - free, free, percent: roundPercent(total - free, total) },
      swap: { total: 0, used: 0, free: 0, percent: 0 },
    };
  };

  const loadAverage = (): Maybe<readonly [number, number, number]> => {
    if (process.platform === 'win32') return NA; // os.loadavg() is always [0, 0, 0] there
    const [a, b, c] = os.loadavg();
    return [a ?? 0, b ?? 0, c ?? 0];
  };

  const processStat = (pid: number): ProcessStat => {
    if (pid !== process.pid) return unsupported(pid);
    // The start, to 10 ms, computed once so that it identifies this process on every read.
    if (selfStartStamp === undefined) selfStartStamp = Math.round((os.uptime() - process.uptime()) * 100);
    const usage = process.cpuUsage();
    return {
      pid,
      name: path.basename(process.execPath).replace(/\.exe$/i, ''),
      status: 'running',
      ppid: process.ppid,
      cpuTimes: { user: usage.user / 1e6, system: usage.system / 1e6, childrenUser: 0, childrenSystem: 0, iowait: 0 },
      numThreads: 1,
      startTime: selfStartStamp / 100,
      startStamp: selfStartStamp,
    };
  };

  const processStatus = (pid: number): ProcessStatusInfo => {
    if (pid !== process.pid || typeof process.getuid !== 'function' || typeof process.getgid !== 'function') {
      return unsupported(pid);
    }
    const uid = process.getuid();
    const euid = process.geteuid?.() ?? uid;
    const gid = process.getgid();
    const egid = process.getegid?.() ?? gid;
    return { uids: { real: uid, effective: euid, saved: euid }, gids: { real: gid, effective: egid, saved: egid } };
  };

  const processMemory = (pid: number): ProcessMemoryInfo => {
    if (pid !== process.pid) return unsupported(pid);
    const usage = process.memoryUsage();
    return { rss: usage.rss, vms: 0, shared: 0, text: 0, data: 0 };
  };

  return {
    id,
    supportsProcesses: false,
    cpuStat,
    memoryStat,
    loadAverage,
    uptime: () => os.uptime(),
    pids: () => [process.pid],
    ppidMap: () => new Map([[process.pid, process.ppid]]),
    processExists: exists,
    processStat,
    processStatus,
    processCmdline: (pid) =>
      pid === process.pid ? [process.execPath, ...process.execArgv, ...process.argv.slice(1)] : unsupported(pid),
    processEnviron: (pid) => {
      if (pid !== process.pid) return unsupported(pid);
      const env: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
      return env;
    },
    processCwd: (pid) => (pid === process.pid ? process.cwd() : unsupported(pid)),
    processExe: (pid) => (pid === process.pid ? process.execPath : unsupported(pid)),
    processMemory,
    processContainer: unsupported,
    // Without a dedicated implementation nothing tells a container apart, nor gives I/O
    // counters, mounts or routes: empty answers, as psutil gives where a source is missing.
    inSeparatePidNamespace: () => false,
    netIoCounters: () => new Map(),
    diskIoCounters: () => new Map(),
    diskPartitions: () => [],
    ipv4Routes: () => undefined,
  };
}
