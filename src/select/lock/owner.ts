/**
 * Who holds a lock, and whether that process still runs. A process is identified by its PID and
 * its start time (clock ticks after boot, from `/proc/<pid>/stat`), so a recycled PID never
 * passes for the old owner.
 *
 * @module
 */
import * as os from 'node:os';
import { NoSuchProcessError, host } from '../../core/index.js';

/** The identity of a lock's owner, as written into the lock file. */
export interface LockOwner {
  /** Process id. */
  readonly pid: number;
  /** Start time in clock ticks after boot (absent where the platform cannot read it). */
  readonly startTicks?: number;
  /** Host name: a lock of another host (a shared network folder) is never judged stale. */
  readonly host: string;
}

/** Whether the owner still runs: `'alive'`, `'gone'`, or `'unknown'` (treated as alive). */
export type OwnerState = 'alive' | 'gone' | 'unknown';

function startTicksOf(pid: number): number | undefined {
  try {
    return host.getHostPlatform().processStat(pid).startTime;
  } catch {
    return undefined;
  }
}

/**
 * The identity of process `pid` (default: this process).
 *
 * @throws {@link NoSuchProcessError} when no such process runs.
 *
 * @example
 * ```ts
 * lockOwner();            // { pid: 4242, startTicks: 1234567, host: 'gpu-node-1' }
 * lockOwner(process.ppid); // the parent process
 * ```
 */
export function lockOwner(pid: number = process.pid): LockOwner {
  if (pidState(pid) === 'gone') throw new NoSuchProcessError(pid);
  const startTicks = startTicksOf(pid);
  return startTicks === undefined ? { pid, host: os.hostname() } : { pid, startTicks, host: os.hostname() };
}

function pidState(pid: number): OwnerState {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH' ? 'gone' : 'unknown';
  }
}

/**
 * Whether the owner recorded in a lock still runs on this host. A PID that now belongs to a
 * process with another start time is `'gone'`. Locks written on another host are `'unknown'`.
 *
 * @example
 * ```ts
 * ownerState({ pid: 999999, host: os.hostname() }); // 'gone'
 * ```
 */
export function ownerState(owner: LockOwner): OwnerState {
  if (owner.host !== os.hostname()) return 'unknown';
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return 'gone';
  const state = pidState(owner.pid);
  if (state === 'gone') return 'gone';
  if (owner.startTicks === undefined) return state;
  try {
    return host.getHostPlatform().processStat(owner.pid).startTime === owner.startTicks ? 'alive' : 'gone';
  } catch (error) {
    return error instanceof NoSuchProcessError ? 'gone' : state;
  }
}
