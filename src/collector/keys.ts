/**
 * The metric names of the collector, exactly as nvitop writes them, and the scope identifiers
 * of devices (`gpu:0`, `gpu:(0, 1)`, `cuda:0 (gpu:3)`).
 *
 * @module
 */
import {
  DEVICE_FIELDS,
  InvalidInputError,
  NA,
  isNA,
  type Device,
  type DeviceField,
  type DeviceFieldKey,
  type DeviceSnapshot,
  type FieldUnit,
  type ProcessContainer,
} from '../core/index.js';

/** Bytes in a MiB. */
export const MiB = 1024 * 1024;
/** Bytes in a GiB. */
export const GiB = 1024 * 1024 * 1024;

/** Host metric names (scope `host`). */
export const HOST_METRICS = {
  cpuPercent: 'host/cpu_percent (%)',
  memoryPercent: 'host/memory_percent (%)',
  swapPercent: 'host/swap_percent (%)',
  memoryUsed: 'host/memory_used (GiB)',
  loadAverage1: 'host/load_average (%) (1 min)',
  loadAverage5: 'host/load_average (%) (5 min)',
  loadAverage15: 'host/load_average (%) (15 min)',
} as const;

/**
 * The device fields the collector records unless told otherwise: nvitop's, in nvitop's order
 * (`memory_used (MiB)`, …, `power_usage (W)`).
 */
export const DEFAULT_DEVICE_FIELDS = [
  'memoryUsed',
  'memoryFree',
  'memoryTotal',
  'memoryPercent',
  'gpuUtilization',
  'memoryUtilization',
  'fanSpeed',
  'temperature',
  'powerUsage',
] as const satisfies readonly DeviceFieldKey[];

/** How each unit of the field table is recorded: the label in the metric name and the divisor. */
const RECORDED_UNITS: Readonly<Record<Exclude<FieldUnit, null | 'ms'>, readonly [label: string, divisor: number]>> = {
  bytes: ['MiB', MiB],
  percent: ['%', 1],
  MHz: ['MHz', 1],
  mW: ['W', 1000],
  celsius: ['C', 1],
  'KiB/s': ['MiB/s', 1024],
  count: ['', 1],
};

/** A device field the collector records: its key, its metric name and the divisor of its value. */
export interface DeviceMetric {
  /** The device field. */
  readonly field: DeviceFieldKey;
  /** The metric name after the device scope (`'memory_used (MiB)'`). */
  readonly name: string;
  /** What the field's value is divided by (NVML's unit to the recorded one). */
  readonly divisor: number;
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The metrics of device fields: `<snake_case key> (<unit>)`, the unit from the field table
 * (bytes as MiB, milliwatts as W, KiB/s as MiB/s).
 *
 * @throws {@link InvalidInputError} for a name that is not a device field, or a field that is not
 *   a number with a unit (text, records, indices).
 * @example
 * ```ts
 * deviceMetrics(['encoderUtilization']); // [{ field: 'encoderUtilization', name: 'encoder_utilization (%)', divisor: 1 }]
 * ```
 */
export function deviceMetrics(fields: readonly string[]): DeviceMetric[] {
  return fields.map((field) => {
    const spec = Object.hasOwn(DEVICE_FIELDS, field) ? (DEVICE_FIELDS[field as DeviceFieldKey] as DeviceField) : undefined;
    // A number: a unit, and NA (not a record of NA values) when not read.
    const numeric = spec !== undefined && spec.group !== 'identity' && spec.na === NA && spec.unit !== null && spec.unit !== 'ms';
    const unit = numeric ? RECORDED_UNITS[spec.unit as Exclude<FieldUnit, null | 'ms'>] : undefined;
    if (unit === undefined) {
      throw new InvalidInputError('device field', field, 'a numeric device field with a unit, e.g. gpuUtilization, memoryUsed, encoderUtilization');
    }
    const [label, divisor] = unit;
    return { field: field as DeviceFieldKey, name: label === '' ? snakeCase(field) : `${snakeCase(field)} (${label})`, divisor };
  });
}

/** The process values the collector records (host and GPU facts of one GPU process). */
export interface ProcessReading {
  /** CPU percent of one core. */
  cpuPercent: number;
  /** RSS in bytes. */
  hostMemory: number;
  /** RSS in percent of host memory. */
  hostMemoryPercent: number;
  /** Running time in seconds. */
  runningTime: number;
  /** GPU memory in bytes. */
  gpuMemory: number;
  /** GPU memory in percent of the device's. */
  gpuMemoryPercent: number;
  /** Memory bandwidth utilization of the process in percent. */
  gpuMemoryUtilization: number;
  /** SM utilization of the process in percent. */
  gpuSmUtilization: number;
}

/**
 * `[field, scope ('host' or null for the device's scope), metric name, divisor]` for every
 * process metric, in nvitop's order.
 */
export const PROCESS_METRICS: ReadonlyArray<readonly [keyof ProcessReading, 'host' | null, string, number]> = [
  ['cpuPercent', 'host', 'cpu_percent (%)', 1],
  ['hostMemory', 'host', 'host_memory (MiB)', MiB],
  ['hostMemoryPercent', 'host', 'host_memory_percent (%)', 1],
  ['runningTime', 'host', 'running_time (min)', 60],
  ['gpuMemory', null, 'gpu_memory (MiB)', MiB],
  ['gpuMemoryPercent', null, 'gpu_memory_percent (%)', 1],
  ['gpuMemoryUtilization', null, 'gpu_memory_utilization (%)', 1],
  ['gpuSmUtilization', null, 'gpu_sm_utilization (%)', 1],
];

/**
 * `[field, metric name, divisor]` of the GPU metrics recorded per container (the option
 * `containers`): the sums over the container's processes on one device, named as a process's.
 */
export const CONTAINER_METRICS: ReadonlyArray<readonly [keyof ProcessReading, string, number]> = [
  ['gpuMemory', 'gpu_memory (MiB)', MiB],
  ['gpuMemoryPercent', 'gpu_memory_percent (%)', 1],
  ['gpuMemoryUtilization', 'gpu_memory_utilization (%)', 1],
  ['gpuSmUtilization', 'gpu_sm_utilization (%)', 1],
];

/**
 * The scope of a process's container in metric keys, or null for a process outside any container,
 * pod or Slurm job: `container:<namespace>/<pod>/<container>` when the kubelet named it, else
 * `container:pod:<pod uid>/<container id, 12 digits>` (`container:pod:<pod uid>` without an id),
 * `container:<runtime>:<container id, 12 digits>` (`container:docker:3726184226f5`), or
 * `container:slurm:<job id>`.
 *
 * @example
 * ```ts
 * containerScope(gpuProcess.container(kubeletPodResources())); // 'container:ml/train-0/trainer'
 * ```
 */
export function containerScope(container: ProcessContainer): string | null {
  if (!isNA(container.podName) && !isNA(container.podNamespace) && !isNA(container.containerName)) {
    return `container:${container.podNamespace}/${container.podName}/${container.containerName}`;
  }
  const shortId = isNA(container.id) ? null : container.id.slice(0, 12);
  if (!isNA(container.podUid)) return `container:pod:${container.podUid}${shortId === null ? '' : `/${shortId}`}`;
  if (shortId !== null) return `container:${isNA(container.runtime) ? 'container' : container.runtime}:${shortId}`;
  if (!isNA(container.slurmJobId)) return `container:slurm:${container.slurmJobId}`;
  return null;
}

/** The one process metric reported by its maximum only (nvitop renames `…/max` to the bare key). */
export const RUNNING_TIME_KEY_SUFFIX = 'host/running_time (min)';

/**
 * nvitop's rendering of a device index inside a scope: `3` for a GPU, `(0, 1)` for a MIG device
 * (Python's tuple repr, kept so that keys match nvitop's).
 */
export function formatIndex(index: number | readonly [number, number]): string {
  return typeof index === 'number' ? `${index}` : `(${index[0]}, ${index[1]})`;
}

/**
 * The scope of a device in metric keys: `gpu:3`, `gpu:(0, 1)` for MIG device 1 of GPU 0, and for a
 * CUDA device `cuda:0 (gpu:3)` (CUDA ordinal first, NVML index in parentheses).
 *
 * @example
 * ```ts
 * deviceScope(Device.fromIndex(3));          // 'gpu:3'
 * deviceScope(Device.fromIndex([0, 1]));     // 'gpu:(0, 1)'
 * deviceScope(Device.cuda.fromCudaIndex(0)); // 'cuda:0 (gpu:3)' with CUDA_VISIBLE_DEVICES=3
 * ```
 */
export function deviceScope(device: Device | DeviceSnapshot): string {
  const gpu = `gpu:${formatIndex(device.index)}`;
  const cudaIndex = 'cudaIndex' in device ? device.cudaIndex : undefined;
  return typeof cudaIndex === 'number' ? `cuda:${cudaIndex} (${gpu})` : gpu;
}
