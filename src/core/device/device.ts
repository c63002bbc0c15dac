/**
 * The Device family: `PhysicalDevice`, `MigDevice`, `CudaDevice`, `CudaMigDevice`.
 *
 * Every query returns its value or {@link NA} when NVML cannot give it (not supported, no
 * permission, GPU lost, a function the driver lacks): one failed query never breaks the others.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, isNA, type Maybe } from '../na.js';
import { bytes2human } from '../units.js';
import { QueryMemo } from '../cache.js';
import { CudaError, InvalidInputError } from '../errors.js';
import type {
  Bar1MemoryInfo,
  ClockInfos,
  ClockSpeedInfos,
  DeviceCounters,
  DeviceKind,
  DeviceSnapshot,
  MemoryInfo,
  ThroughputInfo,
  UtilizationRates,
} from '../snapshot-types.js';
import { cudaRuntimeVersion } from '../native/cudart.js';
import { visibleIndices, type NvmlIndex } from './cuda-visible-devices.js';
import { normalizeBusId, uuidMatches } from './lookup.js';
import { nvmlQuery } from './nvml-query.js';
import { NvlinkMeter, meanThroughput, sumThroughput } from './nvlink.js';
import { naCounters, readDeviceCounters } from './counters.js';
import { collectProcesses, processListsAnsweredFor, type GpuProcessMap } from './processes.js';
import { powerStatusOf, throughputHuman, type SnapshotGroup, type SnapshotOptions } from './snapshot-options.js';
import { NA_CLOCKS, enabled, hostMemoryInfo, percentOf } from './values.js';

export { nvmlQuery } from './nvml-query.js';
export { normalizeBusId, uuidMatches } from './lookup.js';
export type { GpuProcessMap } from './processes.js';
export type { SnapshotGroup, SnapshotOptions } from './snapshot-options.js';

/**
 * A GPU or MIG device. Get one from the static factories (`Device.all()`, `Device.fromIndex(0)`,
 * `Device.fromUuid('GPU-…')`, `Device.cuda.all()`, …).
 *
 * @example
 * ```ts
 * import { Device } from 'nvitop-node';
 * for (const device of Device.all()) {
 *   console.log(device.index, device.name(), device.memoryUsedHuman(), device.gpuUtilization());
 * }
 * ```
 */
export abstract class Device {
  /** The NVML handle, or null when it could not be obtained (a lost GPU). @internal */
  readonly handle: N.NvmlDeviceHandle | null;
  /** Why the handle is null: `'ERROR: GPU is Lost'` or `'ERROR: Unknown'`. @internal */
  protected readonly handleError: string | null;
  /** @internal */
  protected readonly memo = new QueryMemo();
  private readonly nvlink = new NvlinkMeter();

  /** @internal */
  protected constructor(handle: N.NvmlDeviceHandle | null, handleError: string | null) {
    this.handle = handle;
    this.handleError = handleError;
  }

  // ------------------------------------------------------------------ static: system and lookup

  /** Whether NVML loads and initialises on this machine. */
  static isAvailable(): boolean {
    try {
      N.nvmlInit();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The driver version, e.g. `'560.35.03'` (NA when NVML fails after loading).
   *
   * @throws {@link NvmlLibraryNotFoundError} when NVML cannot be loaded.
   */
  static driverVersion(): Maybe<string> {
    N.nvmlInit();
    return nvmlQuery(() => N.systemGetDriverVersion());
  }

  /** The highest CUDA version the driver supports, e.g. `'12.6'`. */
  static cudaDriverVersion(): Maybe<string> {
    N.nvmlInit();
    const version = nvmlQuery(() => N.systemGetCudaDriverVersion());
    if (isNA(version) || version <= 0) return NA;
    const major = Math.floor(version / 1000);
    const minor = Math.floor((version % 1000) / 10);
    const revision = version % 10;
    return revision === 0 ? `${major}.${minor}` : `${major}.${minor}.${revision}`;
  }

  /** The CUDA runtime version (`'12.4'`) from libcudart, NA when no CUDA runtime is installed. */
  static cudaRuntimeVersion(): Maybe<string> {
    return cudaRuntimeVersion();
  }

  /** Alias of {@link Device.cudaRuntimeVersion}. */
  static cudartVersion(): Maybe<string> {
    return cudaRuntimeVersion();
  }

  /** Alias of {@link Device.cudaDriverVersion}. */
  static maxCudaVersion(): Maybe<string> {
    return Device.cudaDriverVersion();
  }

  /**
   * The number of physical GPUs.
   *
   * @throws {@link NvmlLibraryNotFoundError} when NVML cannot be loaded, {@link NvmlError} when it
   *   cannot be initialised.
   */
  static count(): number {
    N.nvmlInit();
    return N.deviceGetCount();
  }

  /**
   * All physical GPUs, in NVML order.
   *
   * @example
   * ```ts
   * const devices = Device.all();
   * ```
   */
  static all(): Device[] {
    return physicalDevices();
  }

  /** @internal */
  static physicalDevices(): PhysicalDevice[] {
    const count = Device.count();
    return Array.from({ length: count }, (_, index) => PhysicalDevice.fromIndex(index, count));
  }

  /** The physical GPU at NVML `index`, or the MIG device at `[parent, mig]`. */
  static fromIndex(index: number | readonly [number, number]): PhysicalDevice | MigDevice {
    if (typeof index === 'number') return PhysicalDevice.fromIndex(index);
    return MigDevice.fromIndex(index[0], index[1]);
  }

  /** The devices at these NVML indices (all physical GPUs when omitted). */
  static fromIndices(indices?: Iterable<number | readonly [number, number]>): Device[] {
    if (indices === undefined) return physicalDevices();
    return [...indices].map((index) => Device.fromIndex(index));
  }

  /**
   * The GPU or MIG device whose UUID is `uuid` or starts with it (`'GPU-18ef14e9'`); the
   * `GPU-`/`MIG-` prefix may be omitted for a full UUID.
   *
   * @throws {@link InvalidInputError} when no device or more than one device matches.
   */
  static fromUuid(uuid: string): PhysicalDevice | MigDevice {
    const wanted = uuid.trim();
    const candidates: Array<PhysicalDevice | MigDevice> = [];
    for (const device of physicalDevices()) {
      candidates.push(device);
      candidates.push(...device.migDevices());
    }
    const matches = candidates.filter((device) => uuidMatches(device.uuid(), wanted, device.isMigDevice()));
    if (matches.length === 1) return matches[0] as PhysicalDevice | MigDevice;
    const exact = matches.filter((device) => device.uuid() === wanted);
    if (exact.length === 1) return exact[0] as PhysicalDevice | MigDevice;
    throw new InvalidInputError('device UUID', uuid, matches.length === 0 ? 'the UUID (or a unique prefix) of a device on this machine' : 'a prefix that matches exactly one device');
  }

  /** The physical GPU at this PCI bus id (`'00000000:01:00.0'`, or the short `'01:00.0'`). */
  static fromBusId(busId: string): PhysicalDevice {
    const normalized = normalizeBusId(busId);
    const match = physicalDevices().find((device) => device.busId() === normalized);
    if (match === undefined) throw new InvalidInputError('PCI bus id', busId, 'the bus id of a GPU on this machine, e.g. 00000000:01:00.0');
    return match;
  }

  // ------------------------------------------------------------------ identity

  /** NVML index: a number, or `[parent, mig]` for a MIG device. */
  abstract get index(): number | readonly [number, number];
  /** Alias of {@link Device.index}. */
  get nvmlIndex(): number | readonly [number, number] {
    return this.index;
  }
  /** Index of the physical GPU (the parent's for a MIG device). */
  abstract get physicalIndex(): number;
  /** `'3'` or `'3:1'`. */
  get displayIndex(): string {
    const index = this.index;
    return typeof index === 'number' ? `${index}` : `${index[0]}:${index[1]}`;
  }
  /** The kind of device. */
  abstract get kind(): DeviceKind;
  /** Whether this is a MIG device. */
  abstract isMigDevice(): boolean;

  /** @internal */
  protected q<T>(key: string, fn: (handle: N.NvmlDeviceHandle) => T, permanent = false): Maybe<T> {
    const handle = this.handle;
    if (handle === null) return NA;
    return this.memo.get(key, () => nvmlQuery(() => fn(handle)), permanent);
  }

  /** Runs `fn` with this device's query results frozen, so every value comes from one moment. */
  oneshot<T>(fn: () => T): T {
    return this.memo.scope(fn);
  }

  /** Forgets cached dynamic values (the next query asks NVML). */
  clearCache(): void {
    this.memo.clear();
  }

  /** Product name (`'ERROR: GPU is Lost'` when the GPU could not be reached). */
  name(): Maybe<string> {
    if (this.handleError !== null) return this.handleError;
    return this.q('name', (h) => N.deviceGetName(h), true);
  }

  /**
   * Whether the GPU is lost: its handle could not be obtained, or NVML answers `GPU_IS_LOST`
   * (it fell off the bus). Asks NVML each time (one cheap query), never from the cache.
   *
   * @example
   * ```ts
   * Device.all().filter((device) => !device.isLost());
   * ```
   */
  isLost(): boolean {
    const handle = this.handle;
    if (handle === null) return true;
    try {
      N.deviceGetMemoryInfo(handle);
      return false;
    } catch (error) {
      return error instanceof N.NvmlGpuIsLostError;
    }
  }

  /** UUID (`GPU-…` / `MIG-…`). */
  uuid(): Maybe<string> {
    return this.q('uuid', (h) => N.deviceGetUuid(h), true);
  }

  /** PCI bus id, `00000000:01:00.0`. */
  busId(): Maybe<string> {
    return this.q('busId', (h) => N.deviceGetPciInfo(h).busId, true);
  }

  /** Board serial number. */
  serial(): Maybe<string> {
    return this.q('serial', (h) => N.deviceGetSerial(h), true);
  }

  // ------------------------------------------------------------------ memory

  /**
   * Memory in bytes. On integrated GPUs that share host memory (NVML NOT_SUPPORTED, or a total
   * of 0) this is the host's memory, as nvitop shows it.
   */
  memoryInfo(): MemoryInfo {
    const info = this.q('memoryInfo', (h) => N.deviceGetMemoryInfo(h));
    if (isNA(info)) {
      if (this.handle !== null && this.unifiedMemory()) return hostMemoryInfo();
      return { total: NA, free: NA, used: NA, reserved: NA };
    }
    if (info.total === 0) return hostMemoryInfo();
    return info;
  }

  private unifiedMemory(): boolean {
    // NOT_SUPPORTED (rather than another error) marks a shared-memory GPU.
    const handle = this.handle;
    if (handle === null) return false;
    try {
      N.deviceGetMemoryInfo(handle);
      return false;
    } catch (error) {
      return error instanceof N.NvmlNotSupportedError;
    }
  }

  /** Total memory in bytes. */
  memoryTotal(): Maybe<number> {
    return this.memoryInfo().total;
  }
  /** Used memory in bytes. */
  memoryUsed(): Maybe<number> {
    return this.memoryInfo().used;
  }
  /** Free memory in bytes. */
  memoryFree(): Maybe<number> {
    return this.memoryInfo().free;
  }
  /** Driver-reserved memory in bytes (NA before R510). */
  memoryReserved(): Maybe<number> {
    return this.memoryInfo().reserved;
  }
  /** Total memory, human (`'24564MiB'`). */
  memoryTotalHuman(): Maybe<string> {
    return bytes2human(this.memoryTotal());
  }
  /** Used memory, human. */
  memoryUsedHuman(): Maybe<string> {
    return bytes2human(this.memoryUsed());
  }
  /** Free memory, human. */
  memoryFreeHuman(): Maybe<string> {
    return bytes2human(this.memoryFree());
  }
  /** Used / total in percent, one decimal. */
  memoryPercent(): Maybe<number> {
    const info = this.memoryInfo();
    return percentOf(info.used, info.total);
  }
  /** `'used / total'`, human. */
  memoryUsage(): string {
    return `${this.memoryUsedHuman()} / ${this.memoryTotalHuman()}`;
  }

  /** BAR1 memory in bytes. */
  bar1MemoryInfo(): Bar1MemoryInfo {
    const info = this.q('bar1', (h) => N.deviceGetBar1MemoryInfo(h));
    return isNA(info) ? { total: NA, free: NA, used: NA } : info;
  }
  /** Total BAR1 memory in bytes. */
  bar1MemoryTotal(): Maybe<number> {
    return this.bar1MemoryInfo().total;
  }
  /** Used BAR1 memory in bytes. */
  bar1MemoryUsed(): Maybe<number> {
    return this.bar1MemoryInfo().used;
  }
  /** Free BAR1 memory in bytes. */
  bar1MemoryFree(): Maybe<number> {
    return this.bar1MemoryInfo().free;
  }
  /** Total BAR1 memory, human. */
  bar1MemoryTotalHuman(): Maybe<string> {
    return bytes2human(this.bar1MemoryTotal());
  }
  /** Used BAR1 memory, human. */
  bar1MemoryUsedHuman(): Maybe<string> {
    return bytes2human(this.bar1MemoryUsed());
  }
  /** Free BAR1 memory, human. */
  bar1MemoryFreeHuman(): Maybe<string> {
    return bytes2human(this.bar1MemoryFree());
  }
  /** Used / total BAR1 memory in percent, one decimal. */
  bar1MemoryPercent(): Maybe<number> {
    const info = this.bar1MemoryInfo();
    return percentOf(info.used, info.total);
  }
  /** `'used / total'` BAR1 memory, human. */
  bar1MemoryUsage(): string {
    return `${this.bar1MemoryUsedHuman()} / ${this.bar1MemoryTotalHuman()}`;
  }

  // ------------------------------------------------------------------ utilization

  /** GPU, memory, encoder and decoder utilization in percent. */
  utilizationRates(): UtilizationRates {
    const rates = this.q('utilization', (h) => N.deviceGetUtilizationRates(h));
    return {
      gpu: isNA(rates) ? NA : rates.gpu,
      memory: isNA(rates) ? NA : rates.memory,
      encoder: this.encoderUtilization(),
      decoder: this.decoderUtilization(),
    };
  }
  /** GPU (SM activity) utilization in percent. */
  gpuUtilization(): Maybe<number> {
    const rates = this.q('utilization', (h) => N.deviceGetUtilizationRates(h));
    return isNA(rates) ? NA : rates.gpu;
  }
  /** Alias of {@link Device.gpuUtilization}. */
  gpuPercent(): Maybe<number> {
    return this.gpuUtilization();
  }
  /** Memory bandwidth utilization in percent. */
  memoryUtilization(): Maybe<number> {
    const rates = this.q('utilization', (h) => N.deviceGetUtilizationRates(h));
    return isNA(rates) ? NA : rates.memory;
  }
  /** Encoder utilization in percent. */
  encoderUtilization(): Maybe<number> {
    return this.q('encoder', (h) => N.deviceGetEncoderUtilization(h));
  }
  /** Decoder utilization in percent. */
  decoderUtilization(): Maybe<number> {
    return this.q('decoder', (h) => N.deviceGetDecoderUtilization(h));
  }

  // ------------------------------------------------------------------ clocks

  /** Current clocks in MHz. */
  clockInfos(): ClockInfos {
    return {
      graphics: this.q('clock0', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_GRAPHICS)),
      sm: this.q('clock1', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_SM)),
      memory: this.q('clock2', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_MEM)),
      video: this.q('clock3', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_VIDEO)),
    };
  }
  /** Alias of {@link Device.clockInfos}. */
  clocks(): ClockInfos {
    return this.clockInfos();
  }
  /** Maximum clocks in MHz (cached: they do not change). */
  maxClockInfos(): ClockInfos {
    if (this.handle === null) return NA_CLOCKS;
    return {
      graphics: this.q('maxClock0', (h) => N.deviceGetMaxClockInfo(h, N.NVML_CLOCK_GRAPHICS), true),
      sm: this.q('maxClock1', (h) => N.deviceGetMaxClockInfo(h, N.NVML_CLOCK_SM), true),
      memory: this.q('maxClock2', (h) => N.deviceGetMaxClockInfo(h, N.NVML_CLOCK_MEM), true),
      video: this.q('maxClock3', (h) => N.deviceGetMaxClockInfo(h, N.NVML_CLOCK_VIDEO), true),
    };
  }
  /** Alias of {@link Device.maxClockInfos}. */
  maxClocks(): ClockInfos {
    return this.maxClockInfos();
  }
  /** Current and maximum clocks. */
  clockSpeedInfos(): ClockSpeedInfos {
    return { current: this.clockInfos(), max: this.maxClockInfos() };
  }
  /** Current graphics clock in MHz. */
  graphicsClock(): Maybe<number> {
    return this.q('clock0', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_GRAPHICS));
  }
  /** Current SM clock in MHz. */
  smClock(): Maybe<number> {
    return this.q('clock1', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_SM));
  }
  /** Current memory clock in MHz. */
  memoryClock(): Maybe<number> {
    return this.q('clock2', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_MEM));
  }
  /** Current video clock in MHz. */
  videoClock(): Maybe<number> {
    return this.q('clock3', (h) => N.deviceGetClockInfo(h, N.NVML_CLOCK_VIDEO));
  }
  /** Maximum graphics clock in MHz. */
  maxGraphicsClock(): Maybe<number> {
    return this.maxClockInfos().graphics;
  }
  /** Maximum SM clock in MHz. */
  maxSmClock(): Maybe<number> {
    return this.maxClockInfos().sm;
  }
  /** Maximum memory clock in MHz. */
  maxMemoryClock(): Maybe<number> {
    return this.maxClockInfos().memory;
  }
  /** Maximum video clock in MHz. */
  maxVideoClock(): Maybe<number> {
    return this.maxClockInfos().video;
  }

  // ------------------------------------------------------------------ thermal and power

  /** Intended fan speed in percent of the maximum (may exceed 100; NA without a fan). */
  fanSpeed(): Maybe<number> {
    return this.q('fan', (h) => N.deviceGetFanSpeed(h));
  }
  /** GPU temperature in Celsius. */
  temperature(): Maybe<number> {
    return this.q('temperature', (h) => N.deviceGetTemperature(h));
  }
  /** Power draw in milliwatts. */
  powerUsage(): Maybe<number> {
    return this.q('powerUsage', (h) => N.deviceGetPowerUsage(h));
  }
  /** Alias of {@link Device.powerUsage}. */
  powerDraw(): Maybe<number> {
    return this.powerUsage();
  }
  /** Power management limit in milliwatts. */
  powerLimit(): Maybe<number> {
    return this.q('powerLimit', (h) => N.deviceGetPowerManagementLimit(h));
  }
  /** `'66W / 250W'` (rounded watts; `N/A` parts where unknown). */
  powerStatus(): string {
    return powerStatusOf(this.powerUsage(), this.powerLimit());
  }

  // ------------------------------------------------------------------ PCIe and NVLink

  /** PCIe throughput in KiB/s (each read samples over ~20 ms in the driver). */
  pcieThroughput(): ThroughputInfo {
    return { tx: this.pcieTxThroughput(), rx: this.pcieRxThroughput() };
  }
  /** PCIe TX throughput in KiB/s. */
  pcieTxThroughput(): Maybe<number> {
    return this.q('pcieTx', (h) => N.deviceGetPcieThroughput(h, N.NVML_PCIE_UTIL_TX_BYTES));
  }
  /** PCIe RX throughput in KiB/s. */
  pcieRxThroughput(): Maybe<number> {
    return this.q('pcieRx', (h) => N.deviceGetPcieThroughput(h, N.NVML_PCIE_UTIL_RX_BYTES));
  }
  /** PCIe TX throughput, human (`'1000KiB/s'`). */
  pcieTxThroughputHuman(): Maybe<string> {
    return throughputHuman(this.pcieTxThroughput());
  }
  /** PCIe RX throughput, human. */
  pcieRxThroughputHuman(): Maybe<string> {
    return throughputHuman(this.pcieRxThroughput());
  }

  /** Number of NVLink links (0 when none or unknown). */
  nvlinkLinkCount(): number {
    const count = this.q(
      'nvlinkCount',
      (h) => N.deviceGetFieldValues(h, [{ fieldId: N.NVML_FI_DEV_NVLINK_LINK_COUNT }])[0]?.value ?? NA,
      true,
    );
    return isNA(count) ? 0 : count;
  }

  /**
   * Per-link NVLink throughput in KiB/s, from the counters' change since the previous call on
   * this device (the first call reads twice, 20 ms apart).
   */
  nvlinkThroughput(): ThroughputInfo[] {
    const links = this.nvlinkLinkCount();
    const handle = this.handle;
    if (links === 0 || handle === null) return [];
    return this.memo.get('nvlinkThroughput', () => this.nvlink.measure(handle, links));
  }
  /** Sum over links of NVLink throughput in KiB/s. */
  nvlinkTotalThroughput(): ThroughputInfo {
    const links = this.nvlinkThroughput();
    return { tx: sumThroughput(links, 'tx'), rx: sumThroughput(links, 'rx') };
  }
  /** Mean over links of NVLink throughput in KiB/s. */
  nvlinkMeanThroughput(): ThroughputInfo {
    const links = this.nvlinkThroughput();
    return { tx: meanThroughput(links, 'tx'), rx: meanThroughput(links, 'rx') };
  }

  /**
   * Cumulative counters (energy, ECC errors, PCIe and NVLink bytes) in one NVML call; see
   * {@link DeviceCounters}. All NA on MIG devices (the counters are the physical GPU's).
   */
  counters(): DeviceCounters {
    const handle = this.handle;
    if (handle === null) return naCounters(this.handleError === 'ERROR: GPU is Lost');
    if (this.isMigDevice()) return naCounters(false);
    const links = this.nvlinkLinkCount();
    return this.memo.get('counters', () => readDeviceCounters(handle, links));
  }

  // ------------------------------------------------------------------ modes

  /** `'Enabled'`/`'Disabled'`: a display is initialised on the GPU. */
  displayActive(): Maybe<string> {
    return enabled(this.q('displayActive', (h) => N.deviceGetDisplayActive(h)));
  }
  /** `'Enabled'`/`'Disabled'`: a monitor is physically connected. */
  displayMode(): Maybe<string> {
    return enabled(this.q('displayMode', (h) => N.deviceGetDisplayMode(h)));
  }
  /** Windows driver model: `'WDDM'`, `'WDM'` (TCC) or `'MCDM'`; NA on Linux. */
  currentDriverModel(): Maybe<string> {
    const model = this.q('driverModel', (h) => N.deviceGetCurrentDriverModel(h));
    return isNA(model) ? NA : (N.DRIVER_MODEL_NAMES[model] ?? NA);
  }
  /** Alias of {@link Device.currentDriverModel}. */
  driverModel(): Maybe<string> {
    return this.currentDriverModel();
  }
  /** `'Enabled'`/`'Disabled'`. */
  persistenceMode(): Maybe<string> {
    return enabled(this.q('persistence', (h) => N.deviceGetPersistenceMode(h)));
  }
  /** `'P0'` … `'P15'`. */
  performanceState(): Maybe<string> {
    const state = this.q('pstate', (h) => N.deviceGetPerformanceState(h));
    return isNA(state) || state === N.NVML_PSTATE_UNKNOWN ? NA : `P${state}`;
  }
  /** Volatile uncorrected ECC errors (NA when ECC is off or absent). */
  totalVolatileUncorrectedEccErrors(): Maybe<number> {
    const count = this.q('ecc', (h) => N.deviceGetTotalEccErrors(h, N.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, N.NVML_VOLATILE_ECC));
    return isNA(count) ? NA : count;
  }
  /** `'Default'`, `'Exclusive Thread'`, `'Prohibited'` or `'Exclusive Process'`. */
  computeMode(): Maybe<string> {
    const mode = this.q('computeMode', (h) => N.deviceGetComputeMode(h));
    return isNA(mode) ? NA : (N.COMPUTE_MODE_NAMES[mode] ?? NA);
  }
  /** CUDA compute capability `[major, minor]`. */
  cudaComputeCapability(): Maybe<readonly [number, number]> {
    return this.q('cc', (h) => N.deviceGetCudaComputeCapability(h) as readonly [number, number], true);
  }

  // ------------------------------------------------------------------ MIG

  /** `'Enabled'`/`'Disabled'`; NA on MIG devices and GPUs without MIG. */
  migMode(): Maybe<string> {
    if (this.isMigDevice()) return NA;
    const mode = this.q('migMode', (h) => N.deviceGetMigMode(h).current);
    return enabled(mode);
  }
  /** Whether MIG mode is enabled. */
  isMigModeEnabled(): boolean {
    return this.migMode() === 'Enabled';
  }
  /** Upper bound on MIG devices (0 without MIG). */
  maxMigDeviceCount(): number {
    if (this.isMigDevice()) return 0;
    const count = this.q('maxMig', (h) => N.deviceGetMaxMigDeviceCount(h), true);
    return isNA(count) ? 0 : count;
  }
  /** The MIG devices of a MIG-enabled GPU (empty otherwise). */
  migDevices(): MigDevice[] {
    return [];
  }
  /** Whether this device has no MIG children in use (a MIG device, or a GPU with MIG off). */
  isLeafDevice(): boolean {
    return this.isMigDevice() || !this.isMigModeEnabled();
  }
  /** This device, or its MIG devices when MIG is enabled. */
  toLeafDevices(): Device[] {
    if (this.isLeafDevice()) return [this];
    const migs = this.migDevices();
    return migs.length > 0 ? migs : [this];
  }

  // ------------------------------------------------------------------ processes

  /**
   * The processes using this device, keyed by PID: compute (`C`) and graphics (`G`) lists merged
   * (`C+G` for a PID in both), with GPU memory and per-process utilization.
   */
  processes(): GpuProcessMap {
    return this.memo.get('processes', () => collectProcesses(this));
  }

  /**
   * Whether NVML answered this device's process lists (compute or graphics) at the last
   * {@link Device.processes} call: false where they are NOT_SUPPORTED (old GeForce GPUs), so an
   * empty process map means "unknown" rather than "none".
   *
   * @example
   * ```ts
   * device.processes().size === 0 && device.processListsAvailable(); // truly idle
   * ```
   */
  processListsAvailable(): boolean {
    this.processes();
    return processListsAnsweredFor(this);
  }

  // ------------------------------------------------------------------ snapshot

  /**
   * Every value at one moment, as a plain JSON-serialisable record. `options.include` leaves
   * groups of queries out (their fields are NA), for views that show less and must stay cheap:
   * `nvitop -1` skips the PCIe throughput, which the driver samples over ~20 ms per GPU.
   *
   * @example
   * ```ts
   * const snapshot = Device.fromIndex(0).asSnapshot();
   * console.log(snapshot.memoryUsedHuman, snapshot.gpuUtilization);
   * const cheap = Device.fromIndex(0).asSnapshot({ include: { pcie: false, clocks: false } });
   * ```
   */
  asSnapshot(options: SnapshotOptions = {}): DeviceSnapshot {
    const want = (group: SnapshotGroup): boolean => options.include?.[group] ?? true;
    return this.oneshot(() => {
      const memoryInfo = this.memoryInfo();
      const gpu = this.gpuUtilization();
      const memory = this.memoryUtilization();
      const encoder = want('encoderDecoder') ? this.encoderUtilization() : NA;
      const decoder = want('encoderDecoder') ? this.decoderUtilization() : NA;
      const utilizationRates = { gpu, memory, encoder, decoder };
      const clockInfos = {
        graphics: want('otherClocks') ? this.graphicsClock() : NA,
        sm: want('clocks') ? this.smClock() : NA,
        memory: want('clocks') ? this.memoryClock() : NA,
        video: want('otherClocks') ? this.videoClock() : NA,
      };
      const maxClockInfos = want('maxClocks') ? this.maxClockInfos() : NA_CLOCKS;
      const pcieThroughput = want('pcie') ? this.pcieThroughput() : { tx: NA, rx: NA };
      const bar1MemoryInfo = want('bar1') ? this.bar1MemoryInfo() : { total: NA, free: NA, used: NA };
      const sensors = want('sensors');
      const modes = want('modes');
      const powerUsage = sensors ? this.powerUsage() : NA;
      const powerLimit = sensors ? this.powerLimit() : NA;
      const index = this.index;
      return {
        kind: this.kind,
        index: typeof index === 'number' ? index : ([index[0], index[1]] as const),
        physicalIndex: this.physicalIndex,
        migIndex: this.migIndexValue(),
        cudaIndex: this.cudaIndexValue(),
        displayIndex: this.displayIndex,
        isMigDevice: this.isMigDevice(),
        name: this.name(),
        uuid: this.uuid(),
        busId: this.busId(),
        serial: want('serial') ? this.serial() : NA,
        memoryInfo,
        memoryTotal: memoryInfo.total,
        memoryUsed: memoryInfo.used,
        memoryFree: memoryInfo.free,
        memoryTotalHuman: bytes2human(memoryInfo.total),
        memoryUsedHuman: bytes2human(memoryInfo.used),
        memoryFreeHuman: bytes2human(memoryInfo.free),
        memoryPercent: percentOf(memoryInfo.used, memoryInfo.total),
        memoryUsage: `${bytes2human(memoryInfo.used)} / ${bytes2human(memoryInfo.total)}`,
        bar1MemoryInfo,
        bar1MemoryUsedHuman: bytes2human(bar1MemoryInfo.used),
        bar1MemoryPercent: percentOf(bar1MemoryInfo.used, bar1MemoryInfo.total),
        utilizationRates,
        gpuUtilization: gpu,
        memoryUtilization: memory,
        encoderUtilization: encoder,
        decoderUtilization: decoder,
        clockInfos,
        maxClockInfos,
        clockSpeedInfos: { current: clockInfos, max: maxClockInfos },
        smClock: clockInfos.sm,
        memoryClock: clockInfos.memory,
        fanSpeed: sensors ? this.fanSpeed() : NA,
        temperature: sensors ? this.temperature() : NA,
        powerUsage,
        powerLimit,
        powerStatus: powerStatusOf(powerUsage, powerLimit),
        pcieThroughput,
        pcieTxThroughput: pcieThroughput.tx,
        pcieRxThroughput: pcieThroughput.rx,
        pcieTxThroughputHuman: throughputHuman(pcieThroughput.tx),
        pcieRxThroughputHuman: throughputHuman(pcieThroughput.rx),
        displayActive: modes ? this.displayActive() : NA,
        displayMode: modes && want('displayMode') ? this.displayMode() : NA,
        currentDriverModel: modes && want('driverModel') ? this.currentDriverModel() : NA,
        persistenceMode: modes ? this.persistenceMode() : NA,
        performanceState: modes ? this.performanceState() : NA,
        totalVolatileUncorrectedEccErrors: modes ? this.totalVolatileUncorrectedEccErrors() : NA,
        computeMode: modes ? this.computeMode() : NA,
        cudaComputeCapability: want('computeCapability') ? this.cudaComputeCapability() : NA,
        migMode: this.migMode(),
        gpuInstanceId: this.gpuInstanceIdValue(),
        computeInstanceId: this.computeInstanceIdValue(),
        timestamp: Date.now(),
      };
    });
  }

  /** @internal */
  protected migIndexValue(): Maybe<number> {
    return NA;
  }
  /** @internal */
  protected cudaIndexValue(): Maybe<number> {
    return NA;
  }
  /** @internal */
  protected gpuInstanceIdValue(): Maybe<number> {
    return NA;
  }
  /** @internal */
  protected computeInstanceIdValue(): Maybe<number> {
    return NA;
  }

  /** `PhysicalDevice(index=0, name="…", totalMemory=24564MiB)`. */
  toString(): string {
    return `${this.constructor.name}(index=${this.displayIndex}, name="${this.name()}", totalMemory=${this.memoryTotalHuman()})`;
  }

  /** Whether two objects are the same device (same index and UUID). */
  equals(other: Device): boolean {
    return this.displayIndex === other.displayIndex && this.uuid() === other.uuid() && this.kind === other.kind;
  }

  /** The utilization sample window for this device's processes. @internal */
  processUtilizationSince(): number {
    return Date.now() * 1000 - 1_000_000;
  }

  /** JSON form: the full snapshot. */
  toJSON(): DeviceSnapshot {
    return this.asSnapshot();
  }

  /** Namespace of CUDA-ordinal devices (`Device.cuda.all()`, `Device.cuda.fromCudaIndex(0)`). */
  static get cuda(): typeof CudaDevice {
    return CudaDevice;
  }

  /** The CUDA device with ordinal `cudaIndex` under the current `CUDA_VISIBLE_DEVICES`. */
  static fromCudaIndex(cudaIndex: number): CudaDevice {
    return CudaDevice.fromCudaIndex(cudaIndex);
  }

  /** The CUDA devices with these ordinals (all visible ones when omitted). */
  static fromCudaIndices(cudaIndices?: Iterable<number>): CudaDevice[] {
    return CudaDevice.fromIndices(cudaIndices);
  }

  /** The devices `CUDA_VISIBLE_DEVICES` makes visible, as CUDA devices in CUDA order. */
  static fromCudaVisibleDevices(cudaVisibleDevices?: string | null): CudaDevice[] {
    return CudaDevice.all(cudaVisibleDevices);
  }

  /**
   * NVML indices of the devices `CUDA_VISIBLE_DEVICES` selects (see
   * {@link parseCudaVisibleDevices}).
   */
  static parseCudaVisibleDevices(cudaVisibleDevices?: string | null): Array<number | [number, number]> {
    return parseCudaVisibleDevices(cudaVisibleDevices);
  }

  /** The full UUIDs `CUDA_VISIBLE_DEVICES` selects, comma-joined. */
  static normalizeCudaVisibleDevices(cudaVisibleDevices?: string | null): string {
    return normalizeCudaVisibleDevices(cudaVisibleDevices);
  }
}

/** Describes an NVML handle error as nvitop names it in the device's name column. */
function handleErrorName(error: unknown): string | null {
  if (error instanceof N.NvmlGpuIsLostError) return 'ERROR: GPU is Lost';
  if (error instanceof N.NvmlUnknownError) return 'ERROR: Unknown';
  return null;
}

/**
 * A physical GPU.
 *
 * @example
 * ```ts
 * const gpu = PhysicalDevice.fromIndex(0);
 * console.log(gpu.name(), gpu.memoryTotalHuman(), gpu.migDevices().length);
 * ```
 */
export class PhysicalDevice extends Device {
  private static readonly instances = new Map<number, PhysicalDevice>();
  readonly #index: number;

  /** @internal */
  protected constructor(index: number, handle: N.NvmlDeviceHandle | null, handleError: string | null) {
    super(handle, handleError);
    this.#index = index;
  }

  /**
   * The GPU at NVML index `index` (one instance per index for the process's life).
   * `knownCount` skips asking NVML for the device count again (used by `Device.all()`).
   *
   * @throws {@link InvalidInputError} for an index that is not an integer in `0..count-1`.
   * @throws {@link NvmlError} when NVML cannot be used.
   */
  static override fromIndex(index: number, knownCount?: number): PhysicalDevice {
    const cached = PhysicalDevice.instances.get(index);
    if (cached !== undefined) return cached;
    if (!Number.isInteger(index) || index < 0) throw new InvalidInputError('device index', index, 'a non-negative integer');
    const count = knownCount ?? Device.count();
    if (index >= count) throw new InvalidInputError('device index', index, count === 0 ? 'no index: there are no GPUs' : `an index in 0..${count - 1}`);
    let device: PhysicalDevice;
    try {
      device = new PhysicalDevice(index, N.deviceGetHandleByIndex(index), null);
    } catch (error) {
      const name = handleErrorName(error);
      if (name === null) throw error;
      device = new PhysicalDevice(index, null, name);
    }
    PhysicalDevice.instances.set(index, device);
    return device;
  }

  /** Returns the same as `Device.all()`. */
  static override all(): PhysicalDevice[] {
    return physicalDevices();
  }

  /** NVML index. */
  get index(): number {
    return this.#index;
  }
  /** Same as `index`. */
  get physicalIndex(): number {
    return this.#index;
  }
  /** `'physical'`. */
  get kind(): DeviceKind {
    return 'physical';
  }
  /** False. */
  isMigDevice(): boolean {
    return false;
  }

  /** The MIG devices (walks 0..max-1 and stops at the first index without one, as nvitop). */
  override migDevices(): MigDevice[] {
    if (this.handle === null || !this.isMigModeEnabled()) return [];
    return this.memo.get('migDevices', () => {
      const devices: MigDevice[] = [];
      const max = this.maxMigDeviceCount();
      for (let migIndex = 0; migIndex < max; migIndex += 1) {
        try {
          devices.push(MigDevice.fromIndex(this.#index, migIndex));
        } catch {
          break;
        }
      }
      return devices;
    });
  }

  /** The MIG device at `migIndex`. */
  migDevice(migIndex: number): MigDevice {
    return MigDevice.fromIndex(this.#index, migIndex);
  }
}

/**
 * A MIG device (a GPU instance's compute instance on a MIG-enabled GPU).
 *
 * @example
 * ```ts
 * const mig = MigDevice.fromIndex(0, 1);
 * console.log(mig.displayIndex, mig.gpuInstanceId(), mig.parent.name());
 * ```
 */
export class MigDevice extends Device {
  private static readonly instances = new Map<string, MigDevice>();
  /** The physical GPU this MIG device belongs to. */
  readonly parent: PhysicalDevice;
  /** Index within the parent. */
  readonly migIndex: number;

  /** @internal */
  protected constructor(parent: PhysicalDevice, migIndex: number, handle: N.NvmlDeviceHandle) {
    super(handle, null);
    this.parent = parent;
    this.migIndex = migIndex;
  }

  /**
   * The MIG device `migIndex` of GPU `parentIndex`.
   *
   * @throws {@link NvmlError} (NOT_FOUND) when there is none.
   */
  static override fromIndex(index: number | readonly [number, number], migIndex?: number): MigDevice {
    const parentIndex = typeof index === 'number' ? index : index[0];
    if (typeof index !== 'number') migIndex = index[1];
    if (migIndex === undefined) throw new InvalidInputError('MIG device index', index, 'a pair [parentIndex, migIndex]');
    const key = `${parentIndex}:${migIndex}`;
    const cached = MigDevice.instances.get(key);
    if (cached !== undefined) return cached;
    const parent = PhysicalDevice.fromIndex(parentIndex);
    if (parent.handle === null) throw new N.NvmlGpuIsLostError({ functionName: 'nvmlDeviceGetMigDeviceHandleByIndex' });
    const handle = N.deviceGetMigDeviceHandleByIndex(parent.handle, migIndex);
    const device = new MigDevice(parent, migIndex, handle);
    MigDevice.instances.set(key, device);
    return device;
  }

  /** Number of MIG devices over all GPUs. */
  static override count(): number {
    return MigDevice.all().length;
  }

  /** Every MIG device of every GPU. */
  static override all(): MigDevice[] {
    return physicalDevices().flatMap((device) => device.migDevices());
  }

  /** `[parentIndex, migIndex]`. */
  get index(): readonly [number, number] {
    return [this.parent.index, this.migIndex];
  }
  /** The parent's index. */
  get physicalIndex(): number {
    return this.parent.index;
  }
  /** `'mig'`. */
  get kind(): DeviceKind {
    return 'mig';
  }
  /** True. */
  isMigDevice(): boolean {
    return true;
  }
  /** GPU instance id. */
  gpuInstanceId(): Maybe<number> {
    return this.q('gi', (h) => N.deviceGetGpuInstanceId(h), true);
  }
  /** Compute instance id. */
  computeInstanceId(): Maybe<number> {
    return this.q('ci', (h) => N.deviceGetComputeInstanceId(h), true);
  }
  /** @internal */
  protected override migIndexValue(): Maybe<number> {
    return this.migIndex;
  }
  /** @internal */
  protected override gpuInstanceIdValue(): Maybe<number> {
    return this.gpuInstanceId();
  }
  /** @internal */
  protected override computeInstanceIdValue(): Maybe<number> {
    return this.computeInstanceId();
  }
}

/**
 * A device as CUDA numbers it: ordinal `cudaIndex` under the current `CUDA_VISIBLE_DEVICES`.
 * It answers every query through the NVML device it maps to.
 *
 * @example
 * ```ts
 * const cuda0 = Device.cuda.fromCudaIndex(0);
 * console.log(cuda0.cudaIndex, cuda0.physicalIndex, cuda0.name());
 * ```
 */
export class CudaDevice extends Device {
  /** The CUDA ordinal. */
  readonly cudaIndex: number;
  /** The NVML device it maps to. */
  readonly nvmlDevice: PhysicalDevice | MigDevice;

  /** @internal */
  protected constructor(cudaIndex: number, nvmlDevice: PhysicalDevice | MigDevice) {
    super(nvmlDevice.handle, null);
    this.cudaIndex = cudaIndex;
    this.nvmlDevice = nvmlDevice;
  }

  /** @internal */
  static create(cudaIndex: number, nvmlDevice: PhysicalDevice | MigDevice): CudaDevice {
    return nvmlDevice instanceof MigDevice ? new CudaMigDevice(cudaIndex, nvmlDevice) : new CudaDevice(cudaIndex, nvmlDevice);
  }

  /** The number of visible CUDA devices. */
  static override count(): number {
    return parseCudaVisibleDevices().length;
  }

  /** Every visible CUDA device, in CUDA order. */
  static override all(cudaVisibleDevices?: string | null): CudaDevice[] {
    return parseCudaVisibleDevices(cudaVisibleDevices).map((index, cudaIndex) => CudaDevice.create(cudaIndex, Device.fromIndex(index)));
  }

  /**
   * The CUDA device with ordinal `cudaIndex`.
   *
   * @throws {@link CudaError} `CUDA Error: invalid device ordinal: N.` when it is not visible.
   */
  static override fromCudaIndex(cudaIndex: number): CudaDevice {
    const visible = parseCudaVisibleDevices();
    const index = Number.isInteger(cudaIndex) && cudaIndex >= 0 ? visible[cudaIndex] : undefined;
    if (index === undefined) throw new CudaError(`CUDA Error: invalid device ordinal: ${cudaIndex}.`);
    return CudaDevice.create(cudaIndex, Device.fromIndex(index));
  }

  /** The CUDA devices with these ordinals (all when omitted). */
  static override fromIndices(cudaIndices?: Iterable<number | readonly [number, number]>): CudaDevice[] {
    if (cudaIndices === undefined) return CudaDevice.all();
    return [...cudaIndices].map((index) => {
      if (typeof index !== 'number') throw new InvalidInputError('CUDA index', index, 'an integer CUDA ordinal');
      return CudaDevice.fromCudaIndex(index);
    });
  }

  /** The NVML index of the device it maps to. */
  get index(): number | readonly [number, number] {
    return this.nvmlDevice.index;
  }
  /** The physical GPU's index. */
  get physicalIndex(): number {
    return this.nvmlDevice.physicalIndex;
  }
  /** `'cuda'` or `'cuda-mig'`. */
  get kind(): DeviceKind {
    return 'cuda';
  }
  /** Whether it maps to a MIG device. */
  isMigDevice(): boolean {
    return this.nvmlDevice.isMigDevice();
  }
  /** The MIG devices of the GPU it maps to. */
  override migDevices(): MigDevice[] {
    return this.nvmlDevice.migDevices();
  }
  /** Same processes as the NVML device. */
  override processes(): GpuProcessMap {
    return this.nvmlDevice.processes();
  }
  /** Same as the NVML device's. */
  override processListsAvailable(): boolean {
    return this.nvmlDevice.processListsAvailable();
  }
  /** @internal */
  protected override cudaIndexValue(): Maybe<number> {
    return this.cudaIndex;
  }
  /** @internal */
  protected override migIndexValue(): Maybe<number> {
    return this.nvmlDevice instanceof MigDevice ? this.nvmlDevice.migIndex : NA;
  }
  /** @internal */
  protected override gpuInstanceIdValue(): Maybe<number> {
    return this.nvmlDevice instanceof MigDevice ? this.nvmlDevice.gpuInstanceId() : NA;
  }
  /** @internal */
  protected override computeInstanceIdValue(): Maybe<number> {
    return this.nvmlDevice instanceof MigDevice ? this.nvmlDevice.computeInstanceId() : NA;
  }
  /** `'cuda:0 (gpu:3)'`-style label used by collector keys. */
  override toString(): string {
    return `${this.constructor.name}(cudaIndex=${this.cudaIndex}, nvmlIndex=${this.displayIndex}, name="${this.name()}", totalMemory=${this.memoryTotalHuman()})`;
  }
}

/** A CUDA device that maps to a MIG device. */
export class CudaMigDevice extends CudaDevice {
  /** `'cuda-mig'`. */
  override get kind(): DeviceKind {
    return 'cuda-mig';
  }
}

/**
 * Forgets every Device object and its cached identity facts, so the next lookup asks NVML
 * afresh (after a GPU reset or MIG reconfiguration, and in tests that switch fake scenarios).
 *
 * @internal
 */
export function resetDeviceRegistry(): void {
  (PhysicalDevice as unknown as { instances: Map<number, PhysicalDevice> }).instances.clear();
  (MigDevice as unknown as { instances: Map<string, MigDevice> }).instances.clear();
}

function physicalDevices(): PhysicalDevice[] {
  return Device.physicalDevices();
}

/**
 * The NVML indices of the devices `CUDA_VISIBLE_DEVICES` makes visible, in CUDA order:
 * numbers for GPUs, `[parent, mig]` for a MIG device.
 *
 * @param cudaVisibleDevices - the value to parse; omitted: the environment's; `null`: unset (all).
 *
 * @example
 * ```ts
 * parseCudaVisibleDevices('1,0');             // [1, 0]
 * parseCudaVisibleDevices('GPU-18ef14e9');    // [3] (abbreviated UUID)
 * parseCudaVisibleDevices('0,0');             // [] (duplicates: CUDA sees no device)
 * parseCudaVisibleDevices('1,foo,0');         // [1] (an invalid entry ends the list)
 * ```
 */
export function parseCudaVisibleDevices(cudaVisibleDevices?: string | null): NvmlIndex[] {
  return visibleIndices(cudaVisibleDevices, physicalDevices);
}

/**
 * The full UUIDs of the devices `CUDA_VISIBLE_DEVICES` selects, comma-joined (`''` when none).
 *
 * @example
 * ```ts
 * normalizeCudaVisibleDevices('1,0'); // 'GPU-…,GPU-…'
 * ```
 */
export function normalizeCudaVisibleDevices(cudaVisibleDevices?: string | null): string {
  return parseCudaVisibleDevices(cudaVisibleDevices)
    .map((index) => Device.fromIndex(index).uuid())
    .filter((uuid): uuid is string => !isNA(uuid))
    .join(',');
}
