/**
 * `nvitop --json --interval N`: newline-delimited JSON, one compact `--json` document per line
 * (the same schema, docs/json-schema.md), so `jq`, `while read` loops and log shippers can read
 * the stream a line at a time.
 *
 * @module
 */
import { toJsonDocument } from '../render/json.js';
import type { StatusData } from '../render/types.js';

/**
 * One line of the stream: the `--json` document without indentation, ending with `\n`.
 *
 * @example
 * ```ts
 * process.stdout.write(ndjsonLine(gather().data, []));
 * ```
 */
export function ndjsonLine(data: StatusData, invalidIndices: readonly number[]): string {
  return `${JSON.stringify(toJsonDocument(data, invalidIndices))}\n`;
}
