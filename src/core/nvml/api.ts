/**
 * Typed NVML calls: each function takes JS values, calls the newest symbol the library exports,
 * and returns plain JS values or throws an {@link NvmlError}. Values NVML marks "not available"
 * (ULLONG_MAX, 0xFFFFFFFF) come back as {@link NA}; 64-bit values are numbers.
 *
 * This module and its siblings are the only code that knows C.
 *
 * @module
 */
import { NA, type Maybe } from '../na.js';
import { NvmlError } from './errors.js';
import { nvml } from './library.js';
import { NVML_ERROR_INSUFFICIENT_SIZE, NVML_ERROR_NOT_FOUND, NVML_SUCCESS } from './return-codes.js';
import {
  COMPUTE_PROCESSES,
  GRAPHICS_PROCESSES,
  MEMORY_INFO,
  TEMPERATURE,
  maybeU32,
  readU64,
  type Family,
  type IoVariant,
  type ListVariant,
  type NvmlMemoryInfo,
  type NvmlProcessInfo,
} from './families.js';
import { NvmlDeviceHandle, raw } from './handle.js';
import { nvmlBAR1Memory_t, nvmlFieldValue_t, nvmlPciInfo_t, nvmlProcessUtilizationSample_t, nvmlUtilization_t, offsetOf, sizeOf } from './structs.js';
import {
  NVML_DEVICE_NAME_V2_BUFFER_SIZE,
  NVML_DEVICE_SERIAL_BUFFER_SIZE,
  NVML_DEVICE_UUID_V2_BUFFER_SIZE,
  NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE,
  NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE,
  NVML_VALUE_TYPE,
} from './constants.js';

export { NvmlDeviceHandle } from './handle.js';
export type { NvmlMemoryInfo, NvmlProcessInfo } from './families.js';

const ULLONG_MAX = 0xffffffffffffffffn;

// Scratch buffers for out parameters: NVML calls are synchronous, so one set serves all calls.
const u32a = new Uint32Array(1);
const u32b = new Uint32Array(1);
const i32a = new Int32Array(1);
const i32b = new Int32Array(1);
const u64a = new BigUint64Array(1);
const handleOut = new BigUint64Array(1);
const stringBuffer = Buffer.alloc(256);
const bar1 = Buffer.alloc(sizeOf(nvmlBAR1Memory_t));
const utilization = Buffer.alloc(sizeOf(nvmlUtilization_t));
const pciInfo = Buffer.alloc(sizeOf(nvmlPciInfo_t));

const OFF = {
  bar1: { total: offsetOf(nvmlBAR1Memory_t, 'bar1Total'), free: offsetOf(nvmlBAR1Memory_t, 'bar1Free'), used: offsetOf(nvmlBAR1Memory_t, 'bar1Used') },
  util: { gpu: offsetOf(nvmlUtilization_t, 'gpu'), memory: offsetOf(nvmlUtilization_t, 'memory') },
  pci: {
    domain: offsetOf(nvmlPciInfo_t, 'domain'),
    bus: offsetOf(nvmlPciInfo_t, 'bus'),
    device: offsetOf(nvmlPciInfo_t, 'device'),
    pciDeviceId: offsetOf(nvmlPciInfo_t, 'pciDeviceId'),
    pciSubSystemId: offsetOf(nvmlPciInfo_t, 'pciSubSystemId'),
    busId: offsetOf(nvmlPciInfo_t, 'busId'),
  },
  sample: {
    pid: offsetOf(nvmlProcessUtilizationSample_t, 'pid'),
    timeStamp: offsetOf(nvmlProcessUtilizationSample_t, 'timeStamp'),
    smUtil: offsetOf(nvmlProcessUtilizationSample_t, 'smUtil'),
    memUtil: offsetOf(nvmlProcessUtilizationSample_t, 'memUtil'),
    encUtil: offsetOf(nvmlProcessUtilizationSample_t, 'encUtil'),
    decUtil: offsetOf(nvmlProcessUtilizationSample_t, 'decUtil'),
  },
  field: {
    fieldId: offsetOf(nvmlFieldValue_t, 'fieldId'),
    scopeId: offsetOf(nvmlFieldValue_t, 'scopeId'),
    timestamp: offsetOf(nvmlFieldValue_t, 'timestamp'),
    valueType: offsetOf(nvmlFieldValue_t, 'valueType'),
    nvmlReturn: offsetOf(nvmlFieldValue_t, 'nvmlReturn'),
    value: offsetOf(nvmlFieldValue_t, 'value'),
  },
};

function readCString(buffer: Buffer, offset = 0, max = buffer.length - offset): string {
  const end = buffer.indexOf(0, offset);
  return buffer.toString('utf8', offset, end === -1 || end > offset + max ? offset + max : end);
}

function check(family: string, ...args: unknown[]): void {
  nvml.check(family, args);
}

/** Calls a family whose variants write their own input and read their own output. */
function call<I, O>(family: Family<IoVariant<I, O>>, input: I): O {
  return nvml.invoke(family, (fn, variant) => fn(...variant.args(input)) as number).variant.read(input);
}

function getString(family: string, handle: NvmlDeviceHandle | null, size: number): string {
  stringBuffer.fill(0, 0, size);
  if (handle === null) check(family, stringBuffer, size);
  else check(family, raw(handle), stringBuffer, size);
  return readCString(stringBuffer, 0, size);
}

function getU32(family: string, handle: NvmlDeviceHandle): number {
  check(family, raw(handle), u32a);
  return u32a[0] as number;
}

function getI32(family: string, handle: NvmlDeviceHandle): number {
  check(family, raw(handle), i32a);
  return i32a[0] as number;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle and system

/** Initialises NVML now (otherwise done on first use). */
export function nvmlInit(): void {
  nvml.ensureInitialized();
}

/** Shuts NVML down (done automatically at exit). */
export function nvmlShutdown(): void {
  nvml.shutdown();
}

/**
 * Runs `fn` with NVML errors built without a stack trace: for callers that turn every NVML
 * error into NA.
 */
export function withQuietErrors<T>(fn: () => T): T {
  nvml.quietDepth += 1;
  try {
    return fn();
  } finally {
    nvml.quietDepth -= 1;
  }
}

/** Whether the library exports `symbol` (loads the library; throws when it cannot be loaded). */
export function nvmlHasSymbol(symbol: string): boolean {
  return nvml.has(symbol);
}

/** The NVML functions found missing so far (for the CLI's FunctionNotFound note). */
export function nvmlUnknownFunctions(): string[] {
  return [...nvml.unknownFunctions];
}

/** Where the NVML library was loaded from, or null before it was. */
export function nvmlLoadedFrom(): string | null {
  return nvml.loadedFrom;
}

/** `nvmlErrorString(code)`, when the library is loaded. */
export function nvmlErrorString(code: number): string | undefined {
  return nvml.errorString(code);
}

/** The driver version string, e.g. `'560.35.03'`. */
export function systemGetDriverVersion(): string {
  return getString('nvmlSystemGetDriverVersion', null, NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
}

/** The NVML library version string. */
export function systemGetNvmlVersion(): string {
  return getString('nvmlSystemGetNVMLVersion', null, NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE);
}

/** The CUDA driver version as `1000 * major + 10 * minor`, e.g. 12060. */
export function systemGetCudaDriverVersion(): number {
  check('nvmlSystemGetCudaDriverVersion', i32a);
  return i32a[0] as number;
}

// ---------------------------------------------------------------------------------------------
// Enumeration

/** The number of physical GPUs (`nvmlDeviceGetCount_v2`). */
export function deviceGetCount(): number {
  check('nvmlDeviceGetCount', u32a);
  return u32a[0] as number;
}

function getHandle(family: string, ...args: unknown[]): NvmlDeviceHandle {
  handleOut[0] = 0n;
  check(family, ...args, handleOut);
  return new NvmlDeviceHandle(handleOut[0] as bigint);
}

/** The handle of the GPU at NVML index `index`. */
export function deviceGetHandleByIndex(index: number): NvmlDeviceHandle {
  return getHandle('nvmlDeviceGetHandleByIndex', index);
}

/** The handle of the GPU or MIG device with this full UUID. */
export function deviceGetHandleByUuid(uuid: string): NvmlDeviceHandle {
  return getHandle('nvmlDeviceGetHandleByUUID', uuid);
}

/** The handle of the GPU at this PCI bus id. */
export function deviceGetHandleByPciBusId(busId: string): NvmlDeviceHandle {
  return getHandle('nvmlDeviceGetHandleByPciBusId', busId);
}

/** The NVML index of a handle. */
export function deviceGetIndex(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetIndex', handle);
}

// ---------------------------------------------------------------------------------------------
// Identity and memory

/** Product name. */
export function deviceGetName(handle: NvmlDeviceHandle): string {
  return getString('nvmlDeviceGetName', handle, NVML_DEVICE_NAME_V2_BUFFER_SIZE);
}

/** UUID (`GPU-…` or `MIG-…`). */
export function deviceGetUuid(handle: NvmlDeviceHandle): string {
  return getString('nvmlDeviceGetUUID', handle, NVML_DEVICE_UUID_V2_BUFFER_SIZE);
}

/** Board serial number. */
export function deviceGetSerial(handle: NvmlDeviceHandle): string {
  return getString('nvmlDeviceGetSerial', handle, NVML_DEVICE_SERIAL_BUFFER_SIZE);
}

/** PCI information. */
export interface PciInfo {
  /** `%08X:%02X:%02X.0` bus id. */
  readonly busId: string;
  /** PCI domain. */
  readonly domain: number;
  /** PCI bus. */
  readonly bus: number;
  /** PCI device. */
  readonly device: number;
  /** Device id << 16 | vendor id. */
  readonly pciDeviceId: number;
  /** Subsystem id. */
  readonly pciSubSystemId: number;
}

/** PCI information (`_v3`, else `_v2`, else the base call). */
export function deviceGetPciInfo(handle: NvmlDeviceHandle): PciInfo {
  pciInfo.fill(0);
  check('nvmlDeviceGetPciInfo', raw(handle), pciInfo);
  const domain = pciInfo.readUInt32LE(OFF.pci.domain);
  const bus = pciInfo.readUInt32LE(OFF.pci.bus);
  const device = pciInfo.readUInt32LE(OFF.pci.device);
  const hex = (value: number, width: number) => value.toString(16).toUpperCase().padStart(width, '0');
  // Older calls wrote a shorter busId field: derive the id from the numbers, as nvidia-smi prints it.
  const written = readCString(pciInfo, OFF.pci.busId, 32);
  const busId = /^[0-9A-Fa-f]{8}:/.test(written) ? written.toUpperCase() : `${hex(domain, 8)}:${hex(bus, 2)}:${hex(device, 2)}.0`;
  return {
    busId,
    domain,
    bus,
    device,
    pciDeviceId: pciInfo.readUInt32LE(OFF.pci.pciDeviceId),
    pciSubSystemId: pciInfo.readUInt32LE(OFF.pci.pciSubSystemId),
  };
}

/**
 * Device memory: `nvmlDeviceGetMemoryInfo_v2` with its version word (0x02000028), else
 * `nvmlDeviceGetMemoryInfo` (see the family record in `families.ts`).
 */
export function deviceGetMemoryInfo(handle: NvmlDeviceHandle): NvmlMemoryInfo {
  return call(MEMORY_INFO, handle);
}

/** BAR1 memory in bytes. */
export function deviceGetBar1MemoryInfo(handle: NvmlDeviceHandle): { total: Maybe<number>; free: Maybe<number>; used: Maybe<number> } {
  bar1.fill(0);
  check('nvmlDeviceGetBAR1MemoryInfo', raw(handle), bar1);
  return { total: readU64(bar1, OFF.bar1.total), free: readU64(bar1, OFF.bar1.free), used: readU64(bar1, OFF.bar1.used) };
}

// ---------------------------------------------------------------------------------------------
// Utilization, sensors, clocks, power, PCIe

/** GPU and memory-bandwidth utilization in percent. */
export function deviceGetUtilizationRates(handle: NvmlDeviceHandle): { gpu: number; memory: number } {
  check('nvmlDeviceGetUtilizationRates', raw(handle), utilization);
  return { gpu: utilization.readUInt32LE(OFF.util.gpu), memory: utilization.readUInt32LE(OFF.util.memory) };
}

/** Encoder utilization in percent (the sampling period is ignored, as nvitop does). */
export function deviceGetEncoderUtilization(handle: NvmlDeviceHandle): number {
  check('nvmlDeviceGetEncoderUtilization', raw(handle), u32a, u32b);
  return u32a[0] as number;
}

/** Decoder utilization in percent. */
export function deviceGetDecoderUtilization(handle: NvmlDeviceHandle): number {
  check('nvmlDeviceGetDecoderUtilization', raw(handle), u32a, u32b);
  return u32a[0] as number;
}

/** Current clock of `type` (`NVML_CLOCK_*`) in MHz. */
export function deviceGetClockInfo(handle: NvmlDeviceHandle, type: number): number {
  check('nvmlDeviceGetClockInfo', raw(handle), type, u32a);
  return u32a[0] as number;
}

/** Maximum clock of `type` in MHz. */
export function deviceGetMaxClockInfo(handle: NvmlDeviceHandle, type: number): number {
  check('nvmlDeviceGetMaxClockInfo', raw(handle), type, u32a);
  return u32a[0] as number;
}

/** Intended fan speed in percent of the maximum (may exceed 100). */
export function deviceGetFanSpeed(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetFanSpeed', handle);
}

/** GPU die temperature in Celsius (`nvmlDeviceGetTemperatureV` when exported, else the base call). */
export function deviceGetTemperature(handle: NvmlDeviceHandle): number {
  return call(TEMPERATURE, handle);
}

/** Power draw in milliwatts. */
export function deviceGetPowerUsage(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetPowerUsage', handle);
}

/** Power management limit in milliwatts. */
export function deviceGetPowerManagementLimit(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetPowerManagementLimit', handle);
}

/** PCIe throughput of `counter` (`NVML_PCIE_UTIL_*`) in KiB/s. */
export function deviceGetPcieThroughput(handle: NvmlDeviceHandle, counter: number): number {
  check('nvmlDeviceGetPcieThroughput', raw(handle), counter, u32a);
  return u32a[0] as number;
}

// ---------------------------------------------------------------------------------------------
// Modes and capabilities

/** Whether a display is initialised on the GPU (0/1). */
export function deviceGetDisplayActive(handle: NvmlDeviceHandle): number {
  return getI32('nvmlDeviceGetDisplayActive', handle);
}

/** Whether a monitor is connected (0/1). */
export function deviceGetDisplayMode(handle: NvmlDeviceHandle): number {
  return getI32('nvmlDeviceGetDisplayMode', handle);
}

/** Persistence mode (0/1). */
export function deviceGetPersistenceMode(handle: NvmlDeviceHandle): number {
  return getI32('nvmlDeviceGetPersistenceMode', handle);
}

/** Performance state 0..15 (32 = unknown). */
export function deviceGetPerformanceState(handle: NvmlDeviceHandle): number {
  return getI32('nvmlDeviceGetPerformanceState', handle);
}

/** ECC error count of `errorType` and `counterType`. */
export function deviceGetTotalEccErrors(handle: NvmlDeviceHandle, errorType: number, counterType: number): Maybe<number> {
  u64a[0] = 0n;
  check('nvmlDeviceGetTotalEccErrors', raw(handle), errorType, counterType, u64a);
  const value = u64a[0] as bigint;
  return value === ULLONG_MAX ? NA : Number(value);
}

/** Compute mode (`nvmlComputeMode_t`). */
export function deviceGetComputeMode(handle: NvmlDeviceHandle): number {
  return getI32('nvmlDeviceGetComputeMode', handle);
}

/** CUDA compute capability `[major, minor]`. */
export function deviceGetCudaComputeCapability(handle: NvmlDeviceHandle): [number, number] {
  check('nvmlDeviceGetCudaComputeCapability', raw(handle), i32a, i32b);
  return [i32a[0] as number, i32b[0] as number];
}

/** Current driver model (`nvmlDriverModel_t`; Windows only, NOT_SUPPORTED on Linux). */
export function deviceGetCurrentDriverModel(handle: NvmlDeviceHandle): number {
  check('nvmlDeviceGetDriverModel', raw(handle), i32a, i32b);
  return i32a[0] as number;
}

// ---------------------------------------------------------------------------------------------
// MIG

/** Whether the handle is a MIG device handle. */
export function deviceIsMigDeviceHandle(handle: NvmlDeviceHandle): boolean {
  return getU32('nvmlDeviceIsMigDeviceHandle', handle) !== 0;
}

/** Current and pending MIG mode (0 disabled, 1 enabled). */
export function deviceGetMigMode(handle: NvmlDeviceHandle): { current: number; pending: number } {
  check('nvmlDeviceGetMigMode', raw(handle), u32a, u32b);
  return { current: u32a[0] as number, pending: u32b[0] as number };
}

/** Upper bound on the number of MIG devices. */
export function deviceGetMaxMigDeviceCount(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetMaxMigDeviceCount', handle);
}

/** The MIG device at `index` of a MIG-enabled GPU (NOT_FOUND when none). */
export function deviceGetMigDeviceHandleByIndex(handle: NvmlDeviceHandle, index: number): NvmlDeviceHandle {
  return getHandle('nvmlDeviceGetMigDeviceHandleByIndex', raw(handle), index);
}

/** The parent GPU of a MIG device handle. */
export function deviceGetDeviceHandleFromMigDeviceHandle(handle: NvmlDeviceHandle): NvmlDeviceHandle {
  return getHandle('nvmlDeviceGetDeviceHandleFromMigDeviceHandle', raw(handle));
}

/** GPU instance id of a MIG device. */
export function deviceGetGpuInstanceId(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetGpuInstanceId', handle);
}

/** Compute instance id of a MIG device. */
export function deviceGetComputeInstanceId(handle: NvmlDeviceHandle): number {
  return getU32('nvmlDeviceGetComputeInstanceId', handle);
}

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * A process list, with NVML's two-call protocol: ask for the count, then fill an array of the
 * chosen variant's entries with headroom; again if processes appeared meanwhile.
 */
function runningProcesses(family: Family<ListVariant<NvmlProcessInfo>>, handle: NvmlDeviceHandle): NvmlProcessInfo[] {
  let entries: NvmlProcessInfo[] = [];
  nvml.invoke(family, (fn, variant) => {
    entries = [];
    u32a[0] = 0;
    let code = fn(raw(handle), u32a, null) as number;
    const stride = sizeOf(variant.struct);
    for (let attempt = 0; attempt < 3 && code === NVML_ERROR_INSUFFICIENT_SIZE; attempt += 1) {
      const capacity = (u32a[0] as number) * 2 + 5;
      const buffer = Buffer.alloc(capacity * stride);
      u32a[0] = capacity;
      code = fn(raw(handle), u32a, buffer) as number;
      if (code === NVML_SUCCESS) {
        const count = Math.min(u32a[0] as number, capacity);
        for (let i = 0; i < count; i += 1) entries.push(variant.entry(buffer, i * stride));
      }
    }
    return code;
  });
  return entries;
}

/** Compute (CUDA) processes on the device. */
export function deviceGetComputeRunningProcesses(handle: NvmlDeviceHandle): NvmlProcessInfo[] {
  return runningProcesses(COMPUTE_PROCESSES, handle);
}

/** Graphics processes on the device. */
export function deviceGetGraphicsRunningProcesses(handle: NvmlDeviceHandle): NvmlProcessInfo[] {
  return runningProcesses(GRAPHICS_PROCESSES, handle);
}

/** One per-process utilization sample. */
export interface NvmlProcessUtilizationSample {
  /** Process id. */
  readonly pid: number;
  /** CPU timestamp of the sample in µs since the epoch. */
  readonly timeStamp: number;
  /** SM utilization in percent. */
  readonly smUtil: Maybe<number>;
  /** Memory utilization in percent. */
  readonly memUtil: Maybe<number>;
  /** Encoder utilization in percent. */
  readonly encUtil: Maybe<number>;
  /** Decoder utilization in percent. */
  readonly decUtil: Maybe<number>;
}

const SAMPLE_SIZE = sizeOf(nvmlProcessUtilizationSample_t);

/**
 * Per-process utilization samples newer than `lastSeenTimeStampUs` (µs since the epoch). No
 * sample since then (NOT_FOUND) gives an empty list.
 */
export function deviceGetProcessUtilization(handle: NvmlDeviceHandle, lastSeenTimeStampUs: number): NvmlProcessUtilizationSample[] {
  const since = BigInt(Math.max(0, Math.floor(lastSeenTimeStampUs)));
  const family = nvml.familyOf('nvmlDeviceGetProcessUtilization');
  u32a[0] = 0;
  // NOT_FOUND: no sample since `since`; INSUFFICIENT_SIZE: the count of samples to make room for.
  let code = nvml.invoke(family, (fn) => fn(raw(handle), null, u32a, since) as number, [NVML_ERROR_NOT_FOUND, NVML_ERROR_INSUFFICIENT_SIZE]).code;
  if (code === NVML_ERROR_NOT_FOUND || u32a[0] === 0) return [];
  const capacity = u32a[0] as number;
  const buffer = Buffer.alloc(capacity * SAMPLE_SIZE);
  u32a[0] = capacity;
  code = nvml.invoke(family, (fn) => fn(raw(handle), buffer, u32a, since) as number, [NVML_ERROR_NOT_FOUND]).code;
  if (code === NVML_ERROR_NOT_FOUND) return [];
  const count = Math.min(u32a[0] as number, capacity);
  const samples: NvmlProcessUtilizationSample[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = i * SAMPLE_SIZE;
    samples.push({
      pid: buffer.readUInt32LE(at + OFF.sample.pid),
      timeStamp: Number(buffer.readBigUInt64LE(at + OFF.sample.timeStamp)),
      smUtil: maybeU32(buffer.readUInt32LE(at + OFF.sample.smUtil)),
      memUtil: maybeU32(buffer.readUInt32LE(at + OFF.sample.memUtil)),
      encUtil: maybeU32(buffer.readUInt32LE(at + OFF.sample.encUtil)),
      decUtil: maybeU32(buffer.readUInt32LE(at + OFF.sample.decUtil)),
    });
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Field values

/** A field request. */
export interface FieldRequest {
  /** `NVML_FI_*` id. */
  readonly fieldId: number;
  /** Scope (the NVLink link for NVLink fields). */
  readonly scopeId?: number;
}

/** A field result: the value (NA when that field failed) and its timestamp in µs. */
export interface FieldValue {
  /** The field id. */
  readonly fieldId: number;
  /** The scope id. */
  readonly scopeId: number;
  /** The per-field return code. */
  readonly nvmlReturn: number;
  /** The decoded value, NA when the field failed. */
  readonly value: Maybe<number>;
  /** µs since the epoch. */
  readonly timestamp: number;
}

const FIELD_SIZE = sizeOf(nvmlFieldValue_t);

/** Reads several field values in one call; each entry carries its own return code. */
export function deviceGetFieldValues(handle: NvmlDeviceHandle, requests: readonly FieldRequest[]): FieldValue[] {
  const buffer = Buffer.alloc(requests.length * FIELD_SIZE);
  requests.forEach((request, i) => {
    buffer.writeUInt32LE(request.fieldId, i * FIELD_SIZE + OFF.field.fieldId);
    buffer.writeUInt32LE(request.scopeId ?? 0, i * FIELD_SIZE + OFF.field.scopeId);
  });
  check('nvmlDeviceGetFieldValues', raw(handle), requests.length, buffer);
  return requests.map((request, i) => {
    const at = i * FIELD_SIZE;
    const code = buffer.readInt32LE(at + OFF.field.nvmlReturn);
    const valueAt = at + OFF.field.value;
    let value: Maybe<number> = NA;
    if (code === NVML_SUCCESS) {
      switch (buffer.readInt32LE(at + OFF.field.valueType)) {
        case NVML_VALUE_TYPE.DOUBLE: value = buffer.readDoubleLE(valueAt); break;
        case NVML_VALUE_TYPE.UNSIGNED_INT: value = buffer.readUInt32LE(valueAt); break;
        case NVML_VALUE_TYPE.UNSIGNED_LONG:
          value = process.platform === 'win32' ? buffer.readUInt32LE(valueAt) : readU64(buffer, valueAt);
          break;
        case NVML_VALUE_TYPE.UNSIGNED_LONG_LONG: value = readU64(buffer, valueAt); break;
        case NVML_VALUE_TYPE.SIGNED_LONG_LONG: value = Number(buffer.readBigInt64LE(valueAt)); break;
        case NVML_VALUE_TYPE.SIGNED_INT: value = buffer.readInt32LE(valueAt); break;
        case NVML_VALUE_TYPE.UNSIGNED_SHORT: value = buffer.readUInt16LE(valueAt); break;
        default: value = NA;
      }
    }
    return {
      fieldId: request.fieldId,
      scopeId: request.scopeId ?? 0,
      nvmlReturn: code,
      value,
      timestamp: Number(buffer.readBigInt64LE(at + OFF.field.timestamp)),
    };
  });
}

/** Re-exported so callers can `instanceof` without importing errors.ts separately. */
export { NvmlError };
