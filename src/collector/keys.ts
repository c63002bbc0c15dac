/**
 * The metric names of the collector, exactly as nvitop writes them, and the scope identifiers
 * of devices (`gpu:0`, `gpu:(0, 1)`, `cuda:0 (gpu:3)`).
 *
 * @module
 */
import type { Device, DeviceSnapshot } from '../core/index.js';

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

/** The device values the collector records (a subset of {@link DeviceSnapshot}). */
export type DeviceReading = Pick<
  DeviceSnapshot,
  | 'memoryUsed'
  | 'memoryFree'
  | 'memoryTotal'
  | 'memoryPercent'
  | 'gpuUtilization'
  | 'memoryUtilization'
  | 'fanSpeed'
  | 'temperature'
  | 'powerUsage'
>;

/** `[field, metric name, divisor]` for every device metric, in nvitop's order. */
export const DEVICE_METRICS: ReadonlyArray<readonly [keyof DeviceReading, string, number]> = [
  ['memoryUsed', 'memory_used (MiB)', MiB],
  ['memoryFree', 'memory_free (MiB)', MiB],
  ['memoryTotal', 'memory_total (MiB)', MiB],
  ['memoryPercent', 'memory_percent (%)', 1],
  ['gpuUtilization', 'gpu_utilization (%)', 1],
  ['memoryUtilization', 'memory_utilization (%)', 1],
  ['fanSpeed', 'fan_speed (%)', 1],
  ['temperature', 'temperature (C)', 1],
  ['powerUsage', 'power_usage (W)', 1000],
];

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
