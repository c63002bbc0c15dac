/**
 * Device lists shared by `takeSnapshots` and the collector: every device plus its MIG devices,
 * and the leaf devices whose processes are listed.
 *
 * @module
 */
import type { Device } from '../core/index.js';

/** Every device (each followed by its MIG devices) and the leaf devices. @internal */
export interface ExpandedDevices {
  /** The devices and, after each MIG-enabled GPU, its MIG devices. */
  readonly all: Device[];
  /** The devices whose processes are listed: MIG devices where MIG is on, else the device. */
  readonly leaves: Device[];
}

/** Expands devices with their MIG devices (nvitop's `all_devices` / `leaf_devices`). @internal */
export function expandDevices(devices: Iterable<Device>): ExpandedDevices {
  const all: Device[] = [];
  const leaves: Device[] = [];
  for (const device of devices) {
    all.push(device);
    const migs = device.isMigDevice() ? [] : device.migDevices();
    if (migs.length > 0) {
      all.push(...migs);
      leaves.push(...migs);
    } else {
      leaves.push(device);
    }
  }
  return { all, leaves };
}

/** A key that tells devices apart (kind, NVML index, CUDA ordinal). @internal */
export function deviceIdentity(device: Device): string {
  const cuda = 'cudaIndex' in device ? `cuda${String((device as { cudaIndex: unknown }).cudaIndex)}@` : '';
  return `${cuda}${device.kind}:${device.displayIndex}`;
}
