/**
 * The stream modes of `nvitop`: `--json` with `--interval`/`--count` (NDJSON) and `--csv`. Loaded
 * by the entry point only for these modes.
 *
 * @module
 */
import type { Device } from '../../core/index.js';
import type { Gathered } from '../gather.js';
import { csvHeader, csvRows, readCsvSnapshots } from './csv.js';
import type { CsvField } from './csv-fields.js';
import { ndjsonLine } from './ndjson.js';
import { runSampling } from './run.js';

export { runSampling, type SamplingOptions } from './run.js';
export { ndjsonLine } from './ndjson.js';
export { csvHeader, csvRows, readCsvSnapshots } from './csv.js';

/** When and how often to sample. */
export interface StreamSchedule {
  /** Milliseconds between samples. */
  readonly intervalMs: number;
  /** Stop after this many samples; null: until SIGINT/SIGTERM or a closed stdout. */
  readonly count: number | null;
  /** Where the lines go. */
  readonly out: NodeJS.WritableStream;
  /** Ends the stream (after the sample being written). */
  readonly signal?: AbortSignal;
}

/**
 * Streams `--json` documents, one compact line per sample; resolves with the number written.
 *
 * @example
 * ```ts
 * await streamJson({ intervalMs: 2000, count: 5, out: process.stdout, gather: () => gatherer({ detail: 'full' }) });
 * ```
 */
export function streamJson(options: StreamSchedule & { readonly gather: () => Gathered }): Promise<number> {
  return runSampling({
    ...options,
    sample: () => {
      const { data, invalidIndices } = options.gather();
      return ndjsonLine(data, invalidIndices);
    },
  });
}

/**
 * Prints the CSV header, then the devices' rows every sample; resolves with the number of samples.
 *
 * @example
 * ```ts
 * await streamCsv({ intervalMs: 1000, count: 1, out: process.stdout, devices: Device.all(), fields: ['index', 'memoryUsed'] });
 * ```
 */
export async function streamCsv(options: StreamSchedule & { readonly devices: readonly Device[]; readonly fields: readonly CsvField[] }): Promise<number> {
  const header = csvHeader(options.fields);
  let first = true;
  return runSampling({
    ...options,
    sample: () => {
      const timestamp = Date.now();
      const rows = csvRows(readCsvSnapshots(options.devices, options.fields), options.fields, timestamp);
      const text = first ? header + rows : rows;
      first = false;
      return text;
    },
  });
}
