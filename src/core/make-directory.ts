/**
 * Folder creation that fails fast. `fs.mkdirSync(dir, { recursive: true })` of Node 20 spins
 * at 100 % CPU forever on a path under `/proc` (mkdir answers ENOENT for a parent that `stat`
 * says exists, and Node retries the parent). Every place that creates folders (the lock folder,
 * the loggers' folders) goes through {@link makeDirectory}, which creates one level at a time
 * and passes the first error on.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function errnoError(code: string, syscall: string, target: string, text: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall} '${target}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = target;
  return error;
}

/**
 * Creates `dir` and its missing parents, one level at a time (never `recursive: true`).
 *
 * @param mode - the mode of each created folder (filtered by the umask, as mkdir does).
 * @returns the first folder created, or undefined when `dir` already existed (as
 *   `fs.mkdirSync(dir, { recursive: true })` returns).
 * @throws the file system error (ENOENT, EACCES, EROFS, ENOTDIR, …) of the first level that
 *   cannot be created; ENOTDIR when a file is in the way.
 * @internal
 *
 * @example
 * ```ts
 * makeDirectory('/tmp/logs/run-1'); // '/tmp/logs' (created with run-1 inside)
 * makeDirectory('/proc/x');         // throws ENOENT at once
 * ```
 */
export function makeDirectory(dir: string, mode = 0o777): string | undefined {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let current = target; ; ) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw error;
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw errnoError('ENOTDIR', 'mkdir', target, `${current} is not a directory`);
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break; // a missing root: mkdir below reports it
    current = parent;
  }
  let first: string | undefined;
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, { mode });
      first ??= folder;
    } catch (error) {
      // Another process may have created it meanwhile; anything else (ENOENT under /proc,
      // EACCES, EROFS) is final.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(folder).isDirectory()) throw error;
    }
  }
  return first;
}
