/**
 * `nvitop --json`: the status as one JSON document (schema in docs/json-schema.md). NA values
 * become `null`; sizes are bytes, power milliwatts, clocks MHz, times seconds or milliseconds
 * as each field says.
 *
 * @module
 */
import { NA, type DeviceSnapshot, type GpuProcessSnapshot, type HostSnapshot, type PodResourcesState } from '../../core/index.js';
import type { StatusData } from './types.js';

/**
 * Version of the document's shape; bumped when a field changes meaning or is removed.
 *
 * @example
 * ```ts
 * toJsonDocument(data, []).schemaVersion === JSON_SCHEMA_VERSION; // true
 * ```
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * A device in the JSON document: its snapshot, its MIG devices and its processes' memory.
 *
 * @example
 * ```ts
 * const gpu: JsonDevice = toJsonDocument(data, []).devices[0];
 * gpu.migDevices.length;
 * ```
 */
export type JsonDevice = DeviceSnapshot & {
  /** Snapshots of its MIG devices (empty when MIG is off). */
  readonly migDevices: readonly DeviceSnapshot[];
  /** GPU memory in bytes held by every process NVML lists on it (before filters); null if unknown. */
  readonly processGpuMemory: DeviceSnapshot['memoryUsed'];
};

/**
 * The `--json` document.
 *
 * @example
 * ```ts
 * const doc: JsonDocument = JSON.parse(execFileSync('nvitop', ['--json'], { encoding: 'utf8' }));
 * ```
 */
export interface JsonDocument {
  /** {@link JSON_SCHEMA_VERSION}. */
  readonly schemaVersion: number;
  /** nvitop-node's version. */
  readonly version: string;
  /** When the data was gathered, milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** The same moment as an ISO 8601 string (UTC). */
  readonly time: string;
  /** Driver version. */
  readonly driverVersion: StatusData['driverVersion'];
  /** Highest CUDA version the driver supports. */
  readonly cudaDriverVersion: StatusData['cudaDriverVersion'];
  /** Host facts. */
  readonly host: HostSnapshot;
  /** The selected physical GPUs. */
  readonly devices: readonly JsonDevice[];
  /** GPU processes after the filters. */
  readonly processes: readonly GpuProcessSnapshot[];
  /** NVML functions the driver lacks (their values are null). */
  readonly missingFunctions: readonly string[];
  /** `-o` indices that are not GPUs of this machine. */
  readonly invalidIndices: readonly number[];
  /**
   * With `--containers`: the kubelet's pod-resources state (`status`, `reason`, the GPU
   * `allocations` by UUID); null without it.
   */
  readonly podResources: JsonPodResources | null;
}

/** `podResources` of the JSON document. */
export interface JsonPodResources {
  /** `'ok'`, `'absent'` (no socket), `'unavailable'` (see `reason`) or `'pending'`. */
  readonly status: PodResourcesState['status'];
  /** Why there are no allocations, or null. */
  readonly reason: string | null;
  /** The socket asked. */
  readonly socketPath: string;
  /** Every GPU or MIG device a container holds. */
  readonly allocations: PodResourcesState['allocations'];
}

/**
 * The `--json` document of a status.
 *
 * @example
 * ```ts
 * const text = JSON.stringify(toJsonDocument(data, []), null, 2);
 * ```
 */
export function toJsonDocument(data: StatusData, invalidIndices: readonly number[]): JsonDocument {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    version: data.version,
    timestamp: data.timestamp,
    time: new Date(data.timestamp).toISOString(),
    driverVersion: data.driverVersion,
    cudaDriverVersion: data.cudaDriverVersion,
    host: data.host,
    devices: data.devices.map((entry) => ({ ...entry.device, migDevices: entry.migDevices, processGpuMemory: entry.processGpuMemory ?? NA })),
    processes: data.processes,
    missingFunctions: data.missingFunctions,
    invalidIndices,
    podResources:
      data.podResources === undefined
        ? null
        : {
            status: data.podResources.status,
            reason: data.podResources.reason ?? null,
            socketPath: data.podResources.socketPath,
            allocations: data.podResources.allocations,
          },
  };
}

/**
 * The JSON text (two-space indented, newline-terminated).
 *
 * @example
 * ```ts
 * process.stdout.write(renderJson(data, []));
 * ```
 */
export function renderJson(data: StatusData, invalidIndices: readonly number[]): string {
  return `${JSON.stringify(toJsonDocument(data, invalidIndices), null, 2)}\n`;
}
