/**
 * Lock files on disk. The lock of device `KEY` is a set of files `KEY.<n>.lock` in the shared
 * folder. The device is held while ANY of them is the lock of a live process (or is being
 * written, or cannot be read by this user): a file that is not a lock (junk, a symbolic link, a
 * FIFO) is ignored, never taken to mean "free". A lock is taken by creating a free slot `n` with
 * `O_CREAT | O_EXCL | O_NOFOLLOW` (so a stranger's file or link is never opened for writing),
 * then checking that no other live lock appeared meanwhile (see `device-lock.ts`).
 *
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LockOwner } from './owner.js';

/** What a lock file holds (JSON). */
export interface LockRecord extends LockOwner {
  /** The device key (its UUID). */
  readonly device: string;
  /** Random token that tells two locks of the same owner apart. */
  readonly token: string;
  /** When the lock was taken (ISO 8601). */
  readonly since: string;
  /** The owner's user name, for people reading the folder. */
  readonly user?: string;
}

/** How a lock file looked when read. */
export type LockFileState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'record'; readonly record: LockRecord }
  /** A file that is being written (empty or partial, younger than {@link WRITE_GRACE_MS}). */
  | { readonly kind: 'writing' }
  /** A file this user may not read (another user's, mode 0600): it may be a live lock. */
  | { readonly kind: 'unreadable'; readonly uid: number | undefined }
  /** Not a lock: unparsable for too long, a symbolic link, or not a regular file. */
  | { readonly kind: 'invalid' };

/**
 * How long an empty or partial lock file counts as being written (then it is stale).
 *
 * @example
 * ```ts
 * Date.now() - mtimeMs < WRITE_GRACE_MS; // still being written
 * ```
 */
export const WRITE_GRACE_MS = 10_000;

const NAME = /^(.+)\.(\d{1,9})\.lock$/;

/**
 * Turns a device UUID into a file-name-safe key (`/` in `MIG-GPU-…/1/0` becomes `_`).
 *
 * @example
 * ```ts
 * lockKey('MIG-GPU-8e03b779-c5d6-e2f3-0415-8091a2b3c4d5/1/0'); // 'MIG-GPU-8e03b779-…_1_0'
 * ```
 */
export function lockKey(uuid: string): string {
  return uuid.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * The path of slot `slot` of the lock `key`.
 *
 * @example
 * ```ts
 * lockPath('/tmp/nvitop-locks', 'GPU-0c2b…', 0); // '/tmp/nvitop-locks/GPU-0c2b….0.lock'
 * ```
 */
export function lockPath(dir: string, key: string, slot: number): string {
  return path.join(dir, `${key}.${slot}.lock`);
}

/**
 * The slots (`n` of `KEY.<n>.lock`) present for `key`, in ascending order.
 *
 * @example
 * ```ts
 * lockSlots('/tmp/nvitop-locks', 'GPU-0c2b…'); // [0, 1, 4]
 * ```
 */
export function lockSlots(dir: string, key: string): number[] {
  const slots: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const match = NAME.exec(name);
    if (match !== null && match[1] === key) slots.push(Number(match[2]));
  }
  return slots.sort((a, b) => a - b);
}

/**
 * The lowest slot not in `slots` (sorted ascending).
 *
 * @example
 * ```ts
 * freeSlot([0, 1, 4]); // 2
 * ```
 */
export function freeSlot(slots: readonly number[]): number {
  let slot = 0;
  for (const taken of slots) {
    if (taken === slot) slot += 1;
    else if (taken > slot) break;
  }
  return slot;
}

function isRecord(value: unknown): value is LockRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.pid === 'number' &&
    typeof r.host === 'string' &&
    typeof r.device === 'string' &&
    typeof r.token === 'string' &&
    (r.startTicks === undefined || typeof r.startTicks === 'number')
  );
}

function unreadable(file: string): LockFileState {
  try {
    const stat = fs.lstatSync(file);
    // A link or a special file is not a lock even when it cannot be opened.
    return stat.isFile() ? { kind: 'unreadable', uid: stat.uid } : { kind: 'invalid' };
  } catch {
    return { kind: 'unreadable', uid: undefined };
  }
}

/**
 * Reads a lock file without following symbolic links and without blocking on a FIFO.
 *
 * @example
 * ```ts
 * const state = readLockFile(lockPath(dir, key, 0));
 * if (state.kind === 'record') console.log(state.record.pid);
 * ```
 */
export function readLockFile(file: string): LockFileState {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'invalid' };
    if (code === 'EACCES' || code === 'EPERM') return unreadable(file);
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > 4096) return { kind: 'invalid' };
    const text = fs.readFileSync(fd, 'utf8');
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value)) return { kind: 'record', record: value };
    } catch {
      // fall through: empty or partial
    }
    return Date.now() - stat.mtimeMs < WRITE_GRACE_MS ? { kind: 'writing' } : { kind: 'invalid' };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A fresh record for `owner` and `device`.
 *
 * @example
 * ```ts
 * newLockRecord(lockOwner(), 'GPU-0c2b…');
 * ```
 */
export function newLockRecord(owner: LockOwner, device: string, user?: string): LockRecord {
  return { ...owner, device, token: randomBytes(8).toString('hex'), since: new Date().toISOString(), ...(user === undefined ? {} : { user }) };
}

/**
 * Creates `file` exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0644) and writes `record`.
 *
 * @returns false when the file already exists (another process won the race).
 *
 * @example
 * ```ts
 * if (createLockFile(lockPath(dir, key, 3), record)) console.log('locked');
 * ```
 */
export function createLockFile(file: string, record: LockRecord): boolean {
  const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.fchmodSync(fd, 0o644); // readable by every user whatever the umask: others check the owner
    fs.writeSync(fd, `${JSON.stringify(record)}\n`);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true }); // never leave an empty lock behind (a full disk, say)
    throw error;
  }
  fs.closeSync(fd);
  return true;
}

/**
 * Whether `state` holds exactly `record` (same owner and token).
 *
 * @example
 * ```ts
 * isSameLock(readLockFile(file), record); // true while we hold it
 * ```
 */
export function isSameLock(state: LockFileState, record: LockRecord): boolean {
  return state.kind === 'record' && state.record.token === record.token && state.record.pid === record.pid;
}
