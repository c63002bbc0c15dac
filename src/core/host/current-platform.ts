/**
 * The host platform in use: chosen by `process.platform` on first use (never at import), and
 * replaceable (tests inject fakes).
 *
 * @module
 */
import { createGenericPlatform } from './generic.js';
import { createLinuxPlatform } from './linux.js';
import type { HostPlatform } from './platform.js';

let current: HostPlatform | undefined;

/**
 * The platform in use: Linux `/proc` on Linux, the `os`-module fallback elsewhere. Chosen on
 * first call, never at import.
 *
 * @example
 * ```ts
 * getHostPlatform().id; // 'linux'
 * ```
 */
export function getHostPlatform(): HostPlatform {
  if (current === undefined) {
    current = process.platform === 'linux' ? createLinuxPlatform() : createGenericPlatform();
  }
  return current;
}

/**
 * Replaces the platform (tests inject fakes here); `undefined` restores the default choice.
 * Returns the previous platform so a test can put it back.
 *
 * @example
 * ```ts
 * const previous = setHostPlatform(createLinuxPlatform({ reader: fakeReader }));
 * try { ... } finally { setHostPlatform(previous); }
 * ```
 */
export function setHostPlatform(platform: HostPlatform | undefined): HostPlatform | undefined {
  const previous = current;
  current = platform;
  return previous;
}
