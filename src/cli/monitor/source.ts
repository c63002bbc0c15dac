/**
 * The monitor's default data source when the caller passes no `gather`: every device (physical
 * devices with their MIG devices), every GPU process, the host, at one moment. The device list
 * is fixed when the source is made (as nvitop does), so a GPU that gets lost keeps its row
 * and shows N/A.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

import { Device, GpuProcess, host, nvmlUnknownFunctions, type DeviceSnapshot, type GpuProcessSnapshot } from '../../core/index.js';
import type { StatusData, StatusDevice } from '../render/types.js';

let cachedVersion: string | undefined;

/**
 * nvitop-node's version (from package.json).
 *
 * @example
 * ```ts
 * packageVersion(); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const url = new URL('../../../package.json', import.meta.url);
      cachedVersion = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

/**
 * A gather function over all devices (no filters).
 *
 * @example
 * ```ts
 * const gather = createDefaultSource();
 * const data = gather();
 * data.devices.length;
 * ```
 */
export function createDefaultSource(): () => StatusData {
  const devices = Device.all();
  const migs = devices.map((d) => d.migDevices());
  const driverVersion = Device.driverVersion();
  const cudaDriverVersion = Device.cudaDriverVersion();
  return () => {
    const statusDevices: StatusDevice[] = [];
    const processes: GpuProcessSnapshot[] = [];
    devices.forEach((device, i) => {
      const snapshot: DeviceSnapshot = device.asSnapshot();
      const migDevices = (migs[i] ?? []).map((m) => m.asSnapshot());
      statusDevices.push({ device: snapshot, migDevices });
      const leaves = (migs[i] ?? []).length > 0 ? (migs[i] ?? []) : [device];
      for (const leaf of leaves) {
        let map;
        try {
          map = leaf.processes();
        } catch {
          continue;
        }
        processes.push(...GpuProcess.takeSnapshots(map.values(), { failsafe: true }));
      }
    });
    const hostSnapshot = host.takeHostSnapshot();
    return {
      version: packageVersion(),
      driverVersion,
      cudaDriverVersion,
      devices: statusDevices,
      processes,
      host: hostSnapshot,
      currentUser: hostSnapshot.username,
      hostname: hostSnapshot.hostname,
      missingFunctions: nvmlUnknownFunctions(),
      timestamp: Date.now(),
    };
  };
}
