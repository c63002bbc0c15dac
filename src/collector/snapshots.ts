/**
 * `takeSnapshots()`: the status of devices and their GPU processes at once (nvitop's
 * `take_snapshots`).
 *
 * @module
 */
import { Device, GpuProcess, type DeviceSnapshot, type GpuProcessSnapshot } from '../core/index.js';
import { deviceIdentity, expandDevices } from './devices.js';

/**
 * Device and GPU process snapshots taken together.
 *
 * @example
 * ```ts
 * const { devices, gpuProcesses }: SnapshotResult = takeSnapshots();
 * ```
 */
export interface SnapshotResult {
  /** One snapshot per device. */
  readonly devices: DeviceSnapshot[];
  /** One snapshot per GPU process (failsafe: a gone process has NA host facts). */
  readonly gpuProcesses: GpuProcessSnapshot[];
}

/**
 * Options of {@link takeSnapshots}.
 *
 * @example
 * ```ts
 * const options: TakeSnapshotsOptions = { gpuProcesses: false };
 * ```
 */
export interface TakeSnapshotsOptions {
  /**
   * Which GPU processes to snapshot. `undefined` or `true` (default): every process on the
   * devices. `false` or an empty list: none. A process or a list of processes: those (their
   * devices' process lists are refreshed first, and the devices default to theirs).
   */
  readonly gpuProcesses?: boolean | GpuProcess | Iterable<GpuProcess>;
}

function isIterable<T>(value: unknown): value is Iterable<T> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

/**
 * Snapshots of devices and GPU processes at once (nvitop's `take_snapshots`).
 *
 * - No arguments: every physical GPU **and its MIG devices**, and every process on the leaf
 *   devices (the MIG devices where MIG is on).
 * - `devices` given (a device or a list; physical, MIG or CUDA devices such as
 *   `Device.cuda.all()`): those devices and the processes on them.
 * - `{ gpuProcesses: false }`: no process snapshots (devices default to `Device.all()`).
 * - `{ gpuProcesses: [p1, p2] }`: those processes (their devices' process lists are refreshed
 *   so GPU memory and utilization are current) and, unless `devices` is given, their devices.
 *
 * Host facts of processes are read failsafe: a process that exited shows NA, never throws.
 *
 * @throws {@link NvmlLibraryNotFoundError} when NVML cannot be loaded (only when devices are
 *   enumerated, that is when `devices` is not given).
 *
 * @example
 * ```ts
 * import { takeSnapshots, Device } from 'nvitop-node';
 * const { devices, gpuProcesses } = takeSnapshots();            // all devices, all processes
 * const { devices: onlyDevices } = takeSnapshots(undefined, { gpuProcesses: false });
 * const cuda = takeSnapshots(Device.cuda.all());                // CUDA ordinal order
 * for (const d of devices) console.log(d.displayIndex, d.memoryUsedHuman, d.gpuUtilization);
 * ```
 */
export function takeSnapshots(
  devices?: Device | Iterable<Device> | null,
  options: TakeSnapshotsOptions = {},
): SnapshotResult {
  let list: Device[] | undefined =
    devices === undefined || devices === null ? undefined : devices instanceof Device ? [devices] : [...devices];
  const requested = options.gpuProcesses;
  let processes: GpuProcess[];

  if (requested !== undefined && requested !== true) {
    const given = requested === false ? [] : requested instanceof GpuProcess ? [requested] : isIterable<GpuProcess>(requested) ? [...requested] : [];
    if (given.length > 0) {
      const processDevices = new Map<string, Device>();
      for (const process of given) {
        const key = deviceIdentity(process.device);
        if (!processDevices.has(key)) processDevices.set(key, process.device);
      }
      for (const device of processDevices.values()) device.processes(); // refresh their GPU facts
      list ??= [...processDevices.values()];
      processes = given;
    } else {
      list ??= Device.all();
      processes = [];
    }
  } else {
    let leaves: Device[];
    if (list === undefined) {
      const expanded = expandDevices(Device.all());
      list = expanded.all;
      leaves = expanded.leaves;
    } else {
      leaves = list;
    }
    processes = leaves.flatMap((device) => [...device.processes().values()]);
  }

  return {
    devices: list.map((device) => device.asSnapshot()),
    gpuProcesses: GpuProcess.takeSnapshots(processes, { failsafe: true }),
  };
}
