/**
 * nvitop-node's version, read from its package.json.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The `version` field of nvitop-node's package.json (`'0.0.0'` if it cannot be read).
 *
 * @example
 * ```ts
 * packageVersion(); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  if (cached === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      cached = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
