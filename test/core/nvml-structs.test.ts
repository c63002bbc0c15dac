// Layouts of the NVML structs as koffi computes them from our declarations, against the sizes
// and offsets NVIDIA's nvml.h implies on x86-64 Linux (see ../shared/reference/nvml-abi.md §4).
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { EXPECTED_STRUCT_SIZES, STRUCT_TYPES, nvmlMemory_v2, nvmlTemperature_v1 } from '../../src/core/nvml/index.js';

const OFFSETS: Record<string, Record<string, number>> = {
  nvmlMemory_t: { total: 0, free: 8, used: 16 },
  nvmlMemory_v2_t: { version: 0, total: 8, reserved: 16, free: 24, used: 32 },
  nvmlBAR1Memory_t: { bar1Total: 0, bar1Free: 8, bar1Used: 16 },
  nvmlUtilization_t: { gpu: 0, memory: 4 },
  nvmlProcessUtilizationSample_t: { pid: 0, timeStamp: 8, smUtil: 16, memUtil: 20, encUtil: 24, decUtil: 28 },
  nvmlTemperature_v1_t: { version: 0, sensorType: 4, temperature: 8 },
  nvmlPciInfo_t: { busIdLegacy: 0, domain: 16, bus: 20, device: 24, pciDeviceId: 28, pciSubSystemId: 32, busId: 36 },
  nvmlProcessInfo_v1_t: { pid: 0, usedGpuMemory: 8 },
  nvmlProcessInfo_v2_t: { pid: 0, usedGpuMemory: 8, gpuInstanceId: 16, computeInstanceId: 20 },
  nvmlProcessDetail_v1_t: { pid: 0, usedGpuMemory: 8, gpuInstanceId: 16, computeInstanceId: 20, usedGpuCcProtectedMemory: 24 },
  nvmlFieldValue_t: { fieldId: 0, scopeId: 4, timestamp: 8, latencyUsec: 16, valueType: 24, nvmlReturn: 28, value: 32 },
  nvmlConfComputeMemSizeInfo_t: { protectedMemSizeKib: 0, unprotectedMemSizeKib: 8 },
};

describe('NVML struct layouts', () => {
  for (const [name, type] of Object.entries(STRUCT_TYPES)) {
    it(`${name} has the size nvml.h implies`, () => {
      expect(koffi.sizeof(type)).toBe(EXPECTED_STRUCT_SIZES[name]);
    });
    const offsets = OFFSETS[name];
    if (offsets !== undefined) {
      it(`${name} fields sit at the header's offsets`, () => {
        for (const [field, offset] of Object.entries(offsets)) expect([field, koffi.offsetof(type, field)]).toEqual([field, offset]);
      });
    }
  }

  it('every declared struct has an expected size', () => {
    expect(Object.keys(STRUCT_TYPES).sort()).toEqual(Object.keys(EXPECTED_STRUCT_SIZES).sort());
  });

  it('computes the version words as NVML_STRUCT_VERSION does', () => {
    expect(nvmlMemory_v2).toBe(0x02000028);
    expect(nvmlTemperature_v1).toBe(0x0100000c);
  });
});
