/**
 * The plain-record views of a {@link HostProcess}: its snapshot ({@link HostProcessSnapshot},
 * each fact read once, unreadable facts NA) and psutil's repr.
 *
 * @module
 */
import type { CgroupMembership } from '../containers/cgroup.js';
import { AccessDeniedError, NoSuchProcessError, ZombieProcessError } from '../errors.js';
import { NA, isNA, type Maybe } from '../na.js';
import { bytes2human, timedelta2human } from '../units.js';
import { commandJoin } from './command-join.js';
import type { HostProcess } from './host-process.js';
import type { ProcessStatus } from './platform.js';

/**
 * A plain record of a host process's facts at one moment ({@link HostProcess.asSnapshot}).
 * Keys match the host part of `GpuProcessSnapshot`. A fact that may not be read (access denied,
 * or lost because the process is a zombie) is NA: a NA `cmdline` with `status === 'zombie'` means
 * a zombie, otherwise missing permission.
 */
export interface HostProcessSnapshot {
  /** Process id. */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: Maybe<number>;
  /** Process name. */
  readonly name: Maybe<string>;
  /** Command line arguments. */
  readonly cmdline: Maybe<readonly string[]>;
  /** The command line, shell-quoted ({@link commandJoin}). */
  readonly command: Maybe<string>;
  /** psutil status string. */
  readonly status: Maybe<ProcessStatus>;
  /** Owner's user name (from the real uid). */
  readonly username: Maybe<string>;
  /** CPU utilization in percent of one core (may exceed 100 for multi-threaded processes). */
  readonly cpuPercent: Maybe<number>;
  /** RSS in percent of total physical memory. */
  readonly memoryPercent: Maybe<number>;
  /** RSS in bytes. */
  readonly hostMemory: Maybe<number>;
  /** RSS, human (`'8691MiB'`). */
  readonly hostMemoryHuman: Maybe<string>;
  /** Number of threads. */
  readonly numThreads: Maybe<number>;
  /** Creation time in seconds since the Unix epoch. */
  readonly createTime: number;
  /** Seconds since the process started. */
  readonly runningTime: number;
  /** Running time, human (`'46:13:33'`). */
  readonly runningTimeHuman: Maybe<string>;
  /** Whether the process was running (zombies count as running, as in psutil). */
  readonly isRunning: boolean;
  /**
   * Which container, pod or Slurm job holds the process ({@link HostProcess.container}); NA
   * unless asked for with `asSnapshot({ container: true })`, or when it cannot be read.
   */
  readonly container: Maybe<CgroupMembership>;
  /** Milliseconds since the Unix epoch when the snapshot was taken. */
  readonly timestamp: number;
}

/**
 * Whether an error means "this fact cannot be read" (access denied, or lost with a zombie)
 * rather than "the process is gone".
 *
 * @example
 * ```ts
 * isReadFailure(new AccessDeniedError(1)); // true
 * ```
 */
export function isReadFailure(error: unknown): boolean {
  return error instanceof AccessDeniedError || error instanceof ZombieProcessError;
}

/**
 * The host facts of `p` as one plain record, each file read once (`p.oneshot`); facts that may
 * not be read are NA. `container: true` adds `p.container()`.
 *
 * @throws NoSuchProcessError when the process is gone.
 *
 * @example
 * ```ts
 * hostProcessSnapshot(HostProcess.get(), {}).username; // 'alice'
 * ```
 */
export function hostProcessSnapshot(p: HostProcess, options: { readonly container?: boolean }): HostProcessSnapshot {
  return p.oneshot(() => {
    const attempt = <T>(fn: () => T): Maybe<T> => {
      try {
        return fn();
      } catch (error) {
        if (isReadFailure(error)) return NA;
        throw error;
      }
    };
    const cmdline = attempt(() => p.cmdline());
    const rss = attempt(() => p.rssMemory());
    const runningTime = p.runningTime();
    return {
      pid: p.pid,
      ppid: attempt(() => p.ppid()),
      name: attempt(() => p.name()),
      cmdline,
      command: isNA(cmdline) ? NA : commandJoin(cmdline as string[]),
      status: attempt(() => p.status()),
      username: attempt(() => p.username()),
      cpuPercent: attempt(() => p.cpuPercent()),
      memoryPercent: attempt(() => p.memoryPercent()),
      hostMemory: rss,
      hostMemoryHuman: bytes2human(rss),
      numThreads: attempt(() => p.numThreads()),
      createTime: p.createTime(),
      runningTime,
      runningTimeHuman: timedelta2human(runningTime),
      isRunning: true,
      container: options.container === true ? attempt(() => p.container()) : NA,
      timestamp: Date.now(),
    };
  });
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * psutil's repr of a process: `HostProcess(pid=123, name='python3', status='running',
 * started='14:31:22')`, with the date when it did not start today.
 *
 * @example
 * ```ts
 * describeHostProcess(HostProcess.get()); // "HostProcess(pid=4242, name='node', …)"
 * ```
 */
export function describeHostProcess(p: HostProcess): string {
  const parts = [`pid=${p.pid}`];
  try {
    parts.push(`name='${p.name()}'`);
    parts.push(`status='${p.status()}'`);
  } catch (error) {
    if (error instanceof NoSuchProcessError) parts.push("status='terminated'");
    else if (!isReadFailure(error)) throw error;
  }
  const created = new Date(p.createTime() * 1000);
  const time = `${pad2(created.getHours())}:${pad2(created.getMinutes())}:${pad2(created.getSeconds())}`;
  const today = new Date();
  const sameDay =
    created.getFullYear() === today.getFullYear() &&
    created.getMonth() === today.getMonth() &&
    created.getDate() === today.getDate();
  const date = `${created.getFullYear()}-${pad2(created.getMonth() + 1)}-${pad2(created.getDate())}`;
  parts.push(`started='${sameDay ? time : `${date} ${time}`}'`);
  return `HostProcess(${parts.join(', ')})`;
}
