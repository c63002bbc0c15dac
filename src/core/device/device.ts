/**
 * The Device family: `Device` (the lookups), `PhysicalDevice`, `MigDevice`, `CudaDevice`,
 * `CudaMigDevice`. They are one module because ES module order needs a base class before its
 * subclasses and `Device`'s lookups create the subclasses; the queries they all answer are in
 * `device-queries.ts`, the field table in `fields.ts`.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, isNA, type Maybe } from '../na.js';
import { CudaError, InvalidInputError } from '../errors.js';
import type { DeviceKind } from '../snapshot-types.js';
import { cudaRuntimeVersion } from '../native/cudart.js';
import { visibleIndices, type NvmlIndex } from './cuda-visible-devices.js';
import { DeviceQueries } from './device-queries.js';
import { normalizeBusId, uuidMatches } from './lookup.js';
import { nvmlQuery } from './nvml-query.js';
import { collectProcesses, processListsAnsweredFor, type GpuProcessMap } from './processes.js';

export { nvmlQuery } from './nvml-query.js';
export { normalizeBusId, uuidMatches } from './lookup.js';
export type { GpuProcessMap } from './processes.js';
export type { SnapshotGroup, SnapshotOptions } from './fields.js';

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
export abstract class Device extends DeviceQueries {
  /** @internal */
  protected constructor(handle: N.NvmlDeviceHandle | null, handleError: string | null) {
    super(handle, handleError);
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
  // ------------------------------------------------------------------ processes and leaves

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
  }}

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
