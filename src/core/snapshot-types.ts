/**
 * The data shapes of snapshots: plain, JSON-serialisable records of what a device, a GPU
 * process and the host looked like at one moment. The once-mode table, the monitor, `--json`,
 * the collector, the selector and the exporter are all views of these records.
 *
 * Values that are not available are {@link NA} (serialised as `null` in JSON).
 *
 * @module
 */
import type { ProcessContainer } from './containers/resolve.js';
import type { Maybe } from './na.js';

/** Device memory in bytes (`reserved` only from `nvmlDeviceGetMemoryInfo_v2`). */
export interface MemoryInfo {
  /** Total memory in bytes. */
  readonly total: Maybe<number>;
  /** Free memory in bytes. */
  readonly free: Maybe<number>;
  /** Used memory in bytes. */
  readonly used: Maybe<number>;
  /** Memory reserved by the driver, in bytes (NA when the driver only has the v1 call). */
  readonly reserved: Maybe<number>;
}

/** BAR1 memory in bytes. */
export interface Bar1MemoryInfo {
  /** Total BAR1 memory in bytes. */
  readonly total: Maybe<number>;
  /** Free BAR1 memory in bytes. */
  readonly free: Maybe<number>;
  /** Used BAR1 memory in bytes. */
  readonly used: Maybe<number>;
}

/** Utilization rates in percent. */
export interface UtilizationRates {
  /** Percent of time a kernel ran on the GPU (SM activity). */
  readonly gpu: Maybe<number>;
  /** Percent of time device memory was read or written (memory bandwidth). */
  readonly memory: Maybe<number>;
  /** Video encoder utilization in percent. */
  readonly encoder: Maybe<number>;
  /** Video decoder utilization in percent. */
  readonly decoder: Maybe<number>;
}

/** Clock frequencies in MHz. */
export interface ClockInfos {
  /** Graphics clock in MHz. */
  readonly graphics: Maybe<number>;
  /** SM clock in MHz. */
  readonly sm: Maybe<number>;
  /** Memory clock in MHz. */
  readonly memory: Maybe<number>;
  /** Video clock in MHz. */
  readonly video: Maybe<number>;
}

/** Current and maximum clocks in MHz. */
export interface ClockSpeedInfos {
  /** Current clocks. */
  readonly current: ClockInfos;
  /** Maximum clocks. */
  readonly max: ClockInfos;
}

/** A throughput pair in KiB/s. */
export interface ThroughputInfo {
  /** Transmitted KiB/s. */
  readonly tx: Maybe<number>;
  /** Received KiB/s. */
  readonly rx: Maybe<number>;
}

/**
 * Volatile ECC error counts (since the driver loaded).
 *
 * @example
 * ```ts
 * const { corrected, uncorrected }: EccErrorCounts = Device.fromIndex(0).counters().eccErrors;
 * ```
 */
export interface EccErrorCounts {
  /** Corrected (single-bit) errors. */
  readonly corrected: Maybe<number>;
  /** Uncorrected (double-bit) errors. */
  readonly uncorrected: Maybe<number>;
}

/**
 * Cumulative bytes in each direction.
 *
 * @example
 * ```ts
 * const { tx, rx }: ByteCounters = Device.fromIndex(0).counters().pcieBytes;
 * ```
 */
export interface ByteCounters {
  /** Bytes sent by the GPU. */
  readonly tx: Maybe<number>;
  /** Bytes received by the GPU. */
  readonly rx: Maybe<number>;
}

/**
 * A GPU's cumulative counters, all read by one NVML call ({@link Device.counters}): totals since
 * the driver was loaded, which only grow (a driver reload starts them again). NA where the GPU or
 * the driver does not count (PCIe bytes need driver R555 or later; energy a Volta or later GPU;
 * ECC a GPU with ECC on; NVLink bytes a GPU with NVLink), and always on MIG devices.
 *
 * @example
 * ```ts
 * const { energyConsumption, pcieBytes } = Device.fromIndex(0).counters();
 * ```
 */
export interface DeviceCounters {
  /** Energy consumed, in millijoules. */
  readonly energyConsumption: Maybe<number>;
  /** Volatile ECC error counts: corrected (single-bit) and uncorrected (double-bit). */
  readonly eccErrors: EccErrorCounts;
  /** Bytes sent (`tx`) and received (`rx`) over PCIe. */
  readonly pcieBytes: ByteCounters;
  /** Data bytes sent and received over all NVLink links together. */
  readonly nvlinkBytes: ByteCounters;
  /** Whether the driver reports the GPU lost (fallen off the bus), or its handle could not be had. */
  readonly gpuLost: boolean;
}

/** What kind of device a snapshot describes. */
export type DeviceKind = 'physical' | 'mig' | 'cuda' | 'cuda-mig';

export type { DeviceSnapshot } from './device/fields.js';

/** The type of a GPU process: compute, graphics, or both. */
export type GpuProcessType = 'C' | 'G' | 'C+G';

/** Everything about one GPU process on one device at one moment. */
export interface GpuProcessSnapshot {
  /** Process id (as NVML reports it: a host PID). */
  readonly pid: number;
  /** Display index of the device (`'0'` or `'0:1'`). */
  readonly deviceIndex: string;
  /** Physical index of the device. */
  readonly devicePhysicalIndex: number;
  /** UUID of the device. */
  readonly deviceUuid: Maybe<string>;
  /** Whether the process was running when the snapshot was taken. */
  readonly isRunning: boolean;
  /** Process status (`'running'`, `'sleeping'`, `'zombie'`, `'terminated'`, …). */
  readonly status: Maybe<string>;
  /** Owner's user name. */
  readonly username: Maybe<string>;
  /** Executable name. */
  readonly name: Maybe<string>;
  /** Command line arguments (or `['No Such Process']`, `['No Permissions']`, `['Zombie Process']`). */
  readonly cmdline: readonly string[];
  /** The command line, shell-quoted. */
  readonly command: string;
  /** CPU utilization in percent of one core. */
  readonly cpuPercent: Maybe<number>;
  /** Host memory (RSS) in percent of total host memory. */
  readonly memoryPercent: Maybe<number>;
  /** Host memory (RSS) in bytes. */
  readonly hostMemory: Maybe<number>;
  /** Host memory, human. */
  readonly hostMemoryHuman: Maybe<string>;
  /** Seconds since the process started. */
  readonly runningTime: Maybe<number>;
  /** Running time, human (`'1:02:03'`). */
  readonly runningTimeHuman: Maybe<string>;
  /** Process creation time in seconds since the Unix epoch. */
  readonly createTime: Maybe<number>;
  /** `C`, `G`, `C+G`, or NA. */
  readonly type: Maybe<GpuProcessType>;
  /** MIG GPU instance id (NA when not MIG). */
  readonly gpuInstanceId: Maybe<number>;
  /** MIG compute instance id (NA when not MIG). */
  readonly computeInstanceId: Maybe<number>;
  /** GPU memory used by the process in bytes. */
  readonly gpuMemory: Maybe<number>;
  /** GPU memory, human. */
  readonly gpuMemoryHuman: Maybe<string>;
  /** GPU memory in percent of the device's total, one decimal. */
  readonly gpuMemoryPercent: Maybe<number>;
  /** SM utilization of this process in percent. */
  readonly gpuSmUtilization: Maybe<number>;
  /** Memory bandwidth utilization of this process in percent. */
  readonly gpuMemoryUtilization: Maybe<number>;
  /** Encoder utilization of this process in percent. */
  readonly gpuEncoderUtilization: Maybe<number>;
  /** Decoder utilization of this process in percent. */
  readonly gpuDecoderUtilization: Maybe<number>;
  /**
   * True when NVML listed the PID but it is not visible in this PID namespace (a container
   * without `--pid=host`): the host facts are NA for that reason, not because it exited.
   */
  readonly hostInfoHidden: boolean;
  /**
   * The container, Kubernetes pod or Slurm job the process runs in: NA unless the snapshot was
   * taken with `containers` (`GpuProcess.takeSnapshots(…, { containers: true })`), or when the
   * process's cgroup cannot be read.
   */
  readonly container: Maybe<ProcessContainer>;
  /** Milliseconds since the Unix epoch when the snapshot was taken. */
  readonly timestamp: number;
}

/** Host memory figures in bytes (as the kernel reports them). */
export interface VirtualMemoryInfo {
  /** Total physical memory. */
  readonly total: number;
  /** Memory available for new work without swapping (`MemAvailable`). */
  readonly available: number;
  /** Used memory (`total - free - buffers - cached`, as psutil). */
  readonly used: number;
  /** Free memory. */
  readonly free: number;
  /** `(total - available) / total` in percent, one decimal. */
  readonly percent: number;
}

/** Swap figures in bytes. */
export interface SwapMemoryInfo {
  /** Total swap. */
  readonly total: number;
  /** Used swap. */
  readonly used: number;
  /** Free swap. */
  readonly free: number;
  /** Used / total in percent, one decimal (0 without swap). */
  readonly percent: number;
}

/** Host facts at one moment. */
export interface HostSnapshot {
  /** Host name. */
  readonly hostname: string;
  /** Current user name. */
  readonly username: string;
  /** CPU utilization in percent over all cores. */
  readonly cpuPercent: number;
  /** Logical CPU count. */
  readonly cpuCount: number;
  /** Host memory. */
  readonly virtualMemory: VirtualMemoryInfo;
  /** Swap. */
  readonly swapMemory: SwapMemoryInfo;
  /** 1, 5 and 15 minute load averages (NA where the OS has none). */
  readonly loadAverage: Maybe<readonly [number, number, number]>;
  /** Seconds since boot. */
  readonly uptime: Maybe<number>;
  /** Milliseconds since the Unix epoch when the snapshot was taken. */
  readonly timestamp: number;
}
