/**
 * Who holds a lock, and whether that process still runs. A process is identified by its PID and
 * the host platform's start stamp (`ProcessStat.startStamp`; on Linux the start time in clock
 * ticks after boot, hence the record's `startTicks` name), so a recycled PID never passes for
 * the old owner.
 *
 * @module
 */
import * as os from 'node:os';
import { HostProcess, InvalidInputError, NoSuchProcessError, host } from '../../core/index.js';

/** The identity of a lock's owner, as written into the lock file. */
export interface LockOwner {
  /** Process id. */
  readonly pid: number;
  /**
   * The process's start stamp (on Linux its start time in clock ticks after boot; absent where
   * the platform cannot read it). The name is the lock files' format.
   */
  readonly startTicks?: number;
  /** Host name: a lock of another host (a shared network folder) is never judged stale. */
  readonly host: string;
}

/** Whether the owner still runs: `'alive'`, `'gone'`, or `'unknown'` (treated as alive). */
export type OwnerState = 'alive' | 'gone' | 'unknown';

function startTicksOf(pid: number): number | undefined {
  try {
    return host.getHostPlatform().processStat(pid).startStamp;
  } catch {
    return undefined;
  }
}

function uidOf(pid: number): number | undefined {
  try {
    return HostProcess.get(pid).uids().real;
  } catch {
    return undefined;
  }
}

/**
 * Checks that this process may lock GPUs on behalf of process `pid`: a running process other
 * than PID 1 (init lives until reboot, so its locks would never go stale), run by the same user
 * (root may name any user's process, as a job launcher does). Where the process's user cannot
 * be read (not Linux), only the first two rules apply.
 *
 * @throws {@link InvalidInputError} naming the PID and the rule.
 *
 * @example
 * ```ts
 * checkLockOwner(process.ppid); // a launcher locking for its parent shell
 * checkLockOwner(1);            // throws: locks for PID 1 would last until reboot
 * ```
 */
export function checkLockOwner(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new InvalidInputError('lock owner PID', pid, 'a positive process id');
  if (pid === process.pid) return;
  if (pid === 1) throw new InvalidInputError('lock owner PID', pid, 'the PID of a process that ends (PID 1 runs until reboot, so its locks would never go)');
  if (pidState(pid) === 'gone') throw new InvalidInputError('lock owner PID', pid, 'the PID of a running process');
  const me = process.getuid?.();
  if (me === undefined || me === 0) return;
  const owner = uidOf(pid);
  if (owner !== undefined && owner !== me) {
    throw new InvalidInputError('lock owner PID', pid, `a process of your own (process ${pid} belongs to user id ${owner}; only root may lock for another user's process)`);
  }
}

/**
 * The identity of process `pid` (default: this process).
 *
 * @throws {@link InvalidInputError} when no such process runs, or when this process may not
 *   lock for it (see {@link checkLockOwner}).
 *
 * @example
 * ```ts
 * lockOwner();            // { pid: 4242, startTicks: 1234567, host: 'gpu-node-1' }
 * lockOwner(process.ppid); // the parent process
 * ```
 */
export function lockOwner(pid: number = process.pid): LockOwner {
  checkLockOwner(pid);
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
    return host.getHostPlatform().processStat(owner.pid).startStamp === owner.startTicks ? 'alive' : 'gone';
  } catch (error) {
    return error instanceof NoSuchProcessError ? 'gone' : state;
  }
}
