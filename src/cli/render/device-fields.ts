/**
 * The strings of the device table's cells, from a device snapshot, as nvitop shows them:
 * `On`/`Off`, `E. Process`, `MAX` fan speed, `N/A` for what is unknown.
 *
 * @module
 */
import { host, isNA, utilization2string, type DeviceSnapshot, type Maybe } from '../../core/index.js';
import { cutString, padStart } from './text.js';

/**
 * The cell strings of one device row.
 *
 * @example
 * ```ts
 * const { name, powerStatus }: DeviceFields = deviceFields(snapshot);
 * ```
 */
export interface DeviceFields {
  /** `'0'` (physical index). */
  readonly index: string;
  /** Name without the `NVIDIA ` prefix, cut to 19 columns keeping the end (MIG: the profile, `1g.10gb`). */
  readonly name: string;
  /** Persistence mode `On`/`Off` (Windows: driver model `WDDM`/`TCC`). */
  readonly persistenceMode: string;
  /** Bus id. */
  readonly busId: string;
  /** Display active `On`/`Off`. */
  readonly displayActive: string;
  /** Volatile uncorrected ECC errors. */
  readonly ecc: string;
  /** MIG mode `Enabled`/`Disabled`, or `N/A ` (with a space, as nvitop aligns it). */
  readonly migMode: string;
  /** `NN%`, `MAX` from 100 %, or `N/A`. */
  readonly fanSpeed: string;
  /** `NNC`. */
  readonly temperature: string;
  /** `P0` … `P15`. */
  readonly performanceState: string;
  /** `66W / 250W`. */
  readonly powerStatus: string;
  /** `used / total` (MIG: total right-aligned to 8 columns). */
  readonly memoryUsage: string;
  /** `NN%`. */
  readonly gpuUtilization: string;
  /** `Default`, `E. Thread`, `Prohibited`, `E. Process`. */
  readonly computeMode: string;
  /** MIG index within the parent. */
  readonly migIndex: string;
  /** MIG GPU instance id. */
  readonly gpuInstanceId: string;
  /** MIG compute instance id. */
  readonly computeInstanceId: string;
  /** Used BAR1 memory, human. */
  readonly bar1MemoryUsed: string;
  /** BAR1 memory percent, rounded (`MAX` from 100 %). */
  readonly bar1MemoryPercent: string;
}

const text = (value: Maybe<string | number>): string => (isNA(value) ? 'N/A' : `${value}`);
const onOff = (value: Maybe<string>): string => (value === 'Enabled' ? 'On' : value === 'Disabled' ? 'Off' : text(value));

/**
 * The cell strings of a device snapshot.
 *
 * @example
 * ```ts
 * deviceFields(snapshot).name;     // 'A100-SXM4-80GB'
 * deviceFields(snapshot).fanSpeed; // 'MAX' at 100 % and above
 * ```
 */
export function deviceFields(device: DeviceSnapshot, options: { windows?: boolean } = {}): DeviceFields {
  let name = text(device.name);
  if (name.startsWith('NVIDIA ')) name = name.slice('NVIDIA '.length);
  if (device.isMigDevice) name = name.slice(name.lastIndexOf(' ') + 1);
  else name = cutString(name, 19, '..', 'right');
  const fan = device.fanSpeed;
  const fanSpeed = !isNA(fan) && fan >= 100 ? 'MAX' : text(utilization2string(fan));
  const bar1 = device.bar1MemoryPercent;
  let bar1MemoryPercent = 'N/A';
  if (!isNA(bar1)) {
    const rounded = host.pyRound(bar1);
    bar1MemoryPercent = rounded >= 100 ? 'MAX' : `${rounded}%`;
  }
  const persistence = options.windows === true ? text(device.currentDriverModel).replace('WDM', 'TCC') : onOff(device.persistenceMode);
  const memoryUsage = device.isMigDevice
    ? `${text(device.memoryUsedHuman)} / ${padStart(text(device.memoryTotalHuman), 8)}`
    : `${text(device.memoryUsedHuman)} / ${text(device.memoryTotalHuman)}`;
  return {
    index: `${device.physicalIndex}`,
    name,
    persistenceMode: persistence,
    busId: text(device.busId),
    displayActive: onOff(device.displayActive),
    ecc: text(device.totalVolatileUncorrectedEccErrors),
    migMode: isNA(device.migMode) ? 'N/A ' : device.migMode,
    fanSpeed,
    temperature: isNA(device.temperature) ? 'N/A' : `${device.temperature}C`,
    performanceState: text(device.performanceState),
    powerStatus: device.powerStatus,
    memoryUsage,
    gpuUtilization: text(utilization2string(device.gpuUtilization)),
    computeMode: text(device.computeMode).replace('Exclusive', 'E.'),
    migIndex: text(device.migIndex),
    gpuInstanceId: text(device.gpuInstanceId),
    computeInstanceId: text(device.computeInstanceId),
    bar1MemoryUsed: text(device.bar1MemoryUsedHuman),
    bar1MemoryPercent,
  };
}
