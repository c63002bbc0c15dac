/**
 * One collection of everything the exporter exposes, read from the core API into plain data
 * (raw units, NA kept), so that turning it into metrics cannot fail halfway.
 *
 * @module
 */
import {
  Device,
  GpuProcess,
  InvalidInputError,
  MigDevice,
  host,
  isNA,
  type GpuAllocation,
  type GpuProcess as GpuProcessType,
  type GpuProcessSnapshot,
  type KubeletPodResources,
  type ProcessContainer,
} from '../core/index.js';
import { EXPORTED_DEVICE_FIELDS, type DeviceFacts, type HostFacts, type LinkFacts, type ProcessFacts } from './metrics.js';

/** The label values that identify a device. */
export interface DeviceLabels {
  /** `'0'`, or `'0:1'` for a MIG device. */
  readonly index: string;
  /** Product name (`'N/A'` when unknown). */
  readonly devicename: string;
  /** UUID (`'N/A'` when unknown). */
  readonly uuid: string;
}

/** What one collection read from one device. */
export interface DeviceSample {
  /** The device's label values. */
  readonly labels: DeviceLabels;
  /** Device-wide facts. */
  readonly facts: DeviceFacts;
  /** Per-NVLink throughput, by link number. */
  readonly links: readonly LinkFacts[];
  /** The device's processes. */
  readonly processes: readonly ProcessFacts[];
  /** The containers the kubelet allocated this device to (empty without `kubernetes`). */
  readonly allocations: readonly GpuAllocation[];
  /** The physical GPU's UUID and, for a MIG device, its GPU instance id (dcgm-exporter's `UUID`, `GPU_I_ID`). */
  readonly dcgm: { readonly UUID: string; readonly GPU_I_ID: string };
}

/** What one collection read from the host and the devices. */
export interface ExporterSample {
  /** When the collection started, in milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Host-wide facts. */
  readonly host: HostFacts;
  /** Network counters per interface. */
  readonly net: ReadonlyMap<string, host.NetIoCounters>;
  /** Disk I/O counters per disk and partition. */
  readonly diskIo: ReadonlyMap<string, host.DiskIoCounters>;
  /** Usage per mount point of physical file systems. */
  readonly diskUsage: ReadonlyMap<string, host.DiskUsage>;
  /** One entry per exported device, in order. */
  readonly devices: readonly DeviceSample[];
}

/**
 * The devices nvitop-exporter exports by default: every physical GPU followed by its MIG
 * devices (`0`, `0:0`, `0:1`, `1`, …).
 *
 * @example
 * ```ts
 * exportableDevices().map((d) => d.displayIndex); // ['0', '1', '1:0', '1:1']
 * ```
 */
export function exportableDevices(): Device[] {
  return Device.all().flatMap((device) => [device, ...device.migDevices()]);
}

/**
 * Checks that every device is a physical GPU or a MIG device (CUDA devices carry a different
 * index, which would not match nvitop-exporter's labels).
 *
 * @throws {@link InvalidInputError} for any other kind of device.
 * @example
 * ```ts
 * checkExportable(Device.all()); // ok
 * ```
 */
export function checkExportable(devices: readonly Device[]): void {
  for (const device of devices) {
    if (!(device instanceof Device) || (device.kind !== 'physical' && device.kind !== 'mig')) {
      throw new InvalidInputError('device', device, 'a PhysicalDevice or a MigDevice (Device.all(), device.migDevices())');
    }
  }
}

function readHost(): HostFacts {
  return {
    uptime: host.uptime(),
    cpuPercent: host.cpuPercent(),
    virtualMemory: host.virtualMemory(),
    swapMemory: host.swapMemory(),
    loadAverage: host.loadAverage(),
  };
}

function readDiskUsage(): Map<string, host.DiskUsage> {
  const usage = new Map<string, host.DiskUsage>();
  for (const partition of host.diskPartitions()) {
    if (usage.has(partition.mountpoint)) continue;
    try {
      usage.set(partition.mountpoint, host.diskUsage(partition.mountpoint));
    } catch {
      // A mount point we may not stat (permissions, a vanished mount): skipped, as nvitop does.
    }
  }
  return usage;
}

function dcgmLabels(device: Device): DeviceSample['dcgm'] {
  if (!(device instanceof MigDevice)) return { UUID: String(device.uuid()), GPU_I_ID: '' };
  return { UUID: String(device.parent.uuid()), GPU_I_ID: String(device.gpuInstanceId()) };
}

function readDevice(device: Device): Omit<DeviceSample, 'processes' | 'allocations' | 'dcgm'> & { readonly gpuProcesses: GpuProcessType[] } {
  return device.oneshot(() => ({
    labels: { index: device.displayIndex, devicename: String(device.name()), uuid: String(device.uuid()) },
    facts: { ...device.read(EXPORTED_DEVICE_FIELDS), nvlinkTotal: device.nvlinkTotalThroughput(), nvlinkMean: device.nvlinkMeanThroughput() },
    links: device.nvlinkThroughput(),
    gpuProcesses: [...device.processes().values()],
  }));
}

/** The exported facts of one process, from its snapshot. */
function workload(container: GpuProcessSnapshot['container']): NonNullable<ProcessFacts['workload']> {
  if (isNA(container)) return { pod: '', namespace: '', container: '' };
  const c = container as ProcessContainer;
  const text = (value: unknown): string => (isNA(value) ? '' : String(value));
  return { pod: text(c.podName), namespace: text(c.podNamespace), container: text(c.containerName) };
}

function processFacts(s: GpuProcessSnapshot, kubernetes: boolean): ProcessFacts {
  return {
    ...(kubernetes ? { workload: workload(s.container) } : {}),
    pid: s.pid,
    username: s.username,
    status: s.status,
    command: s.command,
    runningTime: s.runningTime,
    cpuPercent: s.cpuPercent,
    hostMemory: s.hostMemory,
    memoryPercent: s.memoryPercent,
    gpuMemory: s.gpuMemory,
    gpuSmUtilization: s.gpuSmUtilization,
    gpuMemoryUtilization: s.gpuMemoryUtilization,
    gpuEncoderUtilization: s.gpuEncoderUtilization,
    gpuDecoderUtilization: s.gpuDecoderUtilization,
  };
}

/**
 * Reads one sample: host facts, then each device with its processes. Every device query runs
 * fresh (the device's query cache is cleared first) and inside `device.oneshot()`, so each
 * device's values come from one moment. Host facts of processes that vanish meanwhile come out
 * as NA (failsafe), never as an exception; a PID on several devices is read once.
 *
 * @example
 * ```ts
 * const sample = collectSample(exportableDevices());
 * sample.devices[0]?.facts.gpuUtilization; // 87
 * ```
 */
export function collectSample(devices: readonly Device[], kubelet?: KubeletPodResources): ExporterSample {
  const timestamp = Date.now();
  const hostFacts = readHost();
  const net = host.netIoCounters();
  const diskIo = host.diskIoCounters();
  const diskUsage = readDiskUsage();
  const readings = devices.map((device) => {
    device.clearCache();
    return readDevice(device);
  });
  // One snapshot call for every device's processes: a PID listed on a MIG device and on its
  // parent has its host side read once, so its CPU percent covers the time since the last sample.
  const snapshots = GpuProcess.takeSnapshots(
    readings.flatMap((reading) => reading.gpuProcesses),
    kubelet === undefined ? { failsafe: true } : { failsafe: true, containers: kubelet },
  );
  if (kubelet !== undefined) kubelet.current(); // the cached answer; refreshed in the background when old
  let next = 0;
  const samples: DeviceSample[] = readings.map(({ gpuProcesses, ...rest }, i) => ({
    ...rest,
    processes: gpuProcesses.map(() => processFacts(snapshots[next++] as GpuProcessSnapshot, kubelet !== undefined)),
    allocations: kubelet === undefined ? [] : kubelet.allocationsFor(rest.labels.uuid),
    dcgm: dcgmLabels(devices[i]!),
  }));
  return { timestamp, host: hostFacts, net, diskIo, diskUsage, devices: samples };
}
