/**
 * User names from user ids through the system user database.
 *
 * `/etc/passwd` alone misses the users of LDAP, sssd, NIS or systemd-homed, which are exactly the
 * users of a shared GPU server. So the lookup asks glibc's `getpwuid_r` (which consults NSS as
 * configured in `/etc/nsswitch.conf`; bound in `core/native/libc.ts` on first use); then `/etc/passwd`; then
 * gives the uid as a decimal string (as psutil does when `pwd.getpwuid` fails). Never throws.
 *
 * @module
 */
import * as fs from 'node:fs';
import { bindGetpwuidR, type GetpwuidR } from '../native/libc.js';

/** Options of `usernameFromUid` (mainly for tests). */
export interface UsernameLookupOptions {
  /** Ask the system database through libc's `getpwuid_r` (default true). */
  readonly nss?: boolean;
  /** The passwd file for the fallback (default `/etc/passwd`). */
  readonly passwdFile?: string;
  /** Bypass the cache (default false). */
  readonly noCache?: boolean;
}

const NEGATIVE_TTL_MS = 60_000;
const positive = new Map<number, string>();
const negative = new Map<number, { name: string; until: number }>();
let nssLookup: GetpwuidR | null | undefined; // undefined: not tried; null: unavailable

/**
 * Parses passwd(5) text into `uid → name` (the first entry of a uid wins, as with getpwuid).
 *
 * @example
 * ```ts
 * parsePasswd('root:x:0:0:root:/root:/bin/sh\n').get(0); // 'root'
 * ```
 */
export function parsePasswd(text: string): Map<number, string> {
  const result = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length < 3 || fields[0] === '' || !/^\d+$/.test(fields[2] ?? '')) continue;
    const uid = Number(fields[2]);
    if (!result.has(uid)) result.set(uid, fields[0] as string);
  }
  return result;
}

function fromPasswdFile(uid: number, file: string): string | undefined {
  try {
    return parsePasswd(fs.readFileSync(file, 'utf8')).get(uid);
  } catch {
    return undefined;
  }
}

function fromNss(uid: number): string | undefined {
  if (nssLookup === undefined) nssLookup = bindGetpwuidR();
  if (nssLookup === null) return undefined;
  try {
    return nssLookup(uid);
  } catch {
    return undefined;
  }
}

/**
 * The user name of `uid`: the system database (NSS: files, LDAP, sssd, …) through
 * `getpwuid_r`, else `/etc/passwd`, else `String(uid)`. Names found are cached for the life of
 * the process; misses for a minute (a directory server may be back later). Never throws.
 *
 * @example
 * ```ts
 * usernameFromUid(0);     // 'root'
 * usernameFromUid(54321); // '54321' when no database knows it
 * ```
 */
export function usernameFromUid(uid: number, options: UsernameLookupOptions = {}): string {
  if (!Number.isInteger(uid) || uid < 0) return String(uid);
  const useCache = options.noCache !== true && options.nss !== false && options.passwdFile === undefined;
  if (useCache) {
    const hit = positive.get(uid);
    if (hit !== undefined) return hit;
    const miss = negative.get(uid);
    if (miss !== undefined && miss.until > Date.now()) return miss.name;
  }
  const name = (options.nss === false ? undefined : fromNss(uid)) ?? fromPasswdFile(uid, options.passwdFile ?? '/etc/passwd');
  if (name !== undefined) {
    if (useCache) positive.set(uid, name);
    return name;
  }
  const fallback = String(uid);
  if (useCache) negative.set(uid, { name: fallback, until: Date.now() + NEGATIVE_TTL_MS });
  return fallback;
}

/**
 * Forgets cached user names (after changing the user database, or in tests).
 *
 * @example
 * ```ts
 * clearUsernameCache();
 * ```
 */
export function clearUsernameCache(): void {
  positive.clear();
  negative.clear();
}
