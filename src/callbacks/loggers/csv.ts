/**
 * `CsvLogger`: metrics as CSV, wide (one row per write, one column per metric) or long (one row
 * per metric).
 *
 * @module
 */

import * as fs from 'node:fs';

import { InvalidInputError } from '../../core/errors.js';
import { isNA } from '../../core/na.js';
import { checkOptions, is } from '../../core/options.js';
import { checkInterval } from '../auto-flush.js';
import { SinkLifecycle } from '../lifecycle.js';
import { checkLogPath, checkReserved, checkStep, isoTime, metricEntries, resolveTime } from '../row.js';
import type { MetricSink, MetricValue, Metrics } from '../sink.js';
import { BufferedFile, truncateTornTail } from '../sync-file.js';
import { parseCsv, readCsvHeader } from './csv-read.js';
import { csvField, csvRecord, padRecords } from './csv-text.js';

/**
 * Options of {@link CsvLogger}.
 *
 * @example
 * ```ts
 * const options: CsvLoggerOptions = { format: 'long', flushIntervalMs: 1000 };
 * ```
 */
export interface CsvLoggerOptions {
  /**
   * `'wide'` (default): columns `time,step,<metric...>`, one row per write; a metric seen for the
   * first time widens the file. `'long'`: columns `time,step,key,value`, one row per metric.
   */
  format?: 'wide' | 'long';
  /** Milliseconds between background flushes (`unref()`ed timer); `0`/`Infinity`: none. Default 5000. */
  flushIntervalMs?: number;
  /** fsync the file after every flush (survives power loss too). Default false. */
  fsync?: boolean;
}

const FIXED = ['time', 'step'] as const;
const LONG_HEADER = ['time', 'step', 'key', 'value'] as const;

/**
 * A metric value as a CSV cell: NA → empty; numbers as JavaScript prints them (`1.5`, `1e-7`,
 * `NaN`, `Infinity`): never a comma, quote or line end, so never quoted.
 */
function cell(value: MetricValue): string {
  return isNA(value) ? '' : String(value);
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A buffered wide row: the time and step cells and the metric cells by column index. */
interface WideRow {
  fixed: string;
  cells: string[];
}

/**
 * Writes metrics to a CSV file (RFC 4180, `\n` line ends).
 *
 * - `time`: ISO 8601 in UTC with milliseconds (`2026-11-02T09:30:00.123Z`); `step`: the step or
 *   empty. Values: `NA` (and, in wide files, a metric absent from a row) is an empty cell; `NaN`
 *   and infinities are written `NaN`, `Infinity`, `-Infinity`.
 * - **wide** (default): `time,step,<metric...>`, columns in first-seen order. When a row brings
 *   a metric the file has no column for (a new device, a new PID), the next flush rewrites the
 *   file atomically (temporary file, fsync, rename) with the widened header and the earlier rows
 *   padded with empty cells, then goes back to appending. So the file is a valid rectangular CSV
 *   after every flush, and a kill at any moment leaves the previous or the new version.
 *   `time` and `step` are reserved metric names.
 * - **long**: `time,step,key,value`, one row per metric: never rewritten, suits an open-ended set
 *   of metrics.
 *
 * An existing file is appended to: its header is read (a wide file gains columns as above; a
 * long file must have the long header) and a torn last line is dropped first.
 *
 * @example
 * ```ts
 * const csv = new CsvLogger('logs/gpu.csv');                 // wide
 * csv.write({ 'cuda:0/util (%)': 93 }, 1);
 * csv.write({ 'cuda:0/util (%)': 95, 'cuda:1/util (%)': 12 }, 2); // adds a column
 * await csv.close();
 * ```
 */
export class CsvLogger implements MetricSink {
  /** The layout of the file. */
  readonly format: 'wide' | 'long';
  /** Bytes of a torn last line (or torn header) dropped when the existing file was opened. */
  readonly tornBytesDropped: number;
  readonly #file: BufferedFile;
  readonly #life: SinkLifecycle;
  /** Wide: metric columns, in order, and their index. */
  readonly #columns: string[] = [];
  readonly #columnIndex = new Map<string, number>();
  /** Wide: metric columns in the header on disk; -1 while the file has no header. */
  #diskColumns = -1;
  #rows: WideRow[] = [];
  /** Long: quoted metric names. */
  readonly #quoted = new Map<string, string>();

  /**
   * Opens `path` for appending (creating it and its folder when needed).
   *
   * @param path - the `.csv` file.
   * @param options - see {@link CsvLoggerOptions}.
   */
  constructor(path: string, options: CsvLoggerOptions = {}) {
    checkLogPath(path);
    checkOptions('new CsvLogger()', options, {
      format: is.oneOf(['wide', 'long']),
      flushIntervalMs: is.number({ min: 0, infinite: true, unit: 'milliseconds' }),
      fsync: is.boolean,
    });
    const format = options.format ?? 'wide';
    const interval = checkInterval('flushIntervalMs', options.flushIntervalMs ?? 5000);
    this.format = format;
    this.tornBytesDropped = this.#adoptExisting(path);
    this.#file = new BufferedFile(path, { fsync: options.fsync ?? false });
    if (format === 'long' && this.#diskColumns < 0) {
      this.#file.push(csvRecord(LONG_HEADER));
      this.#file.flushSync();
      this.#diskColumns = 2;
    }
    this.#life = new SinkLifecycle(
      { name: `CsvLogger for ${path}`, flushSync: () => this.#flushRows(), release: () => this.#file.closeSync() },
      interval,
    );
  }

  /** The file's path. */
  get path(): string {
    return this.#file.path;
  }

  /** Wide: the metric columns after `time,step` (on disk, plus any added by buffered rows). */
  get columns(): readonly string[] {
    return this.#columns;
  }

  /** Buffers one row (wide) or one row per metric (long); see {@link MetricSink.write}. */
  write(metrics: Metrics, step?: number, time?: number): void {
    this.#life.checkOpen();
    const entries = metricEntries(metrics);
    const s = checkStep(step);
    const fixed = `${isoTime(resolveTime(time))},${s === undefined ? '' : String(s)}`;
    if (this.format === 'long') {
      let text = '';
      for (const [key, value] of entries) text += `${fixed},${csvField(key, this.#quoted)},${cell(value)}\n`;
      this.#file.push(text);
      return;
    }
    for (const [key] of entries) checkReserved(key, FIXED);
    const cells: string[] = [];
    for (const [key, value] of entries) {
      let index = this.#columnIndex.get(key);
      if (index === undefined) {
        index = this.#columns.push(key) - 1;
        this.#columnIndex.set(key, index);
      }
      cells[index] = cell(value);
    }
    this.#rows.push({ fixed, cells });
  }

  /** Writes the buffered rows synchronously (widening the file first when needed). */
  flushSync(): void {
    if (!this.#life.closed) this.#flushRows();
  }

  /** Writes the buffered rows (done before the promise is returned). */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /** Flushes and closes the file. Idempotent. */
  closeSync(): void {
    this.#life.closeSync();
  }

  /** Flushes and closes the file. Idempotent. */
  close(): Promise<void> {
    return this.#life.close();
  }

  /** Reads the header of an existing file and drops a torn tail; returns the bytes dropped. */
  #adoptExisting(path: string): number {
    const header = readCsvHeader(path);
    if (header === undefined) return 0;
    if (header === null) {
      const size = fs.statSync(path).size;
      fs.truncateSync(path, 0);
      return size;
    }
    const fields = header.fields;
    if (this.format === 'long') {
      if (!sameFields(fields, LONG_HEADER)) {
        throw new InvalidInputError('CSV file', path, `a long-format file with the header '${LONG_HEADER.join(',')}'`);
      }
      this.#diskColumns = 2;
    } else {
      const metrics = fields.slice(2);
      if (fields[0] !== 'time' || fields[1] !== 'step' || new Set(metrics).size !== metrics.length || sameFields(fields, LONG_HEADER)) {
        throw new InvalidInputError('CSV file', path, "a wide-format file whose header is 'time,step,' and distinct metric names");
      }
      for (const key of metrics) this.#columnIndex.set(key, this.#columns.push(key) - 1);
      this.#diskColumns = metrics.length;
    }
    return truncateTornTail(path, header.byteEnd);
  }

  #flushRows(): void {
    if (this.format === 'long' || this.#rows.length === 0) {
      this.#file.flushSync();
      return;
    }
    const width = this.#columns.length;
    let text = '';
    for (const row of this.#rows) {
      text += row.fixed;
      for (let i = 0; i < width; i++) text += `,${row.cells[i] ?? ''}`;
      text += '\n';
    }
    const header = csvRecord([...FIXED, ...this.#columns]);
    if (this.#diskColumns >= 0 && width > this.#diskColumns) {
      this.#widen(header, text);
    } else {
      this.#file.push(this.#diskColumns < 0 ? header + text : text);
      this.#diskColumns = width;
      this.#file.flushSync();
    }
    this.#rows = [];
  }

  /**
   * Rewrites the file atomically as the new `header`, the rows on disk padded with empty cells
   * (new columns are always last, so padding is appending empty fields), and `rows`.
   */
  #widen(header: string, rows: string): void {
    this.#file.flushSync();
    const text = fs.readFileSync(this.#file.path, 'utf8');
    const body = text.slice(parseCsv(text, 1).end);
    const padded = padRecords(body, this.#columns.length - this.#diskColumns);
    this.#file.replaceSync(Buffer.from(header + padded + rows, 'utf8'));
    this.#diskColumns = this.#columns.length;
  }
}
