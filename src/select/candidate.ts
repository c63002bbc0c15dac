/**
 * The record the decision function works on: the few fields of a {@link DeviceSnapshot} that
 * selection looks at, plus the device's processes (for `freeAccounts`) and whether another
 * process holds its lock. A `DeviceSnapshot` has every device field, so snapshots can be passed
 * as they are.
 *
 * @module
 */
import type { DeviceFieldKey, DeviceSnapshot, Maybe } from '../core/index.js';

/** NVML index of a selected device: a number, or `[parent, mig]` for a MIG device. */
export type DeviceIndex = number | readonly [number, number];

/** What selection needs to know about one process on a device. */
export interface CandidateProcess {
  /** Owner's user name (NA when it cannot be read). */
  readonly username: Maybe<string>;
  /** GPU memory used by the process in bytes (NA when NVML does not say). */
  readonly gpuMemory: Maybe<number>;
}

/**
 * The device fields selection looks at (a candidate has these, read with `device.read()`).
 *
 * @example
 * ```ts
 * const figures = device.read(SELECTION_FIELDS);
 * ```
 */
export const SELECTION_FIELDS = [
  'index',
  'physicalIndex',
  'isMigDevice',
  'uuid',
  'memoryTotal',
  'memoryFree',
  'memoryUsed',
  'gpuUtilization',
  'memoryUtilization',
] as const satisfies readonly DeviceFieldKey[];

/** A device field selection looks at. */
export type SelectionField = (typeof SELECTION_FIELDS)[number];

/**
 * One selectable (leaf) device: a GPU without MIG, or a MIG device.
 *
 * @example
 * ```ts
 * const candidate: SelectionCandidate = {
 *   index: 3, physicalIndex: 3, isMigDevice: false, uuid: 'GPU-3f5e6224-…',
 *   memoryTotal: 80 * GiB, memoryFree: 79 * GiB, memoryUsed: 1 * GiB,
 *   gpuUtilization: 0, memoryUtilization: 0,
 * };
 * ```
 */
export interface SelectionCandidate extends Pick<DeviceSnapshot, SelectionField> {
  /** The device's processes; only read when `freeAccounts` is given. */
  readonly processes?: readonly CandidateProcess[];
  /** True when another live process holds this device's lock (see the `lock` option). */
  readonly locked?: boolean;
  /** Who holds the lock, in words (with `locked`), for messages. */
  readonly lockedBy?: string;
  /** True when the GPU is lost (see `Device.isLost()`): never selected unless `includeLost`. */
  readonly lost?: boolean;
}
