/**
 * `nvitop --csv [--query FIELD,...]`: device rows as CSV (RFC 4180, `\n` line ends, quoted where
 * needed by the shared writer of `core/csv.ts`), for spreadsheets and `nvidia-smi --format=csv`
 * habits. The header names the fields; values use the units of `nvitop --json` (bytes, milliwatts, MHz, percent); a
 * value that is not available is an empty cell.
 *
 * @module
 */
import { csvRecord } from '../../core/csv.js';
import { isNA, type Device, type DeviceSnapshot } from '../../core/index.js';
import { PCIE_FIELDS, type CsvField } from './csv-fields.js';

/**
 * The header line.
 *
 * @example
 * ```ts
 * csvHeader(['index', 'memoryUsed']); // 'index,memoryUsed\n'
 * ```
 */
export function csvHeader(fields: readonly CsvField[]): string {
  return csvRecord(fields);
}

/** A cell's text: NA and null are empty; arrays (e.g. `[gpu, mig]` indices) are joined with `:`. */
function cell(value: unknown): string {
  if (value === null || value === undefined || isNA(value)) return '';
  if (Array.isArray(value)) return value.join(':');
  return String(value);
}

/**
 * One sample as CSV rows, one per device, in the given column order.
 *
 * @example
 * ```ts
 * csvRows([snapshot], ['index', 'gpuUtilization'], Date.now()); // '0,87\n'
 * ```
 */
export function csvRows(snapshots: readonly DeviceSnapshot[], fields: readonly CsvField[], timestamp: number): string {
  if (snapshots.length === 0) return '';
  const time = new Date(timestamp).toISOString();
  const records = snapshots.map((snapshot) =>
    fields.map((field) => {
      if (field === 'time') return time;
      if (field === 'timestamp') return String(timestamp);
      return cell(snapshot[field]);
    }),
  );
  return records.map((record) => csvRecord(record)).join('');
}

/**
 * Reads what the columns need from each device: a snapshot without the PCIe throughput unless a
 * PCIe column is asked for (NVML samples it over ~20 ms per direction and GPU).
 *
 * @example
 * ```ts
 * const snapshots = readCsvSnapshots(Device.all(), ['index', 'memoryUsed']);
 * ```
 */
export function readCsvSnapshots(devices: readonly Device[], fields: readonly CsvField[]): DeviceSnapshot[] {
  const pcie = fields.some((field) => PCIE_FIELDS.includes(field));
  return devices.map((device) => device.asSnapshot({ include: { pcie } }));
}
