/**
 * CSV text of the CsvLogger, on the shared RFC 4180 writer (`core/csv.ts`). The header and
 * metric names are quoted where needed; cells that we produce ourselves never need quoting (an
 * ISO time, an integer step, a number as JavaScript prints it, or empty), so data rows are
 * joined directly.
 *
 * @module
 */

import { csvRecord, quoteField } from '../../core/csv.js';
import { parseCsv } from './csv-read.js';

export { csvRecord, quoteField };

/** One field, quoted as needed (memoised: metric names repeat on every row). */
export function csvField(field: string, cache: Map<string, string>): string {
  let quoted = cache.get(field);
  if (quoted === undefined) {
    quoted = quoteField(field);
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
  let text = '';
  for (const record of parseCsv(body).records) text += `${csvRecord(record).slice(0, -1)}${pad}\n`;
  return text;
}
