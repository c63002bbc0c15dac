/**
 * The metric families of nvitop-exporter: names, units, help texts, label names, and how each
 * value is read from the core API. Exposed names are `<name>_<unit>`, as Python's
 * `prometheus_client` builds them (`gpu_memory_used` + `MiB` → `gpu_memory_used_MiB`), so
 * dashboards and alerts written for nvitop-exporter keep working.
 *
 * Units: memory in MiB, power in W, throughput in MiB/s (`MiBps`), clocks in MHz, times in
 * seconds, percentages 0–100. A value the core API reports as NA is exported as `NaN`.
 *
 * @module
 */
import {
  DEVICE_FIELDS,
  MiB,
  isNA,
  type DeviceFieldKey,
  type DeviceSnapshot,
  type FieldUnit,
  type Maybe,
  type SwapMemoryInfo,
  type ThroughputInfo,
  type VirtualMemoryInfo,
  type host,
} from '../core/index.js';

type NetIoCounters = host.NetIoCounters;
type DiskIoCounters = host.DiskIoCounters;
type DiskUsage = host.DiskUsage;

/** The unit suffix nvitop-exporter appends to a metric name. */
export type MetricUnit = 'Second' | 'Percentage' | 'MiB' | 'Packet' | 'MHz' | 'W' | 'C' | 'MiBps';

/** One gauge family: `<name>_<unit>`, with its help text. */
export interface GaugeSpec<Source> {
  /** Base name (without the unit). */
  readonly name: string;
  /** Unit suffix. */
  readonly unit: MetricUnit;
  /** `# HELP` text. */
  readonly help: string;
  /** Reads the value (NA becomes NaN when exported). */
  readonly read: (source: Source) => Maybe<number>;
}

/**
 * The exposed metric name: `<name>_<unit>`.
 *
 * @example
 * ```ts
 * exposedName({ name: 'gpu_memory_used', unit: 'MiB' }); // 'gpu_memory_used_MiB'
 * ```
 */
export function exposedName(spec: { readonly name: string; readonly unit: MetricUnit }): string {
  return `${spec.name}_${spec.unit}`;
}

/** Label names of host-wide metrics. */
export const HOST_LABELS = ['hostname'] as const;
/** Label names of per-interface network metrics. */
export const NET_LABELS = ['hostname', 'interface'] as const;
/** Label names of per-disk I/O metrics. */
export const DISK_IO_LABELS = ['hostname', 'partition'] as const;
/** Label names of per-mount-point usage metrics. */
export const DISK_USAGE_LABELS = ['hostname', 'mountpoint'] as const;
/** Label names of per-device metrics. */
export const DEVICE_LABELS = ['hostname', 'index', 'devicename', 'uuid'] as const;
/** Label names of per-NVLink metrics. */
export const LINK_LABELS = [...DEVICE_LABELS, 'link'] as const;
/** Label names of per-process metrics. */
export const PROCESS_LABELS = [...DEVICE_LABELS, 'pid', 'username'] as const;
/** Label names of `nvitop_info` (the hostname, then the info keys). */
export const NVITOP_INFO_LABELS = ['hostname', 'device_count', 'driver_version', 'cuda_driver_version'] as const;
/** Label names of `process_info_info` (the process labels, then the info keys). */
export const PROCESS_INFO_LABELS = [...PROCESS_LABELS, 'status', 'command'] as const;
/**
 * The workload labels the process series gain with `--kubernetes` (`kubernetes: true`), named as
 * NVIDIA's dcgm-exporter names them, so dashboards that filter or join on them work on both.
 */
export const WORKLOAD_LABELS = ['pod', 'namespace', 'container'] as const;
/**
 * Label names of `gpu_allocation_info`: the device labels, dcgm-exporter's own names for the
 * GPU (`UUID` of the physical GPU, `GPU_I_ID` of a MIG instance) so that
 * `DCGM_FI_* * on(UUID) group_left(pod, namespace, container) gpu_allocation_info` joins, the
 * workload labels, and the extended resource name.
 */
export const ALLOCATION_LABELS = [...DEVICE_LABELS, 'UUID', 'GPU_I_ID', ...WORKLOAD_LABELS, 'resource'] as const;

/** The info metric with host-level facts (exposed as `nvitop_info`). */
export const NVITOP_INFO = { name: 'nvitop_info', help: 'NVITOP Prometheus Exporter.' } as const;
/** The info metric with per-process facts (exposed as `process_info_info`). */
export const PROCESS_INFO = { name: 'process_info_info', help: 'Process information.' } as const;
/**
 * The info metric with one series per GPU (or MIG device) and container the kubelet allocated it
 * to, with or without a process running (exposed with `--kubernetes` only).
 */
export const ALLOCATION_INFO = { name: 'gpu_allocation_info', help: 'GPU allocated to a Kubernetes container (kubelet pod-resources).' } as const;

const mib = (bytes: Maybe<number>): Maybe<number> => (isNA(bytes) ? bytes : bytes / MiB);
const per1024 = (kib: Maybe<number>): Maybe<number> => (isNA(kib) ? kib : kib / 1024);

/** Host facts read once per collection, the source of `HOST_GAUGES`. */
export interface HostFacts {
  /** Seconds since boot. */
  readonly uptime: Maybe<number>;
  /** CPU percent since the previous collection. */
  readonly cpuPercent: Maybe<number>;
  /** Memory in bytes and percent. */
  readonly virtualMemory: VirtualMemoryInfo;
  /** Swap in bytes and percent. */
  readonly swapMemory: SwapMemoryInfo;
  /** 1, 5, 15 minute load averages. */
  readonly loadAverage: Maybe<readonly [number, number, number]>;
}

const load = (facts: HostFacts, i: 0 | 1 | 2): Maybe<number> => (isNA(facts.loadAverage) ? facts.loadAverage : facts.loadAverage[i]);

/** Host-wide gauges, labelled by {@link HOST_LABELS}. */
export const HOST_GAUGES: readonly GaugeSpec<HostFacts>[] = [
  { name: 'host_uptime', unit: 'Second', help: 'Host uptime (s).', read: (h) => h.uptime },
  { name: 'host_cpu_percent', unit: 'Percentage', help: 'Host CPU percent (%).', read: (h) => h.cpuPercent },
  { name: 'host_virtual_memory_total', unit: 'MiB', help: 'Host virtual memory total (MiB).', read: (h) => mib(h.virtualMemory.total) },
  { name: 'host_virtual_memory_used', unit: 'MiB', help: 'Host virtual memory used (MiB).', read: (h) => mib(h.virtualMemory.used) },
  { name: 'host_virtual_memory_free', unit: 'MiB', help: 'Host virtual memory free (MiB).', read: (h) => mib(h.virtualMemory.free) },
  { name: 'host_virtual_memory_percent', unit: 'Percentage', help: 'Host virtual memory percent (%).', read: (h) => h.virtualMemory.percent },
  { name: 'host_swap_memory_total', unit: 'MiB', help: 'Host swap total (MiB).', read: (h) => mib(h.swapMemory.total) },
  { name: 'host_swap_memory_used', unit: 'MiB', help: 'Host swap used (MiB).', read: (h) => mib(h.swapMemory.used) },
  { name: 'host_swap_memory_free', unit: 'MiB', help: 'Host swap free (MiB).', read: (h) => mib(h.swapMemory.free) },
  { name: 'host_swap_memory_percent', unit: 'Percentage', help: 'Host swap percent (%).', read: (h) => h.swapMemory.percent },
  { name: 'host_load_average_1m', unit: 'Percentage', help: 'Host load average for the last minute.', read: (h) => load(h, 0) },
  { name: 'host_load_average_5m', unit: 'Percentage', help: 'Host load average for the last 5 minutes.', read: (h) => load(h, 1) },
  { name: 'host_load_average_15m', unit: 'Percentage', help: 'Host load average for the last 15 minutes.', read: (h) => load(h, 2) },
];

/** Per-interface gauges (cumulative counters since boot), labelled by {@link NET_LABELS}. */
export const NET_GAUGES: readonly GaugeSpec<NetIoCounters>[] = [
  { name: 'host_net_io_tx_data', unit: 'MiB', help: 'Host network I/O transmitted data (MiB).', read: (c) => mib(c.bytesSent) },
  { name: 'host_net_io_rx_data', unit: 'MiB', help: 'Host network I/O received data (MiB).', read: (c) => mib(c.bytesRecv) },
  { name: 'host_net_io_tx_packets', unit: 'Packet', help: 'Host network I/O transmitted packets.', read: (c) => c.packetsSent },
  { name: 'host_net_io_rx_packets', unit: 'Packet', help: 'Host network I/O received packets.', read: (c) => c.packetsRecv },
];

/** Per-disk gauges (cumulative since boot), labelled by {@link DISK_IO_LABELS}. */
export const DISK_IO_GAUGES: readonly GaugeSpec<DiskIoCounters>[] = [
  { name: 'host_disk_io_read_data', unit: 'MiB', help: 'Host disk I/O read data (MiB).', read: (c) => mib(c.readBytes) },
  { name: 'host_disk_io_write_data', unit: 'MiB', help: 'Host disk I/O write data (MiB).', read: (c) => mib(c.writeBytes) },
];

/** Per-mount-point gauges, labelled by {@link DISK_USAGE_LABELS}. */
export const DISK_USAGE_GAUGES: readonly GaugeSpec<DiskUsage>[] = [
  { name: 'host_disk_usage_total', unit: 'MiB', help: 'Host disk usage total (MiB).', read: (u) => mib(u.total) },
  { name: 'host_disk_usage_used', unit: 'MiB', help: 'Host disk usage used (MiB).', read: (u) => mib(u.used) },
  { name: 'host_disk_usage_free', unit: 'MiB', help: 'Host disk usage free (MiB).', read: (u) => mib(u.free) },
  { name: 'host_disk_usage_percent', unit: 'Percentage', help: 'Host disk usage percent (%).', read: (u) => u.percent },
];

/** How each unit of the device field table is exported: the name's unit suffix and the divisor. */
const EXPORTED_UNITS: Readonly<Partial<Record<NonNullable<FieldUnit>, readonly [MetricUnit, number]>>> = {
  bytes: ['MiB', MiB],
  percent: ['Percentage', 1],
  MHz: ['MHz', 1],
  mW: ['W', 1000],
  celsius: ['C', 1],
  'KiB/s': ['MiBps', 1024],
};

/** A per-device gauge of a device field: the field it reads (unit and scaling from the field table). */
export interface DeviceGaugeSpec<F extends DeviceFieldKey = DeviceFieldKey> extends GaugeSpec<DeviceFacts> {
  /** The device field read. */
  readonly field: F;
}

/**
 * A gauge of device field `field`, named `<name>_<unit>` with the unit of the field table (bytes
 * as MiB, milliwatts as W, KiB/s as MiBps); `pick` takes one number from a record field
 * (`clockInfos`).
 */
function fieldGauge<F extends DeviceFieldKey>(
  field: F,
  name: string,
  help: string,
  pick: (value: DeviceSnapshot[F]) => Maybe<number> = (value) => value as Maybe<number>,
): DeviceGaugeSpec<F> {
  const unit = DEVICE_FIELDS[field].unit;
  const exported = unit === null ? undefined : EXPORTED_UNITS[unit];
  if (exported === undefined) throw new Error(`internal: device field ${field} has no exported unit`);
  const [suffix, divisor] = exported;
  return {
    field,
    name,
    unit: suffix,
    help,
    read: (facts) => {
      const value = pick((facts as unknown as Pick<DeviceSnapshot, F>)[field]);
      return isNA(value) || divisor === 1 ? value : value / divisor;
    },
  };
}

/** Per-device gauges of device fields, labelled by {@link DEVICE_LABELS}, in nvitop-exporter's order. */
export const DEVICE_FIELD_GAUGES = [
  fieldGauge('gpuUtilization', 'gpu_utilization', 'GPU utilization (%).'),
  fieldGauge('memoryUtilization', 'gpu_memory_utilization', 'GPU memory utilization (%).'),
  fieldGauge('encoderUtilization', 'gpu_encoder_utilization', 'GPU encoder utilization (%).'),
  fieldGauge('decoderUtilization', 'gpu_decoder_utilization', 'GPU decoder utilization (%).'),
  fieldGauge('memoryTotal', 'gpu_memory_total', 'GPU memory total (MiB).'),
  fieldGauge('memoryUsed', 'gpu_memory_used', 'GPU memory used (MiB).'),
  fieldGauge('memoryFree', 'gpu_memory_free', 'GPU memory free (MiB).'),
  fieldGauge('memoryPercent', 'gpu_memory_percent', 'GPU memory percent (%).'),
  fieldGauge('smClock', 'gpu_clock_sm', 'GPU SM clock (MHz).'),
  fieldGauge('memoryClock', 'gpu_clock_memory', 'GPU memory clock (MHz).'),
  fieldGauge('clockInfos', 'gpu_clock_graphics', 'GPU graphics clock (MHz).', (clocks) => clocks.graphics),
  fieldGauge('clockInfos', 'gpu_clock_video', 'GPU video clock (MHz).', (clocks) => clocks.video),
  fieldGauge('powerUsage', 'gpu_power_usage', 'GPU power usage (W).'),
  fieldGauge('powerLimit', 'gpu_power_limit', 'GPU power limit (W).'),
  fieldGauge('temperature', 'gpu_temperature', 'GPU temperature (C).'),
  fieldGauge('fanSpeed', 'gpu_fan_speed', 'GPU fan speed (%).'),
  fieldGauge('pcieTxThroughput', 'gpu_pcie_tx_throughput', 'GPU PCIe transmit throughput (MiB/s).'),
  fieldGauge('pcieRxThroughput', 'gpu_pcie_rx_throughput', 'GPU PCIe receive throughput (MiB/s).'),
] as const;

/** The device fields the exporter reads: those its gauges name, each once. */
export type ExportedDeviceField = (typeof DEVICE_FIELD_GAUGES)[number]['field'];

/** The device fields the exporter reads, each once (one constant list: `device.read()` prepares it once). */
export const EXPORTED_DEVICE_FIELDS: readonly ExportedDeviceField[] = [...new Set(DEVICE_FIELD_GAUGES.map((gauge) => gauge.field))];

/**
 * The device facts one collection reads (raw units: bytes, mW, KiB/s), source of
 * `DEVICE_GAUGES`: the exported device fields and the NVLink throughput.
 */
export interface DeviceFacts extends Pick<DeviceSnapshot, ExportedDeviceField> {
  /** NVLink throughput summed over links, KiB/s. */
  readonly nvlinkTotal: ThroughputInfo;
  /** NVLink throughput averaged over links, KiB/s. */
  readonly nvlinkMean: ThroughputInfo;
}

/** Per-device gauges, labelled by {@link DEVICE_LABELS}: the device fields', then NVLink's. */
export const DEVICE_GAUGES: readonly GaugeSpec<DeviceFacts>[] = [
  ...DEVICE_FIELD_GAUGES,
  { name: 'gpu_nvlink_total_tx_throughput', unit: 'MiBps', help: 'GPU total NVLink transmit throughput (MiB/s).', read: (d) => per1024(d.nvlinkTotal.tx) },
  { name: 'gpu_nvlink_total_rx_throughput', unit: 'MiBps', help: 'GPU total NVLink receive throughput (MiB/s).', read: (d) => per1024(d.nvlinkTotal.rx) },
  { name: 'gpu_nvlink_mean_tx_throughput', unit: 'MiBps', help: 'GPU mean NVLink transmit throughput (MiB/s).', read: (d) => per1024(d.nvlinkMean.tx) },
  { name: 'gpu_nvlink_mean_rx_throughput', unit: 'MiBps', help: 'GPU mean NVLink receive throughput (MiB/s).', read: (d) => per1024(d.nvlinkMean.rx) },
];

/** One NVLink's throughput in KiB/s. */
export interface LinkFacts {
  /** Transmitted KiB/s. */
  readonly tx: Maybe<number>;
  /** Received KiB/s. */
  readonly rx: Maybe<number>;
}

/** Per-link gauges, labelled by {@link LINK_LABELS}. */
export const LINK_GAUGES: readonly GaugeSpec<LinkFacts>[] = [
  { name: 'gpu_nvlink_tx_throughput', unit: 'MiBps', help: 'GPU NVLink transmit throughput (MiB/s).', read: (l) => per1024(l.tx) },
  { name: 'gpu_nvlink_rx_throughput', unit: 'MiBps', help: 'GPU NVLink receive throughput (MiB/s).', read: (l) => per1024(l.rx) },
];

/**
 * The process facts one collection reads (a subset of `GpuProcessSnapshot`, raw units), the
 * source of `PROCESS_GAUGES` and of `process_info_info`.
 */
export interface ProcessFacts {
  /** Process id. */
  readonly pid: number;
  /** Owner's user name. */
  readonly username: Maybe<string>;
  /** `running`, `sleeping`, …, `terminated`. */
  readonly status: Maybe<string>;
  /** Shell-quoted command line. */
  readonly command: string;
  /** Seconds since the process started. */
  readonly runningTime: Maybe<number>;
  /** CPU percent of one core. */
  readonly cpuPercent: Maybe<number>;
  /** Resident memory in bytes. */
  readonly hostMemory: Maybe<number>;
  /** Resident memory in percent of the host's. */
  readonly memoryPercent: Maybe<number>;
  /** GPU memory in bytes. */
  readonly gpuMemory: Maybe<number>;
  /** SM utilization in percent. */
  readonly gpuSmUtilization: Maybe<number>;
  /** Memory bandwidth utilization in percent. */
  readonly gpuMemoryUtilization: Maybe<number>;
  /** Encoder utilization in percent. */
  readonly gpuEncoderUtilization: Maybe<number>;
  /** Decoder utilization in percent. */
  readonly gpuDecoderUtilization: Maybe<number>;
  /** Pod name, namespace and container name (`''` when not known), with `--kubernetes`. */
  readonly workload?: { readonly pod: string; readonly namespace: string; readonly container: string };
}

/** Per-process gauges, labelled by {@link PROCESS_LABELS}. */
export const PROCESS_GAUGES: readonly GaugeSpec<ProcessFacts>[] = [
  { name: 'process_running_time', unit: 'Second', help: 'Process running time (s).', read: (p) => p.runningTime },
  { name: 'process_cpu_percent', unit: 'Percentage', help: 'Process CPU percent (%).', read: (p) => p.cpuPercent },
  { name: 'process_rss_memory', unit: 'MiB', help: 'Process memory resident set size (MiB).', read: (p) => mib(p.hostMemory) },
  { name: 'process_memory_percent', unit: 'Percentage', help: 'Process memory percent (%).', read: (p) => p.memoryPercent },
  { name: 'process_gpu_memory', unit: 'MiB', help: 'Process GPU memory (MiB).', read: (p) => mib(p.gpuMemory) },
  { name: 'process_gpu_sm_utilization', unit: 'Percentage', help: 'Process GPU SM utilization (%).', read: (p) => p.gpuSmUtilization },
  { name: 'process_gpu_memory_utilization', unit: 'Percentage', help: 'Process GPU memory utilization (%).', read: (p) => p.gpuMemoryUtilization },
  { name: 'process_gpu_encoder_utilization', unit: 'Percentage', help: 'Process GPU encoder utilization (%).', read: (p) => p.gpuEncoderUtilization },
  { name: 'process_gpu_decoder_utilization', unit: 'Percentage', help: 'Process GPU decoder utilization (%).', read: (p) => p.gpuDecoderUtilization },
];

/**
 * Every metric name the exporter exposes for GPUs and the host (not the exporter's own process
 * metrics), sorted: what a dashboard may query.
 *
 * @example
 * ```ts
 * exportedMetricNames().includes('gpu_utilization_Percentage'); // true
 * ```
 */
export function exportedMetricNames(): string[] {
  const gauges = [...HOST_GAUGES, ...NET_GAUGES, ...DISK_IO_GAUGES, ...DISK_USAGE_GAUGES, ...DEVICE_GAUGES, ...LINK_GAUGES, ...PROCESS_GAUGES];
  return [NVITOP_INFO.name, PROCESS_INFO.name, ...gauges.map((spec) => exposedName(spec))].sort();
}
