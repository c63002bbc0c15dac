/**
 * glibc's `getpwuid_r` through koffi: the system user database (NSS: files, LDAP, sssd, NIS,
 * systemd-homed), which `/etc/passwd` alone misses. Part of `core/native`: the C libraries other
 * than NVML.
 *
 * @module
 */
import { createRequire } from 'node:module';

/** Looks a uid up; undefined when the database has no such user. */
export type GetpwuidR = (uid: number) => string | undefined;

/**
 * Binds `getpwuid_r` from glibc, or returns null where it cannot be bound (not Linux, no koffi
 * binary, no glibc: musl has no NSS, so `/etc/passwd` is the database there). koffi is loaded
 * on first use only.
 *
 * On glibc's x86-64 and aarch64 ABI, `struct passwd` is `{ char *pw_name; char *pw_passwd;
 * uid_t pw_uid; gid_t pw_gid; char *pw_gecos; char *pw_dir; char *pw_shell; }` (48 bytes;
 * `uid_t`/`gid_t` are 32-bit), which koffi lays out from the declaration below with the C
 * alignment rules.
 *
 * @example
 * ```ts
 * bindGetpwuidR()?.(0); // 'root'
 * ```
 */
export function bindGetpwuidR(): GetpwuidR | null {
  if (process.platform !== 'linux') return null;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    const passwd = koffi.struct({
      pw_name: 'const char *',
      pw_passwd: 'const char *',
      pw_uid: 'uint32_t',
      pw_gid: 'uint32_t',
      pw_gecos: 'const char *',
      pw_dir: 'const char *',
      pw_shell: 'const char *',
    });
    const getpwuidR = lib.func('getpwuid_r', 'int', [
      'uint32_t',
      koffi.out(koffi.pointer(passwd)),
      'uint8_t *',
      'size_t',
      koffi.out(koffi.pointer('void *')),
    ]) as (uid: number, pwd: Record<string, unknown>, buf: Buffer, size: number, result: unknown[]) => number;
    const ERANGE = 34;
    return (uid: number): string | undefined => {
      // 1 KiB is glibc's _SC_GETPW_R_SIZE_MAX; grow on ERANGE (huge gecos fields exist).
      for (let size = 1024; size <= 1 << 20; size *= 4) {
        const pwd: Record<string, unknown> = {};
        const result: unknown[] = [null];
        const rc = getpwuidR(uid, pwd, Buffer.alloc(size), size, result);
        if (rc === ERANGE) continue;
        // `result` is NULL when there is no such user; `pwd` then holds garbage.
        if (rc !== 0 || result[0] === null || result[0] === 0n) return undefined;
        return typeof pwd.pw_name === 'string' && pwd.pw_name !== '' ? pwd.pw_name : undefined;
      }
      return undefined;
    };
  } catch {
    return null;
  }
}
