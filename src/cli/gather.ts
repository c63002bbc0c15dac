/**
 * Builds {@link StatusData} for the views (once mode, monitor, `--json`) from the core API, with
 * the command line's device filters (`-o`, `-ov`) and process filters (`-c -C -g -G -u -p`).
 * The CLI reaches NVML only through here, and only through `src/core`.
 *
 * For the table, devices are read field by field (only what the table shows: no PCIe
 * throughput, which blocks ~20 ms per GPU in the driver, and clocks only when the wide layout
 * shows them); `--json` takes full snapshots.
 *
 * @module
 */
import {
  Device,
  GpuProcess,
  MigDevice,
  NA,
  PhysicalDevice,
  host,
  isNA,
  kubeletPodResources,
  nvmlUnknownFunctions,
  type DeviceFieldKey,
  type DeviceSnapshot,
  type GpuProcessSnapshot,
  type Maybe,
} from '../core/index.js';
import type { ContainerColumn } from './args.js';
import type { StatusData, StatusDevice } from './render/types.js';
import { packageVersion } from './version.js';

/**
 * Process filters of the command line.
 *
 * @example
 * ```ts
 * processFilter({ onlyCompute: true, pid: [1234] }, 'alice');
 * ```
 */
export interface ProcessFilters {
  /** `-c`: type contains C (C or C+G). */
  readonly compute?: boolean;
  /** `-C`: type is exactly C. */
  readonly onlyCompute?: boolean;
  /** `-g`: type contains G (G or C+G). */
  readonly graphics?: boolean;
  /** `-G`: type is exactly G. */
  readonly onlyGraphics?: boolean;
  /** `-u`: these users (`[]`: the current user); null/undefined: everyone. */
  readonly user?: readonly string[] | null;
  /** `-p`: these PIDs; null/undefined: all. */
  readonly pid?: readonly number[] | null;
}

/**
 * Device selection of the command line.
 *
 * @example
 * ```ts
 * selectDevices({ onlyVisible: true, cudaVisibleDevices: '2,0' });
 * ```
 */
export interface DeviceSelection {
  /** `-o`: NVML indices (invalid ones are reported, valid ones kept); overrides `onlyVisible`. */
  readonly only?: readonly number[] | null;
  /** `-ov`: the devices of `CUDA_VISIBLE_DEVICES`. */
  readonly onlyVisible?: boolean;
  /** The `CUDA_VISIBLE_DEVICES` value for `-ov` (default: the environment's). */
  readonly cudaVisibleDevices?: string | null;
}

/**
 * How much to read from each device.
 *
 * @example
 * ```ts
 * createGatherer({ detail: 'full' })().data.devices[0]?.device.pcieTxThroughput;
 * ```
 */
export type GatherDetail =
  /** What the table shows (clocks only with `clocks`). */
  | 'table'
  /** Every snapshot field (`--json`). */
  | 'full';

/**
 * Options of {@link createGatherer}.
 *
 * @example
 * ```ts
 * createGatherer({ only: [0], user: [], detail: 'table', clocks: true });
 * ```
 */
export interface GatherOptions extends DeviceSelection, ProcessFilters {
  /** `'table'` (default) or `'full'`. */
  readonly detail?: GatherDetail;
  /**
   * With `'table'`: which clocks to read (the bars beside the table show them): `true` the SM and
   * memory clocks, `'sm'` the SM clock only, `false` none. A function decides from the filtered
   * processes (read first), e.g. from the width they need.
   */
  readonly clocks?: ClockSelection | ((processes: readonly GpuProcessSnapshot[]) => ClockSelection);
  /**
   * Each process's container (`--containers`): anything but `'off'` reads the cgroups and the
   * kubelet's cached allocations (see `kubeletPodResources`). Default `'off'`: neither.
   */
  readonly containers?: ContainerColumn;
}

/**
 * Clocks a table snapshot reads: `true` SM and memory, `'sm'` the SM clock only, `false` none.
 *
 * @example
 * ```ts
 * const clocks: ClockSelection = 'sm';
 * ```
 */
export type ClockSelection = boolean | 'sm';

/**
 * What {@link selectDevices} found.
 *
 * @example
 * ```ts
 * const { devices, invalidIndices } = selectDevices({ only: [0, 9] });
 * ```
 */
export interface DeviceSelectionResult {
  /** The physical GPUs to show, in index order. */
  readonly devices: PhysicalDevice[];
  /** `-o` indices that are not GPUs of this machine (sorted). */
  readonly invalidIndices: number[];
}

/**
 * The physical GPUs the command line selects: `-o` indices (invalid ones reported), else the
 * GPUs of `CUDA_VISIBLE_DEVICES` with `-ov` (a MIG entry selects its parent), else all.
 *
 * @throws `NvmlLibraryNotFoundError` / `NvmlError` when NVML cannot be used.
 *
 * @example
 * ```ts
 * selectDevices({ only: [0, 9] }); // { devices: [GPU 0], invalidIndices: [9] } on a 1-GPU machine
 * ```
 */
export function selectDevices(selection: DeviceSelection): DeviceSelectionResult {
  const count = Device.count();
  let indices: number[];
  const invalid: number[] = [];
  if (selection.only !== null && selection.only !== undefined) {
    const wanted = [...new Set(selection.only)];
    indices = wanted.filter((index) => Number.isInteger(index) && index >= 0 && index < count);
    invalid.push(...wanted.filter((index) => !indices.includes(index)));
  } else if (selection.onlyVisible === true) {
    const parsed = Device.parseCudaVisibleDevices(selection.cudaVisibleDevices === undefined ? undefined : selection.cudaVisibleDevices);
    indices = [...new Set(parsed.map((index) => (typeof index === 'number' ? index : index[0])))];
  } else {
    indices = Array.from({ length: count }, (_, index) => index);
  }
  indices.sort((a, b) => a - b);
  invalid.sort((a, b) => a - b);
  return { devices: indices.map((index) => PhysicalDevice.fromIndex(index)), invalidIndices: invalid };
}

/**
 * A predicate over process snapshots for the command line's process filters (all must hold).
 *
 * @example
 * ```ts
 * const keep = processFilter({ compute: true, user: [] }, 'alice');
 * snapshots.filter(keep);
 * ```
 */
export function processFilter(filters: ProcessFilters, currentUser: string): (process: GpuProcessSnapshot) => boolean {
  const type = (process: GpuProcessSnapshot): string => (isNA(process.type) ? '' : process.type);
  const users = filters.user === null || filters.user === undefined ? null : new Set(filters.user.length === 0 ? [currentUser] : filters.user);
  const pids = filters.pid === null || filters.pid === undefined ? null : new Set(filters.pid);
  return (process) => {
    const t = type(process);
    if (filters.compute === true && !t.includes('C')) return false;
    if (filters.onlyCompute === true && t !== 'C') return false;
    if (filters.graphics === true && !t.includes('G')) return false;
    if (filters.onlyGraphics === true && t !== 'G') return false;
    if (users !== null && (isNA(process.username) || !users.has(process.username))) return false;
    if (pids !== null && !pids.has(process.pid)) return false;
    return true;
  };
}

/** The fields the table shows of every device: memory and utilization. */
const COMMON_FIELDS = [
  'memoryInfo',
  'memoryTotal',
  'memoryUsed',
  'memoryFree',
  'memoryTotalHuman',
  'memoryUsedHuman',
  'memoryFreeHuman',
  'memoryPercent',
  'memoryUsage',
  'gpuUtilization',
  'memoryUtilization',
  'migMode',
] as const satisfies readonly DeviceFieldKey[];

/** What a GPU's row shows besides: sensors and modes (the driver model on Windows only). */
const GPU_FIELDS = [
  ...COMMON_FIELDS,
  'fanSpeed',
  'temperature',
  'powerUsage',
  'powerLimit',
  'powerStatus',
  'displayActive',
  'persistenceMode',
  'performanceState',
  'totalVolatileUncorrectedEccErrors',
  'computeMode',
  ...(process.platform === 'win32' ? (['currentDriverModel'] as const) : []),
] as const satisfies readonly DeviceFieldKey[];

/** What a MIG device's row shows besides: its BAR1 memory. */
const MIG_FIELDS = [...COMMON_FIELDS, 'bar1MemoryInfo', 'bar1MemoryUsedHuman', 'bar1MemoryPercent'] as const satisfies readonly DeviceFieldKey[];

const CLOCK_FIELDS: Readonly<Record<`${ClockSelection}`, readonly DeviceFieldKey[]>> = {
  false: [],
  sm: ['smClock'],
  true: ['smClock', 'memoryClock'],
};

/** The field lists by device kind and clocks, built once. */
const TABLE_FIELDS = new Map<string, readonly DeviceFieldKey[]>();

function tableFields(mig: boolean, clocks: ClockSelection): readonly DeviceFieldKey[] {
  const key = `${mig}/${String(clocks)}`;
  let fields = TABLE_FIELDS.get(key);
  if (fields === undefined) {
    fields = [...(mig ? MIG_FIELDS : GPU_FIELDS), ...CLOCK_FIELDS[`${clocks}`]];
    TABLE_FIELDS.set(key, fields);
  }
  return fields;
}

/**
 * A device snapshot with only the fields the table shows; the rest is NA. It never reads the
 * PCIe throughput (the driver samples it over ~20 ms per GPU), reads the clocks only as
 * `clocks` says (`'sm'`: the SM clock alone, for the UTL bar's `@ …MHz`), and of MIG devices
 * memory, utilization, BAR1 and the instance ids.
 *
 * @example
 * ```ts
 * tableSnapshot(Device.fromIndex(0), { clocks: false }).pcieTxThroughput; // NA
 * tableSnapshot(Device.fromIndex(0), { clocks: 'sm' }).memoryClock;      // NA
 * ```
 */
export function tableSnapshot(device: Device, options: { clocks: ClockSelection }): DeviceSnapshot {
  return device.asSnapshot({ fields: tableFields(device instanceof MigDevice, options.clocks) });
}

/** Sum of the processes' GPU memory; NA when any is unknown. */
function heldMemory(processes: readonly GpuProcessSnapshot[]): Maybe<number> {
  let sum = 0;
  for (const process of processes) {
    if (isNA(process.gpuMemory)) return NA;
    sum += process.gpuMemory;
  }
  return sum;
}

/**
 * A gatherer's result: the data and what the command line asked for that does not exist.
 *
 * @example
 * ```ts
 * const { data, invalidIndices }: Gathered = createGatherer({})();
 * ```
 */
export interface Gathered {
  /** The status data. */
  readonly data: StatusData;
  /** `-o` indices that are not GPUs of this machine. */
  readonly invalidIndices: readonly number[];
}

/**
 * A function that gathers the status: the devices are selected once (as nvitop does: a GPU that
 * gets lost keeps its row), each call reads fresh values. `detail`/`clocks` may be changed per
 * call (the once mode decides on clocks after seeing the processes' widths).
 *
 * @throws `NvmlLibraryNotFoundError` / `NvmlError` (when created) when NVML cannot
 *   be used.
 *
 * @example
 * ```ts
 * const gather = createGatherer({ only: [0, 1], compute: true });
 * const { data, invalidIndices } = gather();
 * ```
 */
export function createGatherer(options: GatherOptions): (override?: Pick<GatherOptions, 'detail' | 'clocks' | 'containers'>) => Gathered {
  const { devices, invalidIndices } = selectDevices(options);
  const driverVersion = Device.driverVersion();
  const cudaDriverVersion = Device.cudaDriverVersion();
  const migs = devices.map((device) => device.migDevices());
  const currentUser = host.getuser();
  const keep = processFilter(options, currentUser);
  const superuser = typeof process.geteuid === 'function' ? process.geteuid() === 0 : false;
  return (override = {}) => {
    const detail = override.detail ?? options.detail ?? 'table';
    // One takeSnapshots call for every GPU, so a process on several GPUs has its host facts
    // (CPU percent above all) read once.
    const leaves: Device[][] = devices.map((device, i) => ((migs[i] ?? []).length > 0 ? (migs[i] as Device[]) : [device]));
    const containers = override.containers ?? options.containers ?? 'off';
    const all = GpuProcess.takeSnapshots(
      leaves.flatMap((list) => list.flatMap((leaf) => [...leaf.processes().values()])),
      containers === 'off' ? { failsafe: true } : { failsafe: true, containers: true },
    );
    const processes = all.filter(keep);
    const held: Maybe<number>[] = devices.map((device, i) =>
      (leaves[i] ?? []).every((leaf) => leaf.processListsAvailable()) ? heldMemory(all.filter((p) => p.devicePhysicalIndex === device.index)) : NA,
    );
    const wantClocks = override.clocks ?? options.clocks ?? false;
    const clocks = typeof wantClocks === 'function' ? wantClocks(processes) : wantClocks;
    const snapshot = (device: Device): DeviceSnapshot => (detail === 'full' ? device.asSnapshot() : tableSnapshot(device, { clocks }));
    const statusDevices: StatusDevice[] = devices.map((device, i) => ({
      device: snapshot(device),
      migDevices: (migs[i] ?? []).map(snapshot),
      processGpuMemory: held[i] ?? NA,
    }));
    const hostSnapshot = host.takeHostSnapshot();
    const data: StatusData = {
      version: packageVersion(),
      driverVersion,
      cudaDriverVersion,
      devices: statusDevices,
      processes,
      host: hostSnapshot,
      currentUser,
      hostname: hostSnapshot.hostname,
      missingFunctions: nvmlUnknownFunctions(),
      timestamp: Date.now(),
      superuser,
      wsl: host.isWsl(),
      windows: process.platform === 'win32',
      ...(containers === 'off' ? {} : { containerColumn: containers, podResources: kubeletPodResources().current() }),
    };
    return { data, invalidIndices };
  };
}
