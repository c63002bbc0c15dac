/**
 * `CsvLogger`: metrics as CSV, wide (one row per write, one column per metric) or long (one row
 * per metric).
 *
 * @module
 */

import * as fs from 'node:fs';
import * as nodePath from 'node:path';

import { InvalidInputError } from '../../core/errors.js';
import { isNA } from '../../core/na.js';
import { checkOptions, is } from '../../core/options.js';
import { checkInterval } from '../auto-flush.js';
import { SinkLifecycle } from '../lifecycle.js';
import { checkLogPath, checkReserved, checkStep, isoTime, metricEntries, resolveTime } from '../row.js';
import type { MetricSink, MetricValue, Metrics } from '../sink.js';
import { BufferedFile, removeStaleTempFiles, truncateTornTail } from '../sync-file.js';
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
  /**
   * Wide: the largest file that a new column rewrites (default 8 MiB, about 0.1 s of work);
   * beyond it the rows go on in a new part file instead (`gpu.1.csv`, `gpu.2.csv`, …, each with
   * the full header). `Infinity`: always rewrite; `0`: every new column starts a new part.
   */
  maxRewriteBytes?: number;
}

/** Default of {@link CsvLoggerOptions.maxRewriteBytes}. */
const MAX_REWRITE_BYTES = 8 * 1024 * 1024;

/** The path of part `n` of a log (`gpu.csv`, `gpu.1.csv`, `gpu.2.csv`, …). */
function partPath(base: string, n: number): string {
  if (n === 0) return base;
  const ext = nodePath.extname(base);
  return `${base.slice(0, base.length - ext.length)}.${n}${ext}`;
}

/** The last part of the log `base`: the highest `n` with parts 1..n all present (0: none). */
function lastPart(base: string): number {
  let n = 0;
  while (fs.existsSync(partPath(base, n + 1))) n += 1;
  return n;
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
 *   after every flush, and a kill at any moment leaves the previous or the new version. A file
 *   larger than `maxRewriteBytes` (8 MiB) is not rewritten: the rows go on in a new part
 *   (`gpu.1.csv`, `gpu.2.csv`, …) with the full header, so a new column never costs more than a
 *   rewrite of 8 MiB. Temporary files that killed rewrites left (`<file>.<host>.<pid>.….tmp`)
 *   are removed when a logger opens the log, if their writer is gone.
 *   `time` and `step` are reserved metric names.
 * - **long**: `time,step,key,value`, one row per metric: never rewritten, suits an open-ended set
 *   of metrics.
 *
 * An existing file is appended to (a wide log: its last part): its header is read (a wide file
 * gains columns as above; a long file must have the long header) and a torn last line is
 * dropped first.
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
  /** Temporary files of killed rewrites (of dead writers) removed when the log was opened. */
  readonly staleTempFilesRemoved: readonly string[];
  readonly #basePath: string;
  readonly #fsync: boolean;
  readonly #maxRewriteBytes: number;
  #part = 0;
  #file: BufferedFile;
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
      maxRewriteBytes: is.number({ min: 0, infinite: true, unit: 'bytes' }),
    });
    const format = options.format ?? 'wide';
    const interval = checkInterval('flushIntervalMs', options.flushIntervalMs ?? 5000);
    this.format = format;
    this.#basePath = path;
    this.#fsync = options.fsync ?? false;
    this.#maxRewriteBytes = options.maxRewriteBytes ?? MAX_REWRITE_BYTES;
    this.#part = format === 'wide' ? lastPart(path) : 0;
    const removed: string[] = [];
    for (let n = 0; n <= this.#part; n += 1) removed.push(...removeStaleTempFiles(partPath(path, n)));
    this.staleTempFilesRemoved = removed;
    const current = partPath(path, this.#part);
    this.tornBytesDropped = this.#adoptExisting(current);
    this.#file = new BufferedFile(current, { fsync: this.#fsync });
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

  /** The file rows are appended to now: `path` as given, or its latest part (`gpu.2.csv`). */
  get path(): string {
    return this.#file.path;
  }

  /** Every file of this log, in order: the path as given, then its parts (wide format). */
  get files(): readonly string[] {
    return Array.from({ length: this.#part + 1 }, (_, n) => partPath(this.#basePath, n));
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
      if (this.#file.sizeOnDisk > this.#maxRewriteBytes) {
        this.#startPart(header, text);
      } else {
        this.#widen(header, text); // on failure nothing changed: the rows stay buffered here
        this.#rows = [];
      }
      return;
    }
    // The rows move to the file's buffer, which keeps what a failed write left unwritten: keeping
    // them here as well would write them twice at the next flush.
    this.#file.push(this.#diskColumns < 0 ? header + text : text);
    this.#diskColumns = width;
    this.#rows = [];
    this.#file.flushSync();
  }

  /**
   * Leaves the current file as it is (complete and rectangular) and goes on in the next part,
   * which starts with the full `header`: the cost of a new column stays bounded however large the
   * log grows.
   */
  #startPart(header: string, rows: string): void {
    this.#file.flushSync(); // (a failure leaves everything as it was)
    this.#file.closeSync();
    for (let n = this.#part + 1; ; n += 1) {
      try {
        this.#file = new BufferedFile(partPath(this.#basePath, n), { flags: 'ax', fsync: this.#fsync });
        this.#part = n;
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          this.#file = new BufferedFile(partPath(this.#basePath, this.#part), { fsync: this.#fsync }); // keep a file to flush into
          throw error;
        }
      }
    }
    this.#file.push(header + rows);
    this.#diskColumns = this.#columns.length;
    this.#rows = [];
    this.#file.flushSync();
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
