/**
 * Turns host, device and process readings into one sample (metric name → number, `NaN` where not
 * available). Two sources: lean readings (only the values the collector records, the background
 * path) and full snapshots (`collector.takeSnapshots()`); both give the same names and values.
 *
 * @module
 */
import {
  GpuProcess,
  host,
  isNA,
  type DeviceFieldKey,
  type DeviceSnapshot,
  type GpuProcessSnapshot,
  type HostProcess,
  type KubeletPodResources,
  type Maybe,
} from '../core/index.js';
import { CONTAINER_METRICS, GiB, HOST_METRICS, PROCESS_METRICS, deviceScope, type DeviceMetric, type ProcessReading } from './keys.js';

const num = (value: Maybe<number>): number => (isNA(value) ? Number.NaN : value);

/** Calls `read`, turning a thrown error into `NaN` (a gone process, a denied read). */
function tryRead(read: () => Maybe<number>): number {
  try {
    return num(read());
  } catch {
    return Number.NaN;
  }
}

/** Adds the host metrics to `into` (nvitop leaves the load average out where there is none). */
export function addHostValues(into: Map<string, number>): void {
  into.set(HOST_METRICS.cpuPercent, tryRead(() => host.cpuPercent()));
  // One read of the memory figures for both keys (host.memoryPercent() is virtualMemory().percent).
  let memoryPercent = Number.NaN;
  let memoryUsed = Number.NaN;
  try {
    const memory = host.virtualMemory();
    memoryPercent = memory.percent;
    memoryUsed = memory.used / GiB;
  } catch {
    // NaN: not available
  }
  into.set(HOST_METRICS.memoryPercent, memoryPercent);
  into.set(HOST_METRICS.swapPercent, tryRead(() => host.swapPercent()));
  into.set(HOST_METRICS.memoryUsed, memoryUsed);
  let load: Maybe<readonly [number, number, number]>;
  try {
    load = host.loadAverage();
  } catch {
    return;
  }
  if (isNA(load)) return;
  into.set(HOST_METRICS.loadAverage1, load[0]);
  into.set(HOST_METRICS.loadAverage5, load[1]);
  into.set(HOST_METRICS.loadAverage15, load[2]);
}

/** The metric names of a device scope, in `metrics` order. */
export function deviceKeys(scope: string, metrics: readonly DeviceMetric[]): string[] {
  return metrics.map(({ name }) => `${scope}/${name}`);
}

/**
 * Adds a device's values under precomputed `keys` (see {@link deviceKeys}) from a reading of its
 * fields (`device.read(...)` or a full snapshot); `null`: all NaN.
 */
export function addDeviceValues(
  into: Map<string, number>,
  keys: readonly string[],
  metrics: readonly DeviceMetric[],
  reading: Partial<Record<DeviceFieldKey, unknown>> | null,
): void {
  for (let i = 0; i < metrics.length; i += 1) {
    const { field, divisor } = metrics[i] as DeviceMetric;
    into.set(keys[i] as string, reading === null ? Number.NaN : num(reading[field] as Maybe<number>) / divisor);
  }
}

/** The host part of a process reading (shared by the entries of one PID on several devices). */
export type HostReading = Pick<ProcessReading, 'cpuPercent' | 'hostMemory' | 'hostMemoryPercent' | 'runningTime'>;

const NO_HOST: HostReading = Object.freeze({ cpuPercent: Number.NaN, hostMemory: Number.NaN, hostMemoryPercent: Number.NaN, runningTime: Number.NaN });

/** Reads the host facts of a GPU process in one `oneshot()` (failures → NaN). */
export function readHost(process: GpuProcess): HostReading {
  let hp: HostProcess;
  try {
    hp = process.host;
  } catch {
    return NO_HOST;
  }
  return hp.oneshot(() => ({
    cpuPercent: tryRead(() => hp.cpuPercent()),
    hostMemory: tryRead(() => hp.memoryInfo().rss),
    hostMemoryPercent: tryRead(() => hp.memoryPercent()),
    runningTime: tryRead(() => hp.runningTime()),
  }));
}

/**
 * Reads the recorded values of a GPU process. `hostCache` (PID → host facts) makes a process
 * listed on several devices read its host facts once per sample: besides the cost, a second
 * `cpuPercent()` right after the first would measure a microsecond-long interval.
 */
export function readProcess(process: GpuProcess, hostCache?: Map<number, HostReading>): ProcessReading {
  let host = hostCache?.get(process.pid);
  if (host === undefined) {
    host = readHost(process);
    hostCache?.set(process.pid, host);
  }
  return {
    ...host,
    gpuMemory: num(process.gpuMemory()),
    gpuMemoryPercent: num(process.gpuMemoryPercent()),
    gpuMemoryUtilization: num(process.gpuMemoryUtilization()),
    gpuSmUtilization: num(process.gpuSmUtilization()),
  };
}

/** The recorded values of a process snapshot. */
export function processReadingFromSnapshot(snapshot: GpuProcessSnapshot): ProcessReading {
  return {
    cpuPercent: num(snapshot.cpuPercent),
    hostMemory: num(snapshot.hostMemory),
    hostMemoryPercent: num(snapshot.memoryPercent),
    runningTime: num(snapshot.runningTime),
    gpuMemory: num(snapshot.gpuMemory),
    gpuMemoryPercent: num(snapshot.gpuMemoryPercent),
    gpuMemoryUtilization: num(snapshot.gpuMemoryUtilization),
    gpuSmUtilization: num(snapshot.gpuSmUtilization),
  };
}

/** Adds a process's values: `pid:<pid>/host/…` and `pid:<pid>/<device scope>/…`. */
export function addProcessValues(into: Map<string, number>, pid: number, scope: string, reading: ProcessReading): void {
  for (const [field, fixedScope, name, divisor] of PROCESS_METRICS) {
    into.set(`pid:${pid}/${fixedScope ?? scope}/${name}`, reading[field] / divisor);
  }
}

/** Sums of GPU process values per container and device (the collector's `containers` keys). */
export class ContainerTotals {
  /** `<container scope>/<device scope>/<metric>` → [sum of the real values, how many]. */
  readonly #sums = new Map<string, [number, number]>();

  /** Adds a process's GPU values to its container's sums on the device of `deviceScope`. */
  add(containerScope: string, deviceScope: string, reading: ProcessReading): void {
    for (const [field, name, divisor] of CONTAINER_METRICS) {
      const key = `${containerScope}/${deviceScope}/${name}`;
      let sum = this.#sums.get(key);
      if (sum === undefined) this.#sums.set(key, (sum = [0, 0]));
      const value = reading[field];
      if (!Number.isNaN(value)) {
        sum[0] += value / divisor;
        sum[1] += 1;
      }
    }
  }

  /** Writes the sums into a sample (`NaN` where none of the container's processes had a value). */
  addTo(into: Map<string, number>): void {
    for (const [key, [sum, count]] of this.#sums) into.set(key, count === 0 ? Number.NaN : sum);
  }
}

/** The scope of a device snapshot (same rule as for a device). */
export function snapshotScope(snapshot: DeviceSnapshot): string {
  return deviceScope(snapshot);
}

/** Snapshots of processes without throwing for processes that are gone. */
export function failsafeSnapshots(processes: readonly GpuProcess[], containers: false | KubeletPodResources = false): GpuProcessSnapshot[] {
  return GpuProcess.takeSnapshots(processes, { failsafe: true, containers });
}
