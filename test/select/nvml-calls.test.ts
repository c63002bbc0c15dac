// selectDevices() asks NVML only what selection needs, once per GPU: one memory reading serves
// the memory constraints and the lost-GPU check (isLost() reuses a reading the device holds),
// and the PCIe throughput (sampled over ~20 ms per call by a real driver) is never asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, writeScenario, loadScenario } from '../helpers/fake-nvml.js';
import { nvmlCallCounter, type NvmlCallCounter } from '../helpers/nvml-counts.js';

let api: typeof import('../../src/index.js');
let calls: NvmlCallCounter;

beforeAll(async () => {
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(loadScenario('eight-gpu'));
  api = await import('../../src/index.js');
  calls = nvmlCallCounter(library);
  api.Device.count();
  api.setQueryCacheTtl(0); // every call asks NVML: what is counted is what selection asks
});
afterAll(() => api.setQueryCacheTtl(500));

describe('selectDevices and NVML', () => {
  it('reads each GPU memory once and samples no PCIe throughput', () => {
    api.selectDevices(); // the identity facts (name, UUID, ...) are read once per device, then kept
    calls.reset();
    expect(api.selectDevices({ minFreeMemory: '1GiB' }).length).toBeGreaterThan(0);
    const counts = calls.counts();
    expect(counts['nvmlDeviceGetMemoryInfo_v2']).toBe(8);
    expect(counts['nvmlDeviceGetPcieThroughput']).toBeUndefined();
  });

  it('still asks NVML whether a GPU is lost when it holds no memory reading', () => {
    const device = api.Device.fromIndex(0);
    calls.reset();
    expect(device.isLost()).toBe(false);
    expect(calls.counts()).toEqual({ nvmlDeviceGetMemoryInfo_v2: 1 });
  });
});
