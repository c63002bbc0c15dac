/**
 * CSV text of the CsvLogger. csv-stringify (sync API) quotes everything that may need it: the
 * header and metric names. Cells that we produce ourselves never need quoting (an ISO time, an
 * integer step, a number as JavaScript prints it, or empty), so data rows are joined directly:
 * csv-stringify costs about 2 us per field, a join next to nothing.
 *
 * @module
 */

import { createRequire } from 'node:module';

type Stringify = typeof import('csv-stringify/sync').stringify;
let stringify: Stringify | undefined;

/** csv-stringify's sync API, loaded on first use so that importing the package does not load it. */
function csvStringify(): Stringify {
  stringify ??= (createRequire(import.meta.url)('csv-stringify/sync') as { stringify: Stringify }).stringify;
  return stringify;
}

import { parseCsv } from './csv-read.js';

/** One CSV record (with its `\n`), every field quoted as needed by csv-stringify. */
export function csvRecord(fields: readonly string[]): string {
  return csvStringify()([fields as string[]]);
}

/** One field, quoted as needed (memoised: metric names repeat on every row). */
export function csvField(field: string, cache: Map<string, string>): string {
  let quoted = cache.get(field);
  if (quoted === undefined) {
    quoted = csvRecord([field]).slice(0, -1);
    if (cache.size >= 10_000) cache.clear();
    cache.set(field, quoted);
  }
  return quoted;
}

/**
 * Appends `count` empty fields to every record of `body` (CSV text made of whole records).
 * Without any quote in the body every line end ends a record, so this is one text replace;
 * otherwise the records are parsed and written again.
 */
export function padRecords(body: string, count: number): string {
  if (count <= 0 || body.length === 0) return body;
  const pad = ','.repeat(count);
  if (!body.includes('"')) return body.replace(/\r?\n/g, (eol) => pad + eol);
  const records = parseCsv(body).records;
  return csvStringify()(records.map((r) => [...r, ...Array<string>(count).fill('')]));
}
