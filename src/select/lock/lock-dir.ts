/**
 * The shared folder for device lock files. Every user's launcher must see the same folder, so it
 * is created world-writable with the sticky bit (mode 1777, like `/tmp`): anyone may add a lock,
 * only its owner may remove it.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '../../core/index.js';

/**
 * The lock folder: `dir` if given, else `$NVITOP_LOCK_DIR`, else `<os.tmpdir()>/nvitop-locks`.
 *
 * @example
 * ```ts
 * lockDirectory();              // '/tmp/nvitop-locks'
 * lockDirectory('/shared/locks'); // '/shared/locks'
 * ```
 */
export function lockDirectory(dir?: string): string {
  const chosen = dir ?? process.env.NVITOP_LOCK_DIR;
  return path.resolve(chosen !== undefined && chosen !== '' ? chosen : path.join(os.tmpdir(), 'nvitop-locks'));
}

/**
 * Creates the lock folder when missing (mode 1777) and checks that it is a real folder. The
 * default folder must not be a symbolic link (someone could have planted it in `/tmp`); a folder
 * named explicitly (option or `$NVITOP_LOCK_DIR`) may be one.
 *
 * @returns the folder's absolute path.
 * @throws {@link InvalidInputError} when the path exists and is not a folder.
 *
 * @example
 * ```ts
 * ensureLockDirectory(); // '/tmp/nvitop-locks', drwxrwxrwt
 * ```
 */
export function ensureLockDirectory(dir?: string): string {
  const folder = lockDirectory(dir);
  const explicit = dir !== undefined || (process.env.NVITOP_LOCK_DIR ?? '') !== '';
  let created: string | undefined;
  try {
    created = fs.mkdirSync(folder, { recursive: true, mode: 0o1777 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // a file is in the way
  }
  if (created !== undefined) {
    // mkdir's mode is filtered by the umask; the sticky, world-writable mode is the point.
    fs.chmodSync(folder, 0o1777);
    return folder;
  }
  const stat = explicit ? fs.statSync(folder) : fs.lstatSync(folder);
  if (!stat.isDirectory()) {
    throw new InvalidInputError('lock folder', folder, 'a directory (not a file or a symbolic link)');
  }
  return folder;
}
