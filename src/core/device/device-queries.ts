/**
 * What every device answers: the queries of the Device family (identity, memory, utilization,
 * clocks, power, PCIe and NVLink, modes, MIG), the snapshot and the field projection
 * (`read(keys)`), all on one NVML handle. `device.ts` builds the Device classes on it; this
 * module knows none of them (only their types), so the two import each other in one direction.
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
import type {
  Bar1MemoryInfo,
  ClockInfos,
  ClockSpeedInfos,
  DeviceCounters,
  DeviceKind,
  MemoryInfo,
  ThroughputInfo,
  UtilizationRates,
} from '../snapshot-types.js';
import type { Device, MigDevice } from './device.js';
import { readFields, snapshotOf, type DeviceFieldKey, type DeviceSnapshot, type FieldContext, type SnapshotOptions } from './fields.js';
import { naCounters, readDeviceCounters } from './counters.js';
import { nvmlQuery } from './nvml-query.js';
import { NvlinkMeter, meanThroughput, sumThroughput } from './nvlink.js';
import { powerStatusOf, throughputHuman } from './snapshot-options.js';
import { NA_CLOCKS, enabled, hostMemoryInfo, percentOf } from './values.js';

/**
 * The queries every device answers; `Device` (and through it `PhysicalDevice`, `MigDevice`,
 * `CudaDevice`) is built on it. Use the Device classes, not this one.
 */
export abstract class DeviceQueries {
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
    const cached = this.memo.fresh(key, permanent);
    if (cached !== undefined) return cached.value as Maybe<T>;
    return this.memo.put(key, nvmlQuery(() => fn(handle)), permanent);
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
   * (it fell off the bus). A memory reading the device holds (in a `oneshot()`, or younger than
   * the query cache TTL) already shows the GPU answering; otherwise it asks NVML (one cheap query).
   *
   * @example
   * ```ts
   * Device.all().filter((device) => !device.isLost());
   * ```
   */
  isLost(): boolean {
    const handle = this.handle;
    if (handle === null) return true;
    const memory = this.memo.fresh('memoryInfo');
    if (memory !== undefined && !isNA(memory.value)) return false;
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
  // ------------------------------------------------------------------ fields and snapshot

  /**
   * The named fields at one moment: only their queries run (in one `oneshot()`), so this is the
   * cheap way for a view that needs a few values. The keys are {@link DeviceSnapshot}'s; a
   * constant array is prepared once and reused.
   *
   * @example
   * ```ts
   * const { memoryUsed, gpuUtilization } = device.read(['memoryUsed', 'gpuUtilization']);
   * ```
   */
  read<K extends DeviceFieldKey>(keys: readonly K[]): Pick<DeviceSnapshot, K> {
    return this.oneshot(() => readFields(this.fieldContext(), keys));
  }

  /**
   * Every field at one moment, as a plain JSON-serialisable record. `options.include` leaves
   * groups of queries out and `options.fields` names the only fields to read (the others are
   * NA), for views that show less and must stay cheap: `nvitop -1` never asks for the PCIe
   * throughput, which the driver samples over ~20 ms per GPU.
   *
   * @example
   * ```ts
   * const snapshot = Device.fromIndex(0).asSnapshot();
   * console.log(snapshot.memoryUsedHuman, snapshot.gpuUtilization);
   * const cheap = Device.fromIndex(0).asSnapshot({ include: { pcie: false, clocks: false } });
   * ```
   */
  asSnapshot(options: SnapshotOptions = {}): DeviceSnapshot {
    return this.oneshot(() => snapshotOf(this.fieldContext(), options));
  }

  /** What the field readers of this device get (made once: it only forwards to the device). */
  private context: FieldContext | undefined;

  private fieldContext(): FieldContext {
    return (this.context ??= {
      device: this,
      query: (key, fn, permanent) => this.q(key, fn, permanent),
      migIndex: () => this.migIndexValue(),
      cudaIndex: () => this.cudaIndexValue(),
      gpuInstanceId: () => this.gpuInstanceIdValue(),
      computeInstanceId: () => this.computeInstanceIdValue(),
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

  /** JSON form: the full snapshot. */
  toJSON(): DeviceSnapshot {
    return this.asSnapshot();
  }
}
