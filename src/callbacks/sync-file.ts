/**
 * Synchronous file primitives of the file sinks: a buffered append-only file whose `flushSync`
 * hands every byte to the kernel before it returns (so the data survives SIGKILL of the
 * process), the repair of a torn last line, and an atomic whole-file replace.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { HostProcess } from '../core/index.js';
import { makeDirectory } from '../core/make-directory.js';

/** Distinguishes temporary files of rewrites made by this process. */
let tmpCounter = 0;

/**
 * The temporary file of a rewrite of `file`: `<file>.<host>.<pid>.<time>.<n>.tmp`, so that a
 * later writer can tell whether the process that left it is gone (see
 * {@link removeStaleTempFiles}).
 */
function tempName(file: string): string {
  return `${file}.${os.hostname()}.${process.pid}.${Date.now().toString(36)}.${tmpCounter++}.tmp`;
}

const TEMP = /^(?:(.+)\.)?(\d+)\.([0-9a-z]+)\.(\d+)\.tmp$/;

/** Whether process `pid` of this host may still be writing a file last modified at `mtimeMs`. */
function mayStillWrite(pid: number, mtimeMs: number): boolean {
  if (pid === process.pid) return false; // a rewrite of this process is never in progress now
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  try {
    // A process that started after the file was last written did not write it (a reused PID).
    return HostProcess.get(pid).createTime() * 1000 <= mtimeMs + 1000;
  } catch {
    return true; // cannot tell: leave it
  }
}

/**
 * Removes the temporary files that killed rewrites of `file` left behind
 * (`<file>.<host>.<pid>.<time>.<n>.tmp`, and the older `<file>.<pid>.<time>.<n>.tmp`) when
 * their writer is gone: written on this host by a process that no longer runs (or whose PID now
 * belongs to a younger process). Files of other hosts and of live writers are left alone.
 *
 * @returns the files removed.
 */
export function removeStaleTempFiles(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const match = TEMP.exec(name.slice(prefix.length));
    if (match === null) continue;
    const host = match[1];
    if (host !== undefined && host !== os.hostname()) continue;
    const full = path.join(dir, name);
    try {
      const stat = fs.lstatSync(full);
      if (!stat.isFile() || mayStillWrite(Number(match[2]), stat.mtimeMs)) continue;
      fs.unlinkSync(full);
      removed.push(full);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** Writes all of `data` at the fd's position (appends for an fd opened with 'a'). */
function writeAllSync(fd: number, data: Uint8Array): number {
  let written = 0;
  try {
    while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
  } catch (error) {
    (error as { bytesWritten?: number }).bytesWritten = written;
    throw error;
  }
  return written;
}

/** fsyncs a directory so a rename in it is durable; a no-op where directories cannot be opened. */
function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse to open or fsync a directory.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Options of {@link BufferedFile}. */
export interface BufferedFileOptions {
  /** `fs.open` flags: `'a'` (append, create) or `'ax'` (append, must not exist). Default `'a'`. */
  flags?: 'a' | 'ax';
  /** fsync after every flush (survives power loss, costs a disk round trip). Default false. */
  fsync?: boolean;
}

/**
 * An append-only file with an in-memory buffer. `push` only buffers; `flushSync` appends the
 * buffer with `fs.writeSync` (looping over short writes). If a write fails, the bytes not yet
 * written stay buffered for the next flush, so nothing is written twice.
 */
export class BufferedFile {
  /** The file's path. */
  readonly path: string;
  readonly #fsync: boolean;
  #fd: number | undefined;
  #chunks: Buffer[] = [];
  #pendingBytes = 0;

  /** Opens (creating the parent folder and the file when needed) `filePath` for appending. */
  constructor(filePath: string, options: BufferedFileOptions = {}) {
    this.path = filePath;
    this.#fsync = options.fsync ?? false;
    makeDirectory(path.dirname(filePath)); // never Node's recursive mkdir: it spins under /proc
    this.#fd = fs.openSync(filePath, options.flags ?? 'a');
  }

  /** Whether the file is still open. */
  get isOpen(): boolean {
    return this.#fd !== undefined;
  }

  /** The file's size on disk now (what flushes have written; the buffer not included). */
  get sizeOnDisk(): number {
    return this.#fd === undefined ? 0 : fs.fstatSync(this.#fd).size;
  }

  /** Bytes buffered and not yet written. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Buffers `data` (a string is encoded as UTF-8). */
  push(data: string | Buffer): void {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.#chunks.push(chunk);
    this.#pendingBytes += chunk.length;
  }

  /** Appends everything buffered; once it returns the bytes are in the kernel's hands. */
  flushSync(): void {
    if (this.#fd === undefined || this.#pendingBytes === 0) return;
    const data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#pendingBytes = 0;
    try {
      writeAllSync(this.#fd, data);
    } catch (error) {
      const rest = data.subarray((error as { bytesWritten?: number }).bytesWritten ?? 0);
      this.#chunks = [rest];
      this.#pendingBytes = rest.length;
      throw error;
    }
    if (this.#fsync) fs.fsyncSync(this.#fd);
  }

  /**
   * Replaces the whole file atomically with `content` followed by the buffered bytes: writes a
   * temporary file next to it, fsyncs it, renames it over the file, fsyncs the folder, reopens.
   * A crash at any point leaves either the old file or the new one, never a mix.
   */
  replaceSync(content: Buffer): void {
    if (this.#fd === undefined) return;
    const data = Buffer.concat([content, ...this.#chunks]);
    const tmp = tempName(this.path);
    const mode = fs.fstatSync(this.#fd).mode & 0o777;
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      writeAllSync(fd, data);
      fs.fsyncSync(fd);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw error;
    }
    fs.closeSync(fd);
    fs.closeSync(this.#fd);
    this.#fd = undefined;
    try {
      fs.renameSync(tmp, this.path);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      this.#fd = fs.openSync(this.path, 'a');
      throw error;
    }
    fsyncDirSync(path.dirname(this.path));
    this.#chunks = [];
    this.#pendingBytes = 0;
    this.#fd = fs.openSync(this.path, 'a');
  }

  /** Flushes and closes the file (closing twice is harmless). */
  closeSync(): void {
    if (this.#fd === undefined) return;
    try {
      this.flushSync();
    } finally {
      fs.closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}

/**
 * Drops a torn last line: when the file does not end with `\n`, truncates it just after its last
 * `\n` at or after byte `from` (or at `from` when there is none). A flush that returned always
 * wrote whole lines, so the dropped bytes are the remains of a write that was cut short (a
 * process killed in the middle of a large write, a full disk). Returns the bytes dropped.
 */
export function truncateTornTail(filePath: string, from = 0): number {
  let size: number;
  try {
    size = fs.statSync(filePath).size;
  } catch {
    return 0;
  }
  if (size <= from) return 0;
  const fd = fs.openSync(filePath, 'r');
  let keep = from;
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    scan: while (end > from) {
      const start = Math.max(from, end - chunk.length);
      const n = fs.readSync(fd, chunk, 0, end - start, start);
      if (end === size && chunk[n - 1] === 0x0a) return 0;
      for (let i = n - 1; i >= 0; i--) {
        if (chunk[i] === 0x0a) {
          keep = start + i + 1;
          break scan;
        }
      }
      end = start;
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.truncateSync(filePath, keep);
  return size - keep;
}
