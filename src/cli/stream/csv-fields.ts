/**
 * The columns `nvitop --csv --query` accepts: every scalar field of a device snapshot (the same
 * names and units as in `nvitop --json`; `timestamp` is the sample's time in ms) plus `time`
 * (the same moment, ISO 8601). Kept free of
 * imports so that parsing the command line never loads the core.
 *
 * @module
 */

/**
 * Every field `--query` accepts, in the order `--help` lists them.
 *
 * @example
 * ```ts
 * CSV_FIELDS.includes('memoryUsed'); // true
 * ```
 */
export const CSV_FIELDS = [
  'time',
  'timestamp',
  'index',
  'displayIndex',
  'kind',
  'physicalIndex',
  'migIndex',
  'cudaIndex',
  'isMigDevice',
  'name',
  'uuid',
  'busId',
  'serial',
  'memoryTotal',
  'memoryUsed',
  'memoryFree',
  'memoryTotalHuman',
  'memoryUsedHuman',
  'memoryFreeHuman',
  'memoryPercent',
  'memoryUsage',
  'bar1MemoryUsedHuman',
  'bar1MemoryPercent',
  'gpuUtilization',
  'memoryUtilization',
  'encoderUtilization',
  'decoderUtilization',
  'smClock',
  'memoryClock',
  'fanSpeed',
  'temperature',
  'powerUsage',
  'powerLimit',
  'powerStatus',
  'pcieTxThroughput',
  'pcieRxThroughput',
  'pcieTxThroughputHuman',
  'pcieRxThroughputHuman',
  'displayActive',
  'displayMode',
  'currentDriverModel',
  'persistenceMode',
  'performanceState',
  'totalVolatileUncorrectedEccErrors',
  'computeMode',
  'migMode',
  'gpuInstanceId',
  'computeInstanceId',
] as const;

/**
 * A `--query` column name.
 *
 * @example
 * ```ts
 * const column: CsvField = 'gpuUtilization';
 * ```
 */
export type CsvField = (typeof CSV_FIELDS)[number];

/**
 * The columns of `--csv` without `--query`.
 *
 * @example
 * ```ts
 * DEFAULT_CSV_FIELDS[0]; // 'time'
 * ```
 */
export const DEFAULT_CSV_FIELDS: readonly CsvField[] = [
  'time',
  'index',
  'name',
  'uuid',
  'gpuUtilization',
  'memoryUtilization',
  'memoryUsed',
  'memoryTotal',
  'temperature',
  'powerUsage',
  'powerLimit',
  'fanSpeed',
];

/** Fields that need the PCIe throughput query (NVML samples it over ~20 ms per direction). */
export const PCIE_FIELDS: readonly CsvField[] = ['pcieTxThroughput', 'pcieRxThroughput', 'pcieTxThroughputHuman', 'pcieRxThroughputHuman'];
