/**
 * The shared folder for device lock files. Every user's launcher must see the same folder, so it
 * is created world-writable with the sticky bit (mode 1777, like `/tmp`): anyone may add a lock,
 * only its owner (and the folder's owner, and root) may remove it. A folder that others could
 * delete locks from is refused, or repaired when it belongs to this user.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDirectory } from '../../core/make-directory.js';
import { LockDirectoryError } from '../errors.js';

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

const EXPLAIN: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'it is on a read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'it cannot be created there',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

function folderError(folder: string, error: unknown, doing: string): LockDirectoryError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const why = EXPLAIN[code] ?? (error as Error).message;
  return new LockDirectoryError(folder, code, `${doing}: ${why} (${code})`, { cause: error });
}

const uid = (): number | undefined => process.getuid?.();

/**
 * Creates the lock folder when missing (mode 1777) and checks that it can hold locks safely: a
 * real folder (the default one must not be a symbolic link: someone could have planted it in
 * `/tmp`; a folder named explicitly may be one), writable by this user, and not one where
 * others may delete locks (group- or world-writable without the sticky bit; such a folder of
 * this user's own gets the sticky bit added).
 *
 * @returns the folder's absolute path.
 * @throws {@link LockDirectoryError} naming the folder, the problem and what to do.
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
    created = makeDirectory(folder, 0o1777);
  } catch (error) {
    throw folderError(folder, error, 'it cannot be created');
  }
  if (created !== undefined) {
    // mkdir's mode is filtered by the umask; the sticky, world-writable mode is the point.
    try {
      fs.chmodSync(folder, 0o1777);
    } catch (error) {
      throw folderError(folder, error, 'its mode cannot be set to 1777');
    }
    return folder;
  }
  let stat: fs.Stats;
  try {
    stat = explicit ? fs.statSync(folder) : fs.lstatSync(folder);
  } catch (error) {
    throw folderError(folder, error, 'it cannot be read');
  }
  if (!stat.isDirectory()) {
    throw new LockDirectoryError(folder, 'ENOTDIR', `it is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`);
  }
  const mode = stat.mode & 0o7777;
  if ((mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    const writers = (mode & 0o002) !== 0 ? 'every user' : 'its group';
    if (stat.uid !== uid()) {
      throw new LockDirectoryError(
        folder,
        'EUNSAFE',
        `${writers} may write it and it lacks the sticky bit (mode ${mode.toString(8)}), so anyone could delete other users' locks; its owner should run 'chmod +t ${folder}'`,
      );
    }
    try {
      fs.chmodSync(folder, mode | 0o1000); // ours: repair
    } catch (error) {
      throw folderError(folder, error, 'the sticky bit cannot be set on it');
    }
  }
  try {
    fs.accessSync(folder, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    throw folderError(folder, error, 'lock files cannot be listed or created in it');
  }
  return folder;
}

/**
 * The lock folder if it exists (without creating or checking it), else null.
 *
 * @internal
 */
export function existingLockDirectory(dir?: string): string | null {
  const folder = lockDirectory(dir);
  try {
    return fs.statSync(folder).isDirectory() ? folder : null;
  } catch {
    return null;
  }
}
