/**
 * Turns devices into {@link SelectionCandidate} records: leaf devices only (a MIG-enabled GPU
 * becomes its MIG devices), with just the queries selection needs (memory, utilization, UUID;
 * processes only for `freeAccounts`; the lock state only with `lock`). A full `asSnapshot()`
 * would also ask for clocks, power and PCIe throughput, which cost real drivers milliseconds.
 *
 * @module
 */
import { GpuProcess, isNA, type Device } from '../core/index.js';
import { SELECTION_FIELDS, type CandidateProcess, type SelectionCandidate } from './candidate.js';
import { describeLockHolder, deviceLockHolders } from './lock/index.js';

/** A candidate backed by a live device. */
export interface DeviceCandidate extends SelectionCandidate {
  /** The leaf device. */
  readonly device: Device;
}

/** What to gather besides the basic figures. */
export interface GatherOptions {
  /** Read each device's processes (owner and GPU memory), for `freeAccounts`. */
  readonly processes?: boolean;
  /** Check each device's lock in this folder (`undefined`: do not check). */
  readonly lockDir?: string | undefined;
}

function processesOf(device: Device): CandidateProcess[] {
  return GpuProcess.failsafe(() =>
    [...device.processes().values()].map((process) => ({ username: process.username(), gpuMemory: process.gpuMemory() })),
  );
}

/**
 * The selectable leaf devices of `devices`, as candidates.
 *
 * @example
 * ```ts
 * const candidates = gatherCandidates(Device.all(), { processes: true });
 * ```
 */
export function gatherCandidates(devices: Iterable<Device>, options: GatherOptions = {}): DeviceCandidate[] {
  const candidates: DeviceCandidate[] = [];
  for (const device of devices) {
    for (const leaf of device.toLeafDevices()) {
      candidates.push(
        leaf.oneshot(() => {
          const figures = leaf.read(SELECTION_FIELDS);
          const uuid = figures.uuid;
          const holders = options.lockDir === undefined || isNA(uuid) ? [] : deviceLockHolders(uuid, { dir: options.lockDir });
          const locked = options.lockDir === undefined ? undefined : isNA(uuid) || holders.length > 0;
          const holder = holders[0];
          return {
            device: leaf,
            ...figures,
            ...(options.processes === true ? { processes: processesOf(leaf) } : {}),
            ...(locked === undefined ? {} : { locked }),
            ...(holder === undefined ? {} : { lockedBy: describeLockHolder(holder) }),
            lost: leaf.isLost(),
          };
        }),
      );
    }
  }
  return candidates;
}
