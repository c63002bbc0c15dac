/**
 * The device field table: every field of a {@link DeviceSnapshot}, with the group of queries it
 * belongs to, its unit and how to read it. The snapshot type, `device.asSnapshot()` and the
 * cheap projection `device.read(keys)` are all derived from this one table; the collector, the
 * exporter, selection and the command line name the fields they need and read only those.
 *
 * Adding a field is one entry here (plus its NVML wrapper in `core/nvml` when it needs a new
 * call); HACKING.md walks through an example.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { InvalidInputError } from '../errors.js';
import { NA, type Maybe, type NotApplicable } from '../na.js';
import { bytes2human } from '../units.js';
import type {
  Bar1MemoryInfo,
  ClockInfos,
  ClockSpeedInfos,
  DeviceKind,
  MemoryInfo,
  ThroughputInfo,
  UtilizationRates,
} from '../snapshot-types.js';
import type { DeviceQueries } from './device-queries.js';
import { throughputHuman } from './snapshot-options.js';
import { NA_CLOCKS, percentOf } from './values.js';

/**
 * The unit of a numeric field, as NVML reports it: `'bytes'`, `'percent'`, `'MHz'`, `'mW'`,
 * `'celsius'`, `'KiB/s'`, `'count'` or `'ms'` (milliseconds since the Unix epoch); `null` for
 * text, flags, indices and records.
 */
export type FieldUnit = 'bytes' | 'percent' | 'MHz' | 'mW' | 'celsius' | 'KiB/s' | 'count' | 'ms' | null;

/** What a field's reader gets: the device and its memoised NVML queries. */
export interface FieldContext {
  /** The device. */
  readonly device: DeviceQueries;
  /**
   * An NVML query of the device: cached under `key` like the device's own queries (within
   * `oneshot()`, and for `permanent` facts for good), NA when NVML fails or the GPU is lost.
   */
  query<T>(key: string, fn: (handle: N.NvmlDeviceHandle) => T, permanent?: boolean): Maybe<T>;
  /** The MIG device index within its parent (NA for a GPU). */
  migIndex(): Maybe<number>;
  /** The CUDA ordinal (NA for devices not numbered by CUDA). */
  cudaIndex(): Maybe<number>;
  /** The MIG GPU instance id (NA for a GPU). */
  gpuInstanceId(): Maybe<number>;
  /** The MIG compute instance id (NA for a GPU). */
  computeInstanceId(): Maybe<number>;
}

/** One row of the table. */
export interface DeviceField<T = unknown, G extends string = string> {
  /** The group of queries (`asSnapshot({ include })` leaves whole groups out). */
  readonly group: G;
  /** The unit of the value (of each number in a record), or null. */
  readonly unit: FieldUnit;
  /** Reads the value (inside the device's `oneshot()`). */
  readonly read: (context: FieldContext) => T;
  /** The value when the field is not read (its group left out). */
  readonly na: T;
  /**
   * For a field that is a part or a rendering of another field's value (`memoryUsedHuman` of
   * `memoryInfo`): that field's key and how to get this one from its value. A record that reads
   * both reads the parent once and computes this from it; `read` still reads it alone.
   */
  readonly derive?: Derivation<T>;
}

/** How a field is computed from another field's value (see {@link DeviceField.derive}). */
export interface Derivation<T = unknown> {
  /** The key of the field it comes from. */
  readonly from: string;
  /** This field's value, from the parent's value. */
  readonly compute: (parent: never) => T;
}

/** `na` may be left out (it is NA) only for fields whose type has NA. */
type NaOption<T> = NotApplicable extends T ? { readonly na?: T } : { readonly na: T };

function field<T, G extends string>(group: G, unit: FieldUnit, read: (context: FieldContext) => T, options: NaOption<T>): DeviceField<T, G>;
function field<T, G extends string>(group: G, unit: FieldUnit, read: (context: FieldContext) => T, options: { readonly na?: T } = {}): DeviceField<T, G> {
  return { group, unit, read, na: (options.na ?? NA) as T };
}

/** A field derived from the field `from` (its value type `P`); `read` reads it alone. */
function derived<P, T, G extends string>(
  group: G,
  unit: FieldUnit,
  read: (context: FieldContext) => T,
  from: string,
  compute: (parent: P) => T,
  options: NaOption<T>,
): DeviceField<T, G> {
  const na = ((options as { readonly na?: T }).na ?? NA) as T;
  return { group, unit, read, na, derive: { from, compute: compute as (parent: never) => T } };
}

/** Identity fields: always read (they cost no NVML call, or one cached for good). */
function identity<T>(read: (context: FieldContext) => T, unit: FieldUnit = null): DeviceField<T, 'identity'> {
  return { group: 'identity', unit, read, na: undefined as unknown as T };
}

const NA_MEMORY: MemoryInfo = Object.freeze({ total: NA, free: NA, used: NA, reserved: NA });
const NA_BAR1: Bar1MemoryInfo = Object.freeze({ total: NA, free: NA, used: NA });
const NA_UTILIZATION: UtilizationRates = Object.freeze({ gpu: NA, memory: NA, encoder: NA, decoder: NA });
const NA_THROUGHPUT: ThroughputInfo = Object.freeze({ tx: NA, rx: NA });
const NA_SPEEDS: ClockSpeedInfos = Object.freeze({ current: NA_CLOCKS, max: NA_CLOCKS });
const NA_PAIR = 'N/A / N/A';

const copyIndex = (index: number | readonly [number, number]): number | readonly [number, number] =>
  typeof index === 'number' ? index : ([index[0], index[1]] as const);

/**
 * The fields, in snapshot order.
 *
 * @example
 * ```ts
 * DEVICE_FIELDS.memoryUsed.unit;  // 'bytes'
 * DEVICE_FIELDS.fanSpeed.group;   // 'sensors'
 * ```
 */
export const DEVICE_FIELDS = {
  /** The kind of device. */
  kind: identity((c): DeviceKind => c.device.kind),
  /** NVML index: a number for a physical GPU, `[parent, mig]` for a MIG device. */
  index: identity((c) => copyIndex(c.device.index)),
  /** The index of the physical GPU (the parent's for a MIG device). */
  physicalIndex: identity((c) => c.device.physicalIndex),
  /** The MIG device's index within its parent; NA for a physical GPU. */
  migIndex: identity((c) => c.migIndex()),
  /** The CUDA ordinal for CUDA devices; NA otherwise. */
  cudaIndex: identity((c) => c.cudaIndex()),
  /** `'3'` for a physical GPU, `'3:1'` for a MIG device. */
  displayIndex: identity((c) => c.device.displayIndex),
  /** Whether this is a MIG device. */
  isMigDevice: identity((c) => c.device.isMigDevice()),
  /** Product name (`'ERROR: GPU is Lost'` when the handle could not be obtained). */
  name: identity((c) => c.device.name()),
  /** `GPU-…` or `MIG-…` UUID. */
  uuid: identity((c) => c.device.uuid()),
  /** PCI bus id `00000000:01:00.0`. */
  busId: identity((c) => c.device.busId()),
  /** Board serial number. */
  serial: field('serial', null, (c) => c.device.serial(), {}),
  /** Memory information in bytes. */
  memoryInfo: field('memory', 'bytes', (c) => c.device.memoryInfo(), { na: NA_MEMORY }),
  /** Total memory in bytes. */
  memoryTotal: derived('memory', 'bytes', (c) => c.device.memoryTotal(), 'memoryInfo', (m: MemoryInfo) => m.total, {}),
  /** Used memory in bytes. */
  memoryUsed: derived('memory', 'bytes', (c) => c.device.memoryUsed(), 'memoryInfo', (m: MemoryInfo) => m.used, {}),
  /** Free memory in bytes. */
  memoryFree: derived('memory', 'bytes', (c) => c.device.memoryFree(), 'memoryInfo', (m: MemoryInfo) => m.free, {}),
  /** Total memory, human (`'81920MiB'`). */
  memoryTotalHuman: derived('memory', null, (c) => c.device.memoryTotalHuman(), 'memoryInfo', (m: MemoryInfo) => bytes2human(m.total), {}),
  /** Used memory, human. */
  memoryUsedHuman: derived('memory', null, (c) => c.device.memoryUsedHuman(), 'memoryInfo', (m: MemoryInfo) => bytes2human(m.used), {}),
  /** Free memory, human. */
  memoryFreeHuman: derived('memory', null, (c) => c.device.memoryFreeHuman(), 'memoryInfo', (m: MemoryInfo) => bytes2human(m.free), {}),
  /** Used / total in percent, one decimal. */
  memoryPercent: derived('memory', 'percent', (c) => c.device.memoryPercent(), 'memoryInfo', (m: MemoryInfo) => percentOf(m.used, m.total), {}),
  /** `'used / total'` human string. */
  memoryUsage: derived('memory', null, (c) => c.device.memoryUsage(), 'memoryInfo', (m: MemoryInfo) => `${bytes2human(m.used)} / ${bytes2human(m.total)}`, { na: NA_PAIR }),
  /** BAR1 memory in bytes. */
  bar1MemoryInfo: field('bar1', 'bytes', (c) => c.device.bar1MemoryInfo(), { na: NA_BAR1 }),
  /** Used BAR1 memory, human. */
  bar1MemoryUsedHuman: derived('bar1', null, (c) => c.device.bar1MemoryUsedHuman(), 'bar1MemoryInfo', (m: Bar1MemoryInfo) => bytes2human(m.used), {}),
  /** Used / total BAR1 memory in percent, one decimal. */
  bar1MemoryPercent: derived('bar1', 'percent', (c) => c.device.bar1MemoryPercent(), 'bar1MemoryInfo', (m: Bar1MemoryInfo) => percentOf(m.used, m.total), {}),
  /** Utilization rates in percent. */
  utilizationRates: field('utilization', 'percent', (c) => c.device.utilizationRates(), { na: NA_UTILIZATION }),
  /** GPU (SM activity) utilization in percent. */
  gpuUtilization: derived('utilization', 'percent', (c) => c.device.gpuUtilization(), 'utilizationRates', (u: UtilizationRates) => u.gpu, {}),
  /** Memory bandwidth utilization in percent. */
  memoryUtilization: derived('utilization', 'percent', (c) => c.device.memoryUtilization(), 'utilizationRates', (u: UtilizationRates) => u.memory, {}),
  /** Encoder utilization in percent. */
  encoderUtilization: derived('encoderDecoder', 'percent', (c) => c.device.encoderUtilization(), 'utilizationRates', (u: UtilizationRates) => u.encoder, {}),
  /** Decoder utilization in percent. */
  decoderUtilization: derived('encoderDecoder', 'percent', (c) => c.device.decoderUtilization(), 'utilizationRates', (u: UtilizationRates) => u.decoder, {}),
  /** Current clocks in MHz. */
  clockInfos: field('clocks', 'MHz', (c) => c.device.clockInfos(), { na: NA_CLOCKS }),
  /** Maximum clocks in MHz. */
  maxClockInfos: field('maxClocks', 'MHz', (c) => c.device.maxClockInfos(), { na: NA_CLOCKS }),
  /** Current and maximum clocks. */
  clockSpeedInfos: field('clocks', 'MHz', (c) => c.device.clockSpeedInfos(), { na: NA_SPEEDS }),
  /** Current SM clock in MHz. */
  smClock: derived('clocks', 'MHz', (c) => c.device.smClock(), 'clockInfos', (clocks: ClockInfos) => clocks.sm, {}),
  /** Current memory clock in MHz. */
  memoryClock: derived('clocks', 'MHz', (c) => c.device.memoryClock(), 'clockInfos', (clocks: ClockInfos) => clocks.memory, {}),
  /** Fan speed in percent of the maximum (may exceed 100). */
  fanSpeed: field('sensors', 'percent', (c) => c.device.fanSpeed(), {}),
  /** GPU temperature in Celsius. */
  temperature: field('sensors', 'celsius', (c) => c.device.temperature(), {}),
  /** Power draw in milliwatts. */
  powerUsage: field('sensors', 'mW', (c) => c.device.powerUsage(), {}),
  /** Power management limit in milliwatts. */
  powerLimit: field('sensors', 'mW', (c) => c.device.powerLimit(), {}),
  /** `'66W / 250W'`. */
  powerStatus: field('sensors', null, (c) => c.device.powerStatus(), { na: NA_PAIR }),
  /** PCIe throughput in KiB/s. */
  pcieThroughput: field('pcie', 'KiB/s', (c) => c.device.pcieThroughput(), { na: NA_THROUGHPUT }),
  /** PCIe TX throughput in KiB/s. */
  pcieTxThroughput: derived('pcie', 'KiB/s', (c) => c.device.pcieTxThroughput(), 'pcieThroughput', (t: ThroughputInfo) => t.tx, {}),
  /** PCIe RX throughput in KiB/s. */
  pcieRxThroughput: derived('pcie', 'KiB/s', (c) => c.device.pcieRxThroughput(), 'pcieThroughput', (t: ThroughputInfo) => t.rx, {}),
  /** PCIe TX throughput, human (`'1000KiB/s'`). */
  pcieTxThroughputHuman: derived('pcie', null, (c) => c.device.pcieTxThroughputHuman(), 'pcieThroughput', (t: ThroughputInfo) => throughputHuman(t.tx), {}),
  /** PCIe RX throughput, human. */
  pcieRxThroughputHuman: derived('pcie', null, (c) => c.device.pcieRxThroughputHuman(), 'pcieThroughput', (t: ThroughputInfo) => throughputHuman(t.rx), {}),
  /** `'Enabled'`/`'Disabled'`: a display is initialised on the GPU. */
  displayActive: field('modes', null, (c) => c.device.displayActive(), {}),
  /** `'Enabled'`/`'Disabled'`: a monitor is connected. */
  displayMode: field('displayMode', null, (c) => c.device.displayMode(), {}),
  /** Windows driver model: `'WDDM'`, `'WDM'` (TCC) or `'MCDM'`. */
  currentDriverModel: field('driverModel', null, (c) => c.device.currentDriverModel(), {}),
  /** `'Enabled'`/`'Disabled'`. */
  persistenceMode: field('modes', null, (c) => c.device.persistenceMode(), {}),
  /** `'P0'` … `'P15'`. */
  performanceState: field('modes', null, (c) => c.device.performanceState(), {}),
  /** Volatile uncorrected ECC error count. */
  totalVolatileUncorrectedEccErrors: field('modes', 'count', (c) => c.device.totalVolatileUncorrectedEccErrors(), {}),
  /** `'Default'`, `'Exclusive Thread'`, `'Prohibited'` or `'Exclusive Process'`. */
  computeMode: field('modes', null, (c) => c.device.computeMode(), {}),
  /** CUDA compute capability `[major, minor]`. */
  cudaComputeCapability: field('computeCapability', null, (c) => c.device.cudaComputeCapability(), {}),
  /** `'Enabled'`/`'Disabled'` (NA for MIG devices and GPUs without MIG). */
  migMode: field('mig', null, (c) => c.device.migMode(), {}),
  /** GPU instance id of a MIG device; NA otherwise. */
  gpuInstanceId: identity((c) => c.gpuInstanceId()),
  /** Compute instance id of a MIG device; NA otherwise. */
  computeInstanceId: identity((c) => c.computeInstanceId()),
  /** Milliseconds since the Unix epoch when the snapshot was taken. */
  timestamp: identity(() => Date.now(), 'ms'),
};

/** The table's type. */
type Fields = typeof DEVICE_FIELDS;

/**
 * The name of a device field: a key of {@link DeviceSnapshot}, what `device.read(keys)` takes.
 *
 * @useDeclaredType
 */
export type DeviceFieldKey = keyof Fields;

/**
 * The groups of fields `Device.asSnapshot()` can leave out (all are read by default), as the
 * device field table assigns them: `memory`, `bar1`, `utilization`, `encoderDecoder`, `clocks`,
 * `maxClocks`, `sensors` (fan, temperature, power), `pcie`, `modes` (display, persistence,
 * performance state, ECC, compute mode), `displayMode`, `driverModel`, `computeCapability`,
 * `serial`, `mig`. The identity fields (kind, indices, name, UUID, bus id, MIG instance ids,
 * timestamp) are always read.
 *
 * @useDeclaredType
 */
export type SnapshotGroup = Exclude<Fields[DeviceFieldKey]['group'], 'identity'>;

/**
 * Everything about one device at one moment (nvitop's `PhysicalDeviceSnapshot` and
 * `MigDeviceSnapshot`, with camelCase keys): one property per entry of the device field table.
 *
 * @interface
 */
export type DeviceSnapshot = { readonly [K in keyof typeof DEVICE_FIELDS]: ReturnType<(typeof DEVICE_FIELDS)[K]['read']> };

const ALL_KEYS = Object.keys(DEVICE_FIELDS) as DeviceFieldKey[];
const ALWAYS = new Set<DeviceFieldKey>(ALL_KEYS.filter((key) => DEVICE_FIELDS[key].group === 'identity'));

type Reader = (context: FieldContext) => Record<string, unknown>;
type Read = (context: FieldContext) => unknown;

/**
 * A reader that builds one record from a fixed list of fields: the `read` ones are read, the
 * others hold their NA value. It is generated as a single object literal,
 * `(context) => ({ "kind": reads[0](context), "serial": nas[1], … })`, so V8 sees one call site
 * per field (each can be inlined) and gives the record the fast layout of a literal; a loop over
 * the table with computed-key stores is slower to warm up and turns a record of more than about
 * 16 keys into a dictionary. A derived field whose parent is read too is computed from the
 * parent's value (read once, into a local) instead of being read again. The code is made only
 * from this module's own keys.
 */
function compileRecord(keys: readonly DeviceFieldKey[], read: (key: DeviceFieldKey) => boolean): Reader {
  const fields = keys.map((key) => DEVICE_FIELDS[key] as DeviceField);
  const reads = fields.map((field) => field.read as Read);
  const nas = fields.map((field) => field.na as unknown);
  const computes = fields.map((field) => (field.derive?.compute ?? null) as ((parent: unknown) => unknown) | null);
  const position = new Map(keys.map((key, i) => [key as string, i]));
  const parentOf = (i: number): number | undefined => {
    const from = fields[i]?.derive?.from;
    const at = from === undefined ? undefined : position.get(from);
    return at !== undefined && read(keys[at] as DeviceFieldKey) ? at : undefined;
  };
  const parents = new Set<number>();
  keys.forEach((key, i) => {
    const parent = parentOf(i);
    if (read(key) && parent !== undefined) parents.add(parent);
  });
  const locals = [...parents].sort((a, b) => a - b).map((i) => `const v${i} = reads[${i}](context);`);
  const properties = keys.map((key, i) => {
    const parent = parentOf(i);
    const value = !read(key) ? `nas[${i}]` : parents.has(i) ? `v${i}` : parent !== undefined ? `computes[${i}](v${parent})` : `reads[${i}](context)`;
    return `${JSON.stringify(key)}: ${value}`;
  });
  const body = `'use strict';\nreturn (context) => {\n${locals.join('\n')}\nreturn {\n${properties.join(',\n')}\n};\n};`;
  const build = new Function('reads', 'nas', 'computes', body) as (reads: readonly Read[], nas: readonly unknown[], computes: readonly (((parent: unknown) => unknown) | null)[]) => Reader;
  return build(reads, nas, computes);
}

function checkKeys(keys: Iterable<string>): void {
  for (const key of keys) if (!Object.hasOwn(DEVICE_FIELDS, key)) throw new InvalidInputError('device field', key, `one of ${ALL_KEYS.join(', ')}`);
}

/** Readers prepared per key list (callers pass constant arrays, so each is prepared once). */
const readers = new WeakMap<readonly string[], Reader>();

function compile(keys: readonly DeviceFieldKey[]): Reader {
  checkKeys(keys);
  return compileRecord(keys, () => true);
}

/**
 * The named fields of a device (call inside its `oneshot()`).
 *
 * @throws {@link InvalidInputError} for a key that is not a field.
 */
export function readFields<K extends DeviceFieldKey>(context: FieldContext, keys: readonly K[]): Pick<DeviceSnapshot, K> {
  let reader = readers.get(keys);
  if (reader === undefined) {
    reader = compile(keys);
    readers.set(keys, reader);
  }
  return reader(context) as Pick<DeviceSnapshot, K>;
}

/** Snapshot readers per selection plan (which fields are read: a `0`/`1` string over the table). */
const snapshotReaders = new Map<string, Reader>();
const fullSnapshot = compileRecord(ALL_KEYS, () => true);

/**
 * Options of `Device.asSnapshot()`: every field is read, less the groups `include` leaves out,
 * and only the `fields` named if any; the others are NA.
 *
 * @example
 * ```ts
 * device.asSnapshot({ include: { pcie: false } });
 * device.asSnapshot({ fields: ['memoryUsed', 'gpuUtilization'] });
 * ```
 */
export interface SnapshotOptions {
  /** Set a group to `false` to leave its fields out (they are NA). */
  readonly include?: Partial<Record<SnapshotGroup, boolean>>;
  /** Read only these fields (and the identity ones); the others are NA. */
  readonly fields?: readonly DeviceFieldKey[];
}

/**
 * A full snapshot of a device (call inside its `oneshot()`): the fields the selection keeps are
 * read, the others hold their NA value.
 *
 * @throws {@link InvalidInputError} for a field name that is not a field.
 */
export function snapshotOf(context: FieldContext, selection: SnapshotOptions = {}): DeviceSnapshot {
  const { include, fields } = selection;
  if (include === undefined && fields === undefined) return fullSnapshot(context) as DeviceSnapshot;
  if (fields !== undefined) checkKeys(fields);
  const named = fields === undefined ? null : new Set<string>(fields);
  const wanted = (key: DeviceFieldKey): boolean =>
    ALWAYS.has(key) || ((include?.[DEVICE_FIELDS[key].group as SnapshotGroup] ?? true) && (named === null || named.has(key)));
  const plan = ALL_KEYS.map((key) => (wanted(key) ? '1' : '0')).join('');
  let reader = snapshotReaders.get(plan);
  if (reader === undefined) {
    reader = compileRecord(ALL_KEYS, wanted);
    snapshotReaders.set(plan, reader);
  }
  return reader(context) as DeviceSnapshot;
}
