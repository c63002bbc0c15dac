/**
 * koffi declarations of the NVML C types, exactly as NVIDIA's `nvml.h` lays them out (x86-64
 * LP64, natural alignment, no packing). Hot calls pass preallocated Buffers sized with
 * `koffi.sizeof` and read fields at `koffi.offsetof`, so these declarations are the single
 * source of every layout. `EXPECTED_STRUCT_SIZES` holds the sizes the header implies; a test
 * compares them with koffi's. The names are registered through `named-types.ts`, so that a second
 * copy of the package in the same process reuses them (or, with another layout, gets its own).
 *
 * @module
 */
import koffi, { type TypeObject } from 'koffi';
import { namedHandle, namedStruct, namedUnion } from './named-types.js';

/** `nvmlDevice_t`: an opaque pointer. */
export const nvmlDevice_t = namedHandle('nvmlDevice_t');

/** `nvmlMemory_t` (v1): total, free, used (used = reserved + allocated). */
export const nvmlMemory_t = namedStruct('nvmlMemory_t', {
  total: 'unsigned long long',
  free: 'unsigned long long',
  used: 'unsigned long long',
});

/** `nvmlMemory_v2_t`: version word, total, reserved, free, used (allocated only). */
export const nvmlMemory_v2_t = namedStruct('nvmlMemory_v2_t', {
  version: 'unsigned int',
  total: 'unsigned long long',
  reserved: 'unsigned long long',
  free: 'unsigned long long',
  used: 'unsigned long long',
});

/** `nvmlBAR1Memory_t`. */
export const nvmlBAR1Memory_t = namedStruct('nvmlBAR1Memory_t', {
  bar1Total: 'unsigned long long',
  bar1Free: 'unsigned long long',
  bar1Used: 'unsigned long long',
});

/** `nvmlUtilization_t`. */
export const nvmlUtilization_t = namedStruct('nvmlUtilization_t', {
  gpu: 'unsigned int',
  memory: 'unsigned int',
});

/** `nvmlProcessUtilizationSample_t`. */
export const nvmlProcessUtilizationSample_t = namedStruct('nvmlProcessUtilizationSample_t', {
  pid: 'unsigned int',
  timeStamp: 'unsigned long long',
  smUtil: 'unsigned int',
  memUtil: 'unsigned int',
  encUtil: 'unsigned int',
  decUtil: 'unsigned int',
});

/** `nvmlTemperature_v1_t` (R570+). */
export const nvmlTemperature_v1_t = namedStruct('nvmlTemperature_v1_t', {
  version: 'unsigned int',
  sensorType: 'int',
  temperature: 'int',
});

/** `nvmlPciInfo_t` (the layout `nvmlDeviceGetPciInfo_v3` writes). */
export const nvmlPciInfo_t = namedStruct('nvmlPciInfo_t', {
  busIdLegacy: koffi.array('char', 16, 'Array'),
  domain: 'unsigned int',
  bus: 'unsigned int',
  device: 'unsigned int',
  pciDeviceId: 'unsigned int',
  pciSubSystemId: 'unsigned int',
  busId: koffi.array('char', 32, 'Array'),
});

/** `nvmlProcessInfo_v1_t` (base `nvmlDeviceGet*RunningProcesses`). */
export const nvmlProcessInfo_v1_t = namedStruct('nvmlProcessInfo_v1_t', {
  pid: 'unsigned int',
  usedGpuMemory: 'unsigned long long',
});

/** `nvmlProcessInfo_v2_t` (= `nvmlProcessInfo_t`; `_v2` and `_v3` calls). */
export const nvmlProcessInfo_v2_t = namedStruct('nvmlProcessInfo_v2_t', {
  pid: 'unsigned int',
  usedGpuMemory: 'unsigned long long',
  gpuInstanceId: 'unsigned int',
  computeInstanceId: 'unsigned int',
});

/** `nvmlProcessDetail_v1_t`: the 32-byte entry R535-era `_v3` calls write. */
export const nvmlProcessDetail_v1_t = namedStruct('nvmlProcessDetail_v1_t', {
  pid: 'unsigned int',
  usedGpuMemory: 'unsigned long long',
  gpuInstanceId: 'unsigned int',
  computeInstanceId: 'unsigned int',
  usedGpuCcProtectedMemory: 'unsigned long long',
});

/** `nvmlValue_t`: the 8-byte union of a field value. */
export const nvmlValue_t = namedUnion('nvmlValue_t', {
  dVal: 'double',
  uiVal: 'unsigned int',
  ulVal: 'unsigned long',
  ullVal: 'unsigned long long',
  sllVal: 'long long',
  siVal: 'int',
  usVal: 'unsigned short',
});

/** `nvmlFieldValue_t`. */
export const nvmlFieldValue_t = namedStruct('nvmlFieldValue_t', {
  fieldId: 'unsigned int',
  scopeId: 'unsigned int',
  timestamp: 'long long',
  latencyUsec: 'long long',
  valueType: 'int',
  nvmlReturn: 'int',
  value: nvmlValue_t,
});

/** `nvmlConfComputeMemSizeInfo_t` (probe only). */
export const nvmlConfComputeMemSizeInfo_t = namedStruct('nvmlConfComputeMemSizeInfo_t', {
  protectedMemSizeKib: 'unsigned long long',
  unprotectedMemSizeKib: 'unsigned long long',
});

/** The sizes (bytes) NVIDIA's header implies on x86-64 Linux, for the layout test. */
export const EXPECTED_STRUCT_SIZES: Readonly<Record<string, number>> = Object.freeze({
  nvmlMemory_t: 24,
  nvmlMemory_v2_t: 40,
  nvmlBAR1Memory_t: 24,
  nvmlUtilization_t: 8,
  nvmlProcessUtilizationSample_t: 32,
  nvmlTemperature_v1_t: 12,
  nvmlPciInfo_t: 68,
  nvmlProcessInfo_v1_t: 16,
  nvmlProcessInfo_v2_t: 24,
  nvmlProcessDetail_v1_t: 32,
  nvmlValue_t: 8,
  nvmlFieldValue_t: 40,
  nvmlConfComputeMemSizeInfo_t: 16,
});

/** The koffi types by name, for the layout test. */
export const STRUCT_TYPES = Object.freeze({
  nvmlMemory_t,
  nvmlMemory_v2_t,
  nvmlBAR1Memory_t,
  nvmlUtilization_t,
  nvmlProcessUtilizationSample_t,
  nvmlTemperature_v1_t,
  nvmlPciInfo_t,
  nvmlProcessInfo_v1_t,
  nvmlProcessInfo_v2_t,
  nvmlProcessDetail_v1_t,
  nvmlValue_t,
  nvmlFieldValue_t,
  nvmlConfComputeMemSizeInfo_t,
});

/** `NVML_STRUCT_VERSION(Memory, 2)`: `sizeof(nvmlMemory_v2_t) | 2 << 24` = 0x02000028. */
export const nvmlMemory_v2 = (koffi.sizeof(nvmlMemory_v2_t) | (2 << 24)) >>> 0;
/** `NVML_STRUCT_VERSION(Temperature, 1)`: `sizeof(nvmlTemperature_v1_t) | 1 << 24` = 0x0100000C. */
export const nvmlTemperature_v1 = (koffi.sizeof(nvmlTemperature_v1_t) | (1 << 24)) >>> 0;

/** Byte offset of `field` in `type` (koffi's computation, from the declarations above). */
export function offsetOf(type: TypeObject, field: string): number {
  return koffi.offsetof(type, field);
}

/** Size of `type` in bytes. */
export function sizeOf(type: TypeObject): number {
  return koffi.sizeof(type);
}
