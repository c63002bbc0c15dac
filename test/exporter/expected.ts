// Independent expectations for nvitop-exporter's metrics, from a fake scenario's JSON and the
// units nvitop-exporter documents (MiB = bytes / 2^20, W = mW / 1000, MiB/s = KiB/s / 1024),
// written without the package's code.
import type { FakeDevice } from '../helpers/fake-nvml.js';

const MiB = 2 ** 20;
const num = (value: number | undefined): number => (value === undefined ? Number.NaN : value);

/** Every family nvitop-exporter exposes (parity checklist §14), with its labels. */
export const HOST_FAMILIES = [
  'host_uptime_Second',
  'host_cpu_percent_Percentage',
  'host_virtual_memory_total_MiB',
  'host_virtual_memory_used_MiB',
  'host_virtual_memory_free_MiB',
  'host_virtual_memory_percent_Percentage',
  'host_swap_memory_total_MiB',
  'host_swap_memory_used_MiB',
  'host_swap_memory_free_MiB',
  'host_swap_memory_percent_Percentage',
  'host_load_average_1m_Percentage',
  'host_load_average_5m_Percentage',
  'host_load_average_15m_Percentage',
];
export const NET_FAMILIES = ['host_net_io_tx_data_MiB', 'host_net_io_rx_data_MiB', 'host_net_io_tx_packets_Packet', 'host_net_io_rx_packets_Packet'];
export const DISK_IO_FAMILIES = ['host_disk_io_read_data_MiB', 'host_disk_io_write_data_MiB'];
export const DISK_USAGE_FAMILIES = ['host_disk_usage_total_MiB', 'host_disk_usage_used_MiB', 'host_disk_usage_free_MiB', 'host_disk_usage_percent_Percentage'];
export const DEVICE_FAMILIES = [
  'gpu_utilization_Percentage',
  'gpu_memory_utilization_Percentage',
  'gpu_encoder_utilization_Percentage',
  'gpu_decoder_utilization_Percentage',
  'gpu_memory_total_MiB',
  'gpu_memory_used_MiB',
  'gpu_memory_free_MiB',
  'gpu_memory_percent_Percentage',
  'gpu_clock_sm_MHz',
  'gpu_clock_memory_MHz',
  'gpu_clock_graphics_MHz',
  'gpu_clock_video_MHz',
  'gpu_power_usage_W',
  'gpu_power_limit_W',
  'gpu_temperature_C',
  'gpu_fan_speed_Percentage',
  'gpu_pcie_tx_throughput_MiBps',
  'gpu_pcie_rx_throughput_MiBps',
  'gpu_nvlink_total_tx_throughput_MiBps',
  'gpu_nvlink_total_rx_throughput_MiBps',
  'gpu_nvlink_mean_tx_throughput_MiBps',
  'gpu_nvlink_mean_rx_throughput_MiBps',
];
export const LINK_FAMILIES = ['gpu_nvlink_tx_throughput_MiBps', 'gpu_nvlink_rx_throughput_MiBps'];
export const PROCESS_FAMILIES = [
  'process_running_time_Second',
  'process_cpu_percent_Percentage',
  'process_rss_memory_MiB',
  'process_memory_percent_Percentage',
  'process_gpu_memory_MiB',
  'process_gpu_sm_utilization_Percentage',
  'process_gpu_memory_utilization_Percentage',
  'process_gpu_encoder_utilization_Percentage',
  'process_gpu_decoder_utilization_Percentage',
];
export const INFO_FAMILIES = ['nvitop_info', 'process_info_info'];
/** Families exported only with `--kubernetes` (`kubernetes: true`). */
export const KUBERNETES_FAMILIES = ['gpu_allocation_info'];

export const ALL_FAMILIES = [
  ...INFO_FAMILIES,
  ...HOST_FAMILIES,
  ...NET_FAMILIES,
  ...DISK_IO_FAMILIES,
  ...DISK_USAGE_FAMILIES,
  ...DEVICE_FAMILIES,
  ...LINK_FAMILIES,
  ...PROCESS_FAMILIES,
];

export const LABELS: Record<string, readonly string[]> = {
  nvitop_info: ['hostname', 'device_count', 'driver_version', 'cuda_driver_version'],
  process_info_info: ['hostname', 'index', 'devicename', 'uuid', 'pid', 'username', 'status', 'command'],
  ...Object.fromEntries(HOST_FAMILIES.map((f) => [f, ['hostname']])),
  ...Object.fromEntries(NET_FAMILIES.map((f) => [f, ['hostname', 'interface']])),
  ...Object.fromEntries(DISK_IO_FAMILIES.map((f) => [f, ['hostname', 'partition']])),
  ...Object.fromEntries(DISK_USAGE_FAMILIES.map((f) => [f, ['hostname', 'mountpoint']])),
  ...Object.fromEntries(DEVICE_FAMILIES.map((f) => [f, ['hostname', 'index', 'devicename', 'uuid']])),
  ...Object.fromEntries(LINK_FAMILIES.map((f) => [f, ['hostname', 'index', 'devicename', 'uuid', 'link']])),
  ...Object.fromEntries(PROCESS_FAMILIES.map((f) => [f, ['hostname', 'index', 'devicename', 'uuid', 'pid', 'username']])),
};

const utilization = (value: number | { utilization: number } | undefined): number =>
  typeof value === 'object' ? value.utilization : num(value);

/**
 * Expected per-device gauge values (NaN where NVML answers NOT_SUPPORTED). NVLink families are
 * left out (rates are measured over time; see {@link expectedNvlinkRates}). `lost` = every
 * query fails.
 */
export function expectedDeviceValues(device: FakeDevice, options: { lost?: boolean; v1Memory?: boolean } = {}): Record<string, number> {
  if (options.lost) return Object.fromEntries(DEVICE_FAMILIES.map((f) => [f, Number.NaN]));
  const migOn = (typeof device.migMode === 'object' ? device.migMode.current : device.migMode) === 1;
  const total = device.memory?.total;
  const reserved = device.memory?.reserved ?? 0;
  const used = device.memory?.used === undefined ? undefined : device.memory.used + (options.v1Memory ? reserved : 0);
  const free = total === undefined || device.memory?.used === undefined ? undefined : total - reserved - device.memory.used;
  const values: Record<string, number> = {
    gpu_utilization_Percentage: migOn ? Number.NaN : num(device.utilization?.gpu),
    gpu_memory_utilization_Percentage: migOn ? Number.NaN : num(device.utilization?.memory),
    gpu_encoder_utilization_Percentage: migOn ? Number.NaN : utilization(device.encoder),
    gpu_decoder_utilization_Percentage: migOn ? Number.NaN : utilization(device.decoder),
    gpu_memory_total_MiB: num(total) / MiB,
    gpu_memory_used_MiB: num(used) / MiB,
    gpu_memory_free_MiB: num(free) / MiB,
    // nvitop: round(100 * used / total, 1)
    gpu_memory_percent_Percentage: total === undefined || used === undefined ? Number.NaN : Math.round((1000 * used) / total) / 10,
    gpu_clock_sm_MHz: num(device.clocks?.sm),
    gpu_clock_memory_MHz: num(device.clocks?.memory),
    gpu_clock_graphics_MHz: num(device.clocks?.graphics),
    gpu_clock_video_MHz: num(device.clocks?.video),
    gpu_power_usage_W: num(device.powerUsage) / 1000,
    gpu_power_limit_W: num(device.powerLimit) / 1000,
    gpu_temperature_C: num(device.temperature),
    gpu_fan_speed_Percentage: num(device.fanSpeed),
    gpu_pcie_tx_throughput_MiBps: num(device.pcie?.tx) / 1024,
    gpu_pcie_rx_throughput_MiBps: num(device.pcie?.rx) / 1024,
  };
  return values;
}

/** Per-link NVLink rates in MiB/s the fake's counters grow at, or undefined without NVLink. */
export function expectedNvlinkRates(device: FakeDevice): { links: number; tx: number[]; rx: number[] } | undefined {
  const nvlink = (device as { nvlink?: { linkCount: number; txRateKiBps: number | number[]; rxRateKiBps: number | number[] } }).nvlink;
  if (nvlink === undefined) return undefined;
  const perLink = (rate: number | number[]) => Array.from({ length: nvlink.linkCount }, (_, i) => (Array.isArray(rate) ? (rate[i] ?? 0) : rate) / 1024);
  return { links: nvlink.linkCount, tx: perLink(nvlink.txRateKiBps), rx: perLink(nvlink.rxRateKiBps) };
}

/** `x == y`, with NaN equal to NaN. */
export function same(x: number | undefined, y: number): boolean {
  return x !== undefined && (Number.isNaN(y) ? Number.isNaN(x) : x === y);
}
