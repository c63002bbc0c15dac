/**
 * The little CSV reading the CsvLogger needs to append to an existing file: its header, and all
 * records when the file is widened. RFC 4180: `,` separates, `"` quotes (`""` inside quotes),
 * records end with `\n` or `\r\n`; a record counts only once its terminator has been read.
 *
 * @module
 */

import * as fs from 'node:fs';

/** Records parsed from CSV text. */
export interface ParsedCsv {
  /** The complete records, each a list of fields. */
  records: string[][];
  /** Offset (in UTF-16 units of the text) just after the last complete record. */
  end: number;
}

/** Parses up to `maxRecords` complete records from `text`; an unterminated tail is left out. */
export function parseCsv(text: string, maxRecords = Number.POSITIVE_INFINITY): ParsedCsv {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let end = 0;
  let i = 0;
  while (i < text.length && records.length < maxRecords) {
    const c = text[i]!;
    if (inQuotes) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (c === '"' && field === '') {
      inQuotes = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      end = i + 1;
    } else {
      field += c;
    }
    i++;
  }
  return { records, end };
}

/** The header of a CSV file and where it ends. */
export interface CsvHeader {
  /** The header's fields. */
  fields: string[];
  /** Byte offset just after the header record. */
  byteEnd: number;
}

/**
 * Reads the header (first complete record) of the CSV file at `path`. Returns `undefined` when
 * the file is missing or empty, and `null` when it has bytes but no complete first record (a
 * torn header).
 */
export function readCsvHeader(path: string): CsvHeader | null | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return undefined;
    for (let want = Math.min(size, 64 * 1024); ; want = size) {
      const buffer = Buffer.alloc(want);
      const n = fs.readSync(fd, buffer, 0, want, 0);
      const text = buffer.subarray(0, n).toString('utf8');
      const { records, end } = parseCsv(text, 1);
      if (records.length === 1) return { fields: records[0]!, byteEnd: Buffer.byteLength(text.slice(0, end)) };
      if (want >= size) return null;
    }
  } finally {
    fs.closeSync(fd);
  }
}
