/**
 * One NVML pass over the instrumented devices: everything every GPU instrument reports, read
 * into plain data (NA kept) before any value is observed. A collection calls {@link readGpus}
 * once, whatever the number of instruments, so each NVML query runs once per device.
 *
 * @module
 */
import { Device, NA, isNA, type ClockInfos, type DeviceCounters, type GpuProcess, type Maybe } from '../core/index.js';

/** The identity of an instrumented device, read once at start. */
export interface GpuIdentity {
  /** The device. */
  readonly device: Device;
  /** `hw.id`: the UUID (`GPU-…`, `MIG-…`), or `nvidia-gpu-<index>` when the driver cannot tell it. */
  readonly id: string;
  /** Product name, or `NVIDIA GPU <index>` when unknown. */
  readonly name: string;
  /** `'0'`, or `'0:1'` for a MIG device. */
  readonly index: string;
  /** The parent GPU's `hw.id` for a MIG device. */
  readonly parentId: string | null;
  /** Board serial number, when the driver gives it. */
  readonly serial: string | null;
}

/** A process's GPU memory on one device. */
export interface GpuProcessMemory {
  /** Process id (as NVML reports it: a host PID). */
  readonly pid: number;
  /** Executable name, when this PID namespace can see the process. */
  readonly name: Maybe<string>;
  /** GPU memory in bytes. */
  readonly memory: Maybe<number>;
}

/** Utilization in percent by task. */
export interface GpuTaskUtilization {
  /** GPU (SM activity) utilization. */
  readonly general: Maybe<number>;
  /** Video encoder utilization. */
  readonly encoder: Maybe<number>;
  /** Video decoder utilization. */
  readonly decoder: Maybe<number>;
}

/** Used and total memory in bytes. */
export interface GpuMemoryReading {
  /** Used bytes. */
  readonly used: Maybe<number>;
  /** Total bytes. */
  readonly total: Maybe<number>;
}

/** Power draw and limit in milliwatts. */
export interface GpuPowerReading {
  /** Power draw. */
  readonly usage: Maybe<number>;
  /** Power management limit. */
  readonly limit: Maybe<number>;
}

/** What one collection read from one device (raw NVML units). */
export interface GpuReading {
  /** The device's identity. */
  readonly identity: GpuIdentity;
  /** GPU (SM activity), encoder and decoder utilization in percent. */
  readonly utilization: GpuTaskUtilization;
  /** Memory-controller (bandwidth) utilization in percent. */
  readonly memoryControllerUtilization: Maybe<number>;
  /** Used and total memory in bytes. */
  readonly memory: GpuMemoryReading;
  /** Power draw and limit in milliwatts. */
  readonly power: GpuPowerReading;
  /** GPU temperature in Celsius. */
  readonly temperature: Maybe<number>;
  /** Fan speed in percent of the maximum (may exceed 100). */
  readonly fanSpeed: Maybe<number>;
  /** Current clocks in MHz. */
  readonly clocks: ClockInfos;
  /** Cumulative counters (energy, ECC, PCIe and NVLink bytes) and whether the GPU is lost. */
  readonly counters: DeviceCounters;
  /** Per-process GPU memory (only when asked for, and only on leaf devices). */
  readonly processes: readonly GpuProcessMemory[];
}

const NA_CLOCKS: ClockInfos = { graphics: NA, sm: NA, memory: NA, video: NA };

/** The process's executable name; NA when it is gone or hidden (another PID namespace, no permission). */
function executableName(process: GpuProcess): Maybe<string> {
  try {
    return process.name();
  } catch {
    return NA;
  }
}

const text = (value: Maybe<string>): string | null => (isNA(value) || value === '' || value.startsWith('ERROR:') ? null : value);

/**
 * The identities of `devices` (UUID, name, index, parent, serial), read once: identity queries
 * are cached by the core for the device's life.
 *
 * @example
 * ```ts
 * const identities = identify(Device.all());
 * ```
 */
export function identify(devices: readonly Device[]): GpuIdentity[] {
  const ids = new Map<Device, string>();
  const idOf = (device: Device): string => {
    let id = ids.get(device);
    if (id === undefined) {
      id = text(device.uuid()) ?? `nvidia-gpu-${device.displayIndex}`;
      ids.set(device, id);
    }
    return id;
  };
  return devices.map((device) => {
    const parent = device.isMigDevice() ? Device.fromIndex(device.physicalIndex) : null;
    return {
      device,
      id: idOf(device),
      name: text(device.name()) ?? `NVIDIA GPU ${device.displayIndex}`,
      index: device.displayIndex,
      parentId: parent === null ? null : idOf(parent),
      serial: device.isMigDevice() ? null : text(device.serial()),
    };
  });
}

/**
 * Reads one device for one collection. This is the one place that knows which core queries the
 * instruments need: every query runs fresh (the device's cache is cleared) inside `oneshot`, so
 * values that share an NVML call (GPU and memory-controller utilization, used and total memory)
 * cost one call.
 *
 * @example
 * ```ts
 * const reading = readGpu(identify([Device.fromIndex(0)])[0], { processes: false });
 * ```
 */
export function readGpu(identity: GpuIdentity, options: { readonly processes: boolean }): GpuReading {
  const withProcesses = options.processes;
  const { device } = identity;
  device.clearCache();
  return device.oneshot(() => {
    const memory = device.memoryInfo();
    const reading = {
      identity,
      memory: { used: memory.used, total: memory.total },
      counters: device.counters(),
      processes: withProcesses && device.isLeafDevice() ? [...device.processes().values()].map((p) => ({ pid: p.pid, name: executableName(p), memory: p.gpuMemory() })) : [],
    };
    if (device.isMigDevice()) {
      // NVML answers neither utilization nor the sensors for a MIG device: not asked.
      return { ...reading, utilization: { general: NA, encoder: NA, decoder: NA }, memoryControllerUtilization: NA, power: { usage: NA, limit: NA }, temperature: NA, fanSpeed: NA, clocks: NA_CLOCKS };
    }
    return {
      ...reading,
      utilization: { general: device.gpuUtilization(), encoder: device.encoderUtilization(), decoder: device.decoderUtilization() },
      memoryControllerUtilization: device.memoryUtilization(),
      power: { usage: device.powerUsage(), limit: device.powerLimit() },
      temperature: device.temperature(),
      fanSpeed: device.fanSpeed(),
      clocks: device.clockInfos(),
    };
  });
}

