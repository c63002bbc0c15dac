/**
 * The versioned NVML functions: one record per family (the base name), with its variants newest
 * first. A variant names its symbol, the struct it fills, how to write the call's input and how
 * to read its output; the binding chooses one variant per family at first use (the first whose
 * symbol the library exports and whose condition holds), as NVIDIA's go-nvml does at init, and
 * falls back to the next one if the chosen symbol answers FUNCTION_NOT_FOUND at run time.
 *
 * Families whose variants share one C signature (`nvmlDeviceGetCount_v2` / `nvmlDeviceGetCount`)
 * need only their symbols: the caller's arguments fit each. The others (memory, temperature, the
 * process lists) say per variant how to call it and read it, so a caller never checks afterwards
 * which symbol ran.
 *
 * @module
 */
import type { TypeObject } from 'koffi';

import { NA, type Maybe } from '../na.js';
import { NVML_TEMPERATURE_GPU, NVML_VALUE_NOT_AVAILABLE_UINT } from './constants.js';
import { raw, type NvmlDeviceHandle } from './handle.js';
import {
  nvmlMemory_t,
  nvmlMemory_v2,
  nvmlMemory_v2_t,
  nvmlProcessDetail_v1_t,
  nvmlProcessInfo_v1_t,
  nvmlProcessInfo_v2_t,
  nvmlTemperature_v1,
  nvmlTemperature_v1_t,
  offsetOf,
  sizeOf,
} from './structs.js';

/** One symbol of a family. */
export interface Variant {
  /** The exported C symbol. */
  readonly symbol: string;
  /** The struct the call reads or fills, when it takes one. */
  readonly struct?: TypeObject;
  /**
   * A condition besides the symbol being exported (probes for layouts a symbol name does not
   * tell apart); `has` says whether the library exports a symbol.
   */
  readonly when?: (has: (symbol: string) => boolean) => boolean;
}

/** A variant that writes its own arguments from the family's input and reads its own output. */
export interface IoVariant<I, O> extends Variant {
  /** The call's arguments for `input` (writing it into the variant's buffers). */
  readonly args: (input: I) => unknown[];
  /** The output, read from the variant's buffers after the call succeeded. */
  readonly read: (input: I) => O;
}

/** A process-list variant: the entry struct and how to read one entry. */
export interface ListVariant<E> extends Variant {
  /** The entry struct (its size is the stride of the array NVML fills). */
  readonly struct: TypeObject;
  /** Reads the entry at byte `offset` of `buffer`. */
  readonly entry: (buffer: Buffer, offset: number) => E;
}

/** A versioned family: its name (the base symbol) and its variants, newest first. */
export interface Family<V extends Variant = Variant> {
  /** The family's name: the base symbol. */
  readonly name: string;
  /** The variants, newest first. */
  readonly variants: readonly V[];
}

const ULLONG_MAX = 0xffffffffffffffffn;

/** A uint64 as a number; ULLONG_MAX ("not available") becomes NA. */
export function readU64(buffer: Buffer, offset: number): Maybe<number> {
  const value = buffer.readBigUInt64LE(offset);
  return value === ULLONG_MAX ? NA : Number(value);
}

/** A uint32 that may be NVML's 0xFFFFFFFF "not available" marker. */
export function maybeU32(value: number): Maybe<number> {
  return value === NVML_VALUE_NOT_AVAILABLE_UINT ? NA : value;
}

const same = (...symbols: string[]): Variant[] => symbols.map((symbol) => ({ symbol }));

/** The families whose variants share one signature, by name. */
export const SAME_SHAPE_FAMILIES: Readonly<Record<string, Family>> = Object.freeze({
  nvmlSystemGetCudaDriverVersion: { name: 'nvmlSystemGetCudaDriverVersion', variants: same('nvmlSystemGetCudaDriverVersion', 'nvmlSystemGetCudaDriverVersion_v2') },
  nvmlDeviceGetCount: { name: 'nvmlDeviceGetCount', variants: same('nvmlDeviceGetCount_v2', 'nvmlDeviceGetCount') },
  nvmlDeviceGetHandleByIndex: { name: 'nvmlDeviceGetHandleByIndex', variants: same('nvmlDeviceGetHandleByIndex_v2', 'nvmlDeviceGetHandleByIndex') },
  nvmlDeviceGetHandleByPciBusId: { name: 'nvmlDeviceGetHandleByPciBusId', variants: same('nvmlDeviceGetHandleByPciBusId_v2', 'nvmlDeviceGetHandleByPciBusId') },
  // The three write the same nvmlPciInfo_t; older ones leave the 32-byte busId shorter.
  nvmlDeviceGetPciInfo: { name: 'nvmlDeviceGetPciInfo', variants: same('nvmlDeviceGetPciInfo_v3', 'nvmlDeviceGetPciInfo_v2', 'nvmlDeviceGetPciInfo') },
  nvmlDeviceGetDriverModel: { name: 'nvmlDeviceGetDriverModel', variants: same('nvmlDeviceGetDriverModel_v2', 'nvmlDeviceGetDriverModel') },
});

/** `nvmlInitWithFlags(0)`, else `nvmlInit_v2()`. */
export const INIT: Family<IoVariant<void, void>> = {
  name: 'nvmlInit',
  variants: [
    { symbol: 'nvmlInitWithFlags', args: () => [0], read: () => undefined },
    { symbol: 'nvmlInit_v2', args: () => [], read: () => undefined },
  ],
};

/** Device memory in bytes; `reserved` is NA from the v1 call. */
export interface NvmlMemoryInfo {
  /** Total bytes. */
  readonly total: Maybe<number>;
  /** Free bytes. */
  readonly free: Maybe<number>;
  /** Used bytes (v2: allocated only; v1: reserved + allocated). */
  readonly used: Maybe<number>;
  /** Driver-reserved bytes (v2 only). */
  readonly reserved: Maybe<number>;
}

// Scratch buffers: NVML calls are synchronous, so one per struct serves every call.
const memoryV2 = Buffer.alloc(sizeOf(nvmlMemory_v2_t));
const memoryV1 = Buffer.alloc(sizeOf(nvmlMemory_t));
const temperatureV = Buffer.alloc(sizeOf(nvmlTemperature_v1_t));
const temperatureOut = new Uint32Array(1);

const MEM_V2 = {
  total: offsetOf(nvmlMemory_v2_t, 'total'),
  reserved: offsetOf(nvmlMemory_v2_t, 'reserved'),
  free: offsetOf(nvmlMemory_v2_t, 'free'),
  used: offsetOf(nvmlMemory_v2_t, 'used'),
};
const MEM_V1 = { total: offsetOf(nvmlMemory_t, 'total'), free: offsetOf(nvmlMemory_t, 'free'), used: offsetOf(nvmlMemory_t, 'used') };
const TEMP_V = { sensorType: offsetOf(nvmlTemperature_v1_t, 'sensorType'), temperature: offsetOf(nvmlTemperature_v1_t, 'temperature') };

/**
 * `nvmlDeviceGetMemoryInfo_v2` (an `nvmlMemory_v2_t` carrying its version word, 0x02000028; R510
 * and later), else `nvmlDeviceGetMemoryInfo` (`nvmlMemory_t`, where used includes reserved).
 */
export const MEMORY_INFO: Family<IoVariant<NvmlDeviceHandle, NvmlMemoryInfo>> = {
  name: 'nvmlDeviceGetMemoryInfo',
  variants: [
    {
      symbol: 'nvmlDeviceGetMemoryInfo_v2',
      struct: nvmlMemory_v2_t,
      args: (handle) => {
        memoryV2.fill(0);
        memoryV2.writeUInt32LE(nvmlMemory_v2, 0);
        return [raw(handle), memoryV2];
      },
      read: () => ({
        total: readU64(memoryV2, MEM_V2.total),
        reserved: readU64(memoryV2, MEM_V2.reserved),
        free: readU64(memoryV2, MEM_V2.free),
        used: readU64(memoryV2, MEM_V2.used),
      }),
    },
    {
      symbol: 'nvmlDeviceGetMemoryInfo',
      struct: nvmlMemory_t,
      args: (handle) => {
        memoryV1.fill(0);
        return [raw(handle), memoryV1];
      },
      read: () => ({ total: readU64(memoryV1, MEM_V1.total), free: readU64(memoryV1, MEM_V1.free), used: readU64(memoryV1, MEM_V1.used), reserved: NA }),
    },
  ],
};

/**
 * The GPU die temperature in Celsius: `nvmlDeviceGetTemperatureV` (an `nvmlTemperature_v1_t`
 * with its version word and sensor type; R570 and later), else `nvmlDeviceGetTemperature` with
 * the sensor as an argument.
 */
export const TEMPERATURE: Family<IoVariant<NvmlDeviceHandle, number>> = {
  name: 'nvmlDeviceGetTemperature',
  variants: [
    {
      symbol: 'nvmlDeviceGetTemperatureV',
      struct: nvmlTemperature_v1_t,
      args: (handle) => {
        temperatureV.fill(0);
        temperatureV.writeUInt32LE(nvmlTemperature_v1, 0);
        temperatureV.writeInt32LE(NVML_TEMPERATURE_GPU, TEMP_V.sensorType);
        return [raw(handle), temperatureV];
      },
      read: () => temperatureV.readInt32LE(TEMP_V.temperature),
    },
    {
      symbol: 'nvmlDeviceGetTemperature',
      args: (handle) => [raw(handle), NVML_TEMPERATURE_GPU, temperatureOut],
      read: () => temperatureOut[0] as number,
    },
  ],
};

/** One entry of a running-process list. */
export interface NvmlProcessInfo {
  /** Process id. */
  readonly pid: number;
  /** GPU memory in bytes (NA when NVML does not know, e.g. under WDDM). */
  readonly usedGpuMemory: Maybe<number>;
  /** MIG GPU instance id (NA when not MIG, and from the base call, whose entries lack it). */
  readonly gpuInstanceId: Maybe<number>;
  /** MIG compute instance id (NA likewise). */
  readonly computeInstanceId: Maybe<number>;
}

const PROC_V1 = { pid: offsetOf(nvmlProcessInfo_v1_t, 'pid'), usedGpuMemory: offsetOf(nvmlProcessInfo_v1_t, 'usedGpuMemory') };
const PROC_V2 = {
  pid: offsetOf(nvmlProcessInfo_v2_t, 'pid'),
  usedGpuMemory: offsetOf(nvmlProcessInfo_v2_t, 'usedGpuMemory'),
  gpuInstanceId: offsetOf(nvmlProcessInfo_v2_t, 'gpuInstanceId'),
  computeInstanceId: offsetOf(nvmlProcessInfo_v2_t, 'computeInstanceId'),
};
const PROC_DETAIL = {
  pid: offsetOf(nvmlProcessDetail_v1_t, 'pid'),
  usedGpuMemory: offsetOf(nvmlProcessDetail_v1_t, 'usedGpuMemory'),
  gpuInstanceId: offsetOf(nvmlProcessDetail_v1_t, 'gpuInstanceId'),
  computeInstanceId: offsetOf(nvmlProcessDetail_v1_t, 'computeInstanceId'),
};

/** Reads an `nvmlProcessInfo_v2_t`-shaped entry (the detail struct starts the same way). */
function entryWithIds(offsets: typeof PROC_V2): (buffer: Buffer, at: number) => NvmlProcessInfo {
  return (buffer, at) => ({
    pid: buffer.readUInt32LE(at + offsets.pid),
    usedGpuMemory: readU64(buffer, at + offsets.usedGpuMemory),
    gpuInstanceId: maybeU32(buffer.readUInt32LE(at + offsets.gpuInstanceId)),
    computeInstanceId: maybeU32(buffer.readUInt32LE(at + offsets.computeInstanceId)),
  });
}

const entryV1 = (buffer: Buffer, at: number): NvmlProcessInfo => ({
  pid: buffer.readUInt32LE(at + PROC_V1.pid),
  usedGpuMemory: readU64(buffer, at + PROC_V1.usedGpuMemory),
  gpuInstanceId: NA,
  computeInstanceId: NA,
});

/**
 * R535-era libraries (they export `nvmlDeviceGetConfComputeMemSizeInfo` but not yet
 * `nvmlDeviceGetRunningProcessDetailList`) write 32-byte `nvmlProcessDetail_v1_t` entries from
 * the `_v3` calls; earlier and later ones 24-byte `nvmlProcessInfo_v2_t` (nvml-abi.md §4.4).
 */
const r535 = (has: (symbol: string) => boolean): boolean =>
  has('nvmlDeviceGetConfComputeMemSizeInfo') && !has('nvmlDeviceGetRunningProcessDetailList');

function processFamily(base: string): Family<ListVariant<NvmlProcessInfo>> {
  return {
    name: base,
    variants: [
      { symbol: `${base}_v3`, struct: nvmlProcessDetail_v1_t, when: r535, entry: entryWithIds(PROC_DETAIL) },
      { symbol: `${base}_v3`, struct: nvmlProcessInfo_v2_t, entry: entryWithIds(PROC_V2) },
      { symbol: `${base}_v2`, struct: nvmlProcessInfo_v2_t, entry: entryWithIds(PROC_V2) },
      { symbol: base, struct: nvmlProcessInfo_v1_t, entry: entryV1 },
    ],
  };
}

/** Compute processes: `_v3`, `_v2`, base (entry layouts as above). */
export const COMPUTE_PROCESSES = processFamily('nvmlDeviceGetComputeRunningProcesses');
/** Graphics processes: `_v3`, `_v2`, base. */
export const GRAPHICS_PROCESSES = processFamily('nvmlDeviceGetGraphicsRunningProcesses');
