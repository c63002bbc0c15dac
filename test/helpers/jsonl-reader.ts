/**
 * Independent JSON Lines reader for tests (no import from `src/`): every line must be one JSON
 * object and the file must end with a line end.
 */

import { readFileSync } from 'node:fs';

/** Parses JSONL text; throws with the line number on a bad line or a torn (unterminated) last line. */
export function parseJsonl(text: string): Record<string, unknown>[] {
  if (text.length === 0) return [];
  if (!text.endsWith('\n')) throw new Error('JSONL does not end with a line end (torn last line?)');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, k) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`line ${k + 1} is not JSON: ${String(error)}: ${line}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error(`line ${k + 1} is not a JSON object: ${line}`);
      }
      return value as Record<string, unknown>;
    });
}

/** Reads a JSONL file (see {@link parseJsonl}). */
export function readJsonl(path: string): Record<string, unknown>[] {
  return parseJsonl(readFileSync(path, 'utf8'));
}
