/**
 * Advisory per-device locks shared by every user of the machine.
 *
 * A device is held while any of its lock files (see `lock-file.ts`) is the lock of a live
 * process, a lock written on another host (whose processes this host cannot see), a lock being
 * written, or a file this user may not read. Files that are not locks (junk, symbolic links)
 * are ignored: they never make a device look free, nor taken.
 *
 * Taking a lock: if nothing holds the device, create a free slot exclusively, then look again;
 * if another lock appeared meanwhile (a racer that looked at the same moment), withdraw, wait a
 * few random milliseconds and start over. Of two racers the one that looks again later always
 * sees the other's file, so at most one keeps its lock. Stale files stay (in a sticky folder
 * only their owners could delete them); they cost one `readdir` entry and one read each.
 *
 * Locks owned by this process are released when it exits, and on SIGINT/SIGTERM/SIGHUP when no
 * other listener handles the signal (the signal is then re-raised so the process still dies of
 * it). Locks for another owner (`ownerPid`) are released once that process is gone.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { host } from '../../core/index.js';
import { LockDirectoryError } from '../errors.js';
import { ensureLockDirectory, existingLockDirectory } from './lock-dir.js';
import {
  createLockFile,
  freeSlot,
  isSameLock,
  lockKey,
  lockPath,
  lockSlots,
  newLockRecord,
  readLockFile,
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

/**
 * Why a device counts as locked: one lock file and what it says.
 *
 * - `alive`: the lock of a running process of this host;
 * - `other-host`: written on another host (a shared network folder): this host cannot see its
 *   process, so it is never judged stale;
 * - `unverifiable`: a process of this host that this user may not inspect;
 * - `writing`: a lock file being written (empty or partial for less than 10 s);
 * - `unreadable`: a file this user may not read (another user's, mode 0600): it may be a lock.
 */
export interface LockHolder {
  /** The lock file. */
  readonly file: string;
  /** See above. */
  readonly state: 'alive' | 'other-host' | 'unverifiable' | 'writing' | 'unreadable';
  /** What the file says (absent for `writing` and `unreadable`). */
  readonly record?: LockRecord;
  /** User id of the file's owner (for `unreadable`). */
  readonly fileUid?: number;
}

function holderOf(file: string): LockHolder | null {
  const state = readLockFile(file);
  switch (state.kind) {
    case 'missing':
    case 'invalid':
      return null;
    case 'writing':
      return { file, state: 'writing' };
    case 'unreadable':
      return state.uid === undefined ? { file, state: 'unreadable' } : { file, state: 'unreadable', fileUid: state.uid };
    case 'record': {
      const record = state.record;
      if (record.host !== os.hostname()) return { file, state: 'other-host', record };
      const owner = ownerState(record);
      if (owner === 'gone') return null;
      return { file, state: owner === 'alive' ? 'alive' : 'unverifiable', record };
    }
  }
}

function scan(dir: string, key: string, except?: string): { holders: LockHolder[]; slots: number[] } {
  let slots: number[];
  try {
    slots = lockSlots(dir, key);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new LockDirectoryError(dir, code, `it cannot be listed (${code})`, { cause: error });
  }
  const holders: LockHolder[] = [];
  for (const slot of slots) {
    const file = lockPath(dir, key, slot);
    if (file === except) continue;
    const holder = holderOf(file);
    if (holder !== null) holders.push(holder);
  }
  return { holders, slots };
}

function userName(): string | undefined {
  try {
    return host.getuser();
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * What holds `device`'s lock now: every lock file that keeps it from being taken (see
 * {@link LockHolder}); empty when the device is free. Does not create the folder.
 *
 * @throws {@link LockDirectoryError} when the folder exists but cannot be listed.
 *
 * @example
 * ```ts
 * deviceLockHolders('GPU-0c2b…'); // [{ state: 'alive', record: { pid: 4242, user: 'alice', … }, file: '…' }]
 * ```
 */
export function deviceLockHolders(device: string, options: Pick<DeviceLockOptions, 'dir'> = {}): LockHolder[] {
  const dir = existingLockDirectory(options.dir);
  return dir === null ? [] : scan(dir, lockKey(device)).holders;
}

/**
 * The live holder of `device`'s lock: its record, `'unknown'` for a lock that cannot be read
 * (being written, or another user's unreadable file), or null when the device is free. Does not
 * create the folder.
 *
 * @example
 * ```ts
 * deviceLockHolder('GPU-0c2b…'); // { pid: 4242, user: 'alice', … } or null
 * ```
 */
export function deviceLockHolder(device: string, options: Pick<DeviceLockOptions, 'dir'> = {}): LockRecord | 'unknown' | null {
  const first = deviceLockHolders(device, options)[0];
  return first === undefined ? null : (first.record ?? 'unknown');
}

/**
 * One line saying who holds a lock and how it goes away, for messages.
 *
 * @example
 * ```ts
 * describeLockHolder(holder);
 * // 'locked by alice (PID 4242 on gpu-node-1 since 2026-11-27T15:20:40.000Z); it is released when that process ends'
 * ```
 */
export function describeLockHolder(holder: LockHolder): string {
  const record = holder.record;
  const who = record === undefined ? '' : `${record.user ?? 'an unknown user'} (PID ${record.pid} on ${record.host}${record.since === undefined ? '' : ` since ${record.since}`})`;
  const remove = `remove ${holder.file} (its owner, the lock folder's owner or root can)`;
  switch (holder.state) {
    case 'alive':
      return `locked by ${who}; it is released when that process ends`;
    case 'unverifiable':
      return `locked by ${who}, a process this user may not inspect; it is released when that process ends`;
    case 'other-host':
      return `locked by ${who}: locks written on another host are never judged stale (this host cannot see its processes); if that job has ended, ${remove}`;
    case 'writing':
      return `being locked right now (${holder.file} is being written)`;
    case 'unreadable':
      return `held by ${holder.file}, a file of ${holder.fileUid === undefined ? 'another user' : `user ${host.usernameFromUid(holder.fileUid)}`} that this user may not read; if it is not a live lock, ${remove}`;
  }
}

/**
 * Takes `device`'s lock unless a live process holds it.
 *
 * @param device - the device's UUID (any string; it is made file-name safe).
 * @returns the lock, or null when the device is taken (see {@link deviceLockHolders} for by whom).
 * @throws {@link LockDirectoryError} when the folder cannot hold locks safely;
 *   {@link InvalidInputError} for an `ownerPid` this process may not lock for (see
 *   {@link checkLockOwner}).
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
  for (let attempt = 0; attempt < 16; attempt += 1) {
    const { holders, slots } = scan(dir, key);
    if (holders.length > 0) return null;
    const file = lockPath(dir, key, freeSlot(slots));
    let created: boolean;
    try {
      created = createLockFile(file, record);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      throw new LockDirectoryError(dir, code, `a lock file cannot be created in it (${code})`, { cause: error });
    }
    if (!created) continue; // a racer took this slot: look again
    if (scan(dir, key, file).holders.length === 0) {
      const lock = new DeviceLock(device, file, record);
      if (owner.pid === process.pid) {
        held.add(lock);
        hook();
      }
      return lock;
    }
    // Another lock appeared while we created ours: withdraw, and look again a little later.
    if (isSameLock(readLockFile(file), record)) fs.rmSync(file, { force: true });
    sleepSync(1 + Math.floor(Math.random() * 20));
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
