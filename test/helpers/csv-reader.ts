/**
 * Independent strict RFC 4180 CSV reader for tests (no import from `src/`). Throws on anything
 * malformed: an unterminated quote, a quote inside an unquoted field, text after a closing quote,
 * a missing final line end, or (in `readCsvTable`) rows of different lengths.
 */

import { readFileSync } from 'node:fs';

/** Parses CSV text into records; the text must end with a line end (`\n` or `\r\n`). */
export function parseCsvStrict(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return rows;
  for (;;) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field starting before offset ${i}`);
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') {
        if (text[j] === '"') throw new Error(`quote inside an unquoted field at offset ${j}`);
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (i >= n) throw new Error('CSV does not end with a line end (torn last record?)');
    const c = text[i];
    if (c === ',') {
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') i += 2;
    else if (c === '\n') i++;
    else throw new Error(`unexpected ${JSON.stringify(c)} after a field at offset ${i}`);
    rows.push(row);
    row = [];
    if (i >= n) return rows;
  }
}

/** A CSV file as a header and rows keyed by column name. */
export interface CsvTable {
  header: string[];
  rows: Record<string, string>[];
  raw: string[][];
}

/** Reads a CSV file: every row must have as many fields as the header. */
export function readCsvTable(path: string): CsvTable {
  const records = parseCsvStrict(readFileSync(path, 'utf8'));
  if (records.length === 0) return { header: [], rows: [], raw: [] };
  const header = records[0]!;
  if (new Set(header).size !== header.length) throw new Error(`duplicate column names in ${path}`);
  const rows = records.slice(1).map((r, k) => {
    if (r.length !== header.length) throw new Error(`row ${k + 1} of ${path} has ${r.length} fields, header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
  return { header, rows, raw: records };
}
