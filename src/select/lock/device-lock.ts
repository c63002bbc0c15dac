/**
 * Advisory per-device locks shared by every user of the machine.
 *
 * Taking a lock: find the top generation of the device's lock stack (see `lock-file.ts`); if its
 * owner runs, the device is taken; if it is stale (owner gone, PID recycled, or not a lock
 * file), or there is none, create the next generation exclusively. Only one racer can create a
 * given generation, and a live top generation is never replaced, so two launchers never hold the
 * same device. Stale files stay (in a sticky folder only their owner could delete them); they
 * cost one `readdir` entry each.
 *
 * Locks owned by this process are released when it exits, and on SIGINT/SIGTERM/SIGHUP when no
 * other listener handles the signal (the signal is then re-raised so the process still dies of
 * it). Locks for another owner (`ownerPid`) are released once that process is gone.
 *
 * @module
 */
import * as fs from 'node:fs';
import { host } from '../../core/index.js';
import { ensureLockDirectory } from './lock-dir.js';
import {
  createLockFile,
  isSameLock,
  lockKey,
  lockPath,
  newLockRecord,
  readLockFile,
  topGeneration,
  type LockRecord,
} from './lock-file.js';
import { lockOwner, ownerState } from './owner.js';

/** Where locks live and who owns them. */
export interface DeviceLockOptions {
  /** Lock folder (default `$NVITOP_LOCK_DIR`, else `<os.tmpdir()>/nvitop-locks`). */
  dir?: string;
  /** Owner process (default: this process). */
  ownerPid?: number;
}

const held = new Set<DeviceLock>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

function onSignal(signal: NodeJS.Signals): void {
  // With other listeners the application decides whether to exit; the 'exit' hook then releases.
  if (process.listenerCount(signal) > 1) return;
  releaseDeviceLocks();
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseDeviceLocks);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', releaseDeviceLocks);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * A lock on one device, held until {@link DeviceLock.release} (or the owner's exit).
 *
 * @example
 * ```ts
 * const lock = tryLockDevice('GPU-0c2b3ff1-4d5e-6a7b-8c9d-0e1f2a3b4c5d');
 * if (lock !== null) {
 *   try { await train(); } finally { lock.release(); }
 * }
 * ```
 */
export class DeviceLock {
  /** The device identifier (UUID) the lock is for. */
  readonly device: string;
  /** The lock file. */
  readonly path: string;
  /** What the lock file holds. */
  readonly record: LockRecord;
  private released = false;

  /** @internal */
  constructor(device: string, file: string, record: LockRecord) {
    this.device = device;
    this.path = file;
    this.record = record;
  }

  /** Whether this lock has not been released. */
  get isHeld(): boolean {
    return !this.released;
  }

  /**
   * Removes the lock file if it is still this lock's. Idempotent.
   *
   * @returns whether a file was removed.
   */
  release(): boolean {
    if (this.released) return false;
    this.released = true;
    held.delete(this);
    if (held.size === 0) unhook();
    try {
      if (!isSameLock(readLockFile(this.path), this.record)) return false;
      fs.unlinkSync(this.path);
      return true;
    } catch {
      return false; // at exit nothing can be done about it; the lock is stale once we are gone
    }
  }
}

type TopState =
  | { readonly status: 'free' | 'stale' | 'vanished'; readonly generation: number }
  | { readonly status: 'held'; readonly generation: number; readonly record: LockRecord | null };

function inspectTop(dir: string, key: string): TopState {
  const generation = topGeneration(dir, key);
  if (generation < 0) return { status: 'free', generation };
  const state = readLockFile(lockPath(dir, key, generation));
  switch (state.kind) {
    case 'missing':
      return { status: 'vanished', generation };
    case 'writing':
      return { status: 'held', generation, record: null };
    case 'invalid':
      return { status: 'stale', generation };
    case 'record':
      return ownerState(state.record) === 'gone' ? { status: 'stale', generation } : { status: 'held', generation, record: state.record };
  }
}

function userName(): string | undefined {
  try {
    return host.getuser();
  } catch {
    return undefined;
  }
}

/**
 * The live holder of `device`'s lock: its record, `'unknown'` for a lock being written, or null
 * when the device is free (no lock, or only stale ones). Does not create the folder.
 *
 * @example
 * ```ts
 * deviceLockHolder('GPU-0c2b…'); // { pid: 4242, user: 'alice', … } or null
 * ```
 */
export function deviceLockHolder(device: string, options: Pick<DeviceLockOptions, 'dir'> = {}): LockRecord | 'unknown' | null {
  let dir: string;
  try {
    dir = ensureLockDirectory(options.dir);
  } catch {
    return null;
  }
  const key = lockKey(device);
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const top = inspectTop(dir, key);
    if (top.status === 'held') return top.record ?? 'unknown';
    if (top.status !== 'vanished') return null;
  }
  return null;
}

/**
 * Takes `device`'s lock unless a live process holds it.
 *
 * @param device - the device's UUID (any string; it is made file-name safe).
 * @returns the lock, or null when the device is taken.
 *
 * @example
 * ```ts
 * const lock = tryLockDevice(uuid, { dir: '/shared/nvitop-locks' });
 * ```
 */
export function tryLockDevice(device: string, options: DeviceLockOptions = {}): DeviceLock | null {
  const dir = ensureLockDirectory(options.dir);
  const key = lockKey(device);
  const owner = lockOwner(options.ownerPid ?? process.pid);
  const record = newLockRecord(owner, device, userName());
  for (let attempt = 0; attempt < 32; attempt += 1) {
    const top = inspectTop(dir, key);
    if (top.status === 'held') return null;
    if (top.status === 'vanished') continue; // released between readdir and read: look again
    const file = lockPath(dir, key, top.generation + 1);
    if (createLockFile(file, record)) {
      const lock = new DeviceLock(device, file, record);
      if (owner.pid === process.pid) {
        held.add(lock);
        hook();
      }
      return lock;
    }
  }
  return null; // heavy contention: someone else is taking it right now
}

/**
 * Releases every device lock this process owns (it also happens at exit).
 *
 * @returns how many lock files were removed.
 *
 * @example
 * ```ts
 * releaseDeviceLocks(); // 2
 * ```
 */
export function releaseDeviceLocks(): number {
  let count = 0;
  for (const lock of [...held]) if (lock.release()) count += 1;
  return count;
}

/**
 * The locks this process holds now.
 *
 * @example
 * ```ts
 * heldDeviceLocks().map((lock) => lock.device);
 * ```
 */
export function heldDeviceLocks(): DeviceLock[] {
  return [...held];
}
