// Device.counters(): energy, ECC, PCIe and NVLink byte counters read in one
// nvmlDeviceGetFieldValues call per GPU, against the scenario; NA where the GPU lacks them; a GPU
// that falls off the bus is reported lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, updateScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { nvmlCallCounter, type NvmlCallCounter } from '../helpers/nvml-counts.js';

let api: typeof import('../../src/index.js');
let calls: NvmlCallCounter;
let file: string;
const scenario: FakeScenario = loadScenario('eight-gpu');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const library = fakeLibraryPath();
  file = writeScenario(scenario);
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = file;
  api = await import('../../src/index.js');
  calls = nvmlCallCounter(library);
  api.Device.count();
});
afterAll(() => api.setQueryCacheTtl(500));

describe('Device.counters()', () => {
  it('reads energy, ECC and PCIe byte counters as the scenario gives them, in one NVML call per GPU', () => {
    const devices = api.Device.all();
    devices.forEach((device) => device.nvlinkLinkCount()); // the link count is read once per device, then kept
    calls.reset();
    const counters = devices.map((device) => device.counters());
    expect(calls.counts()).toEqual({ nvmlDeviceGetFieldValues: 8 });
    counters.forEach((c, i) => {
      const gpu = scenario.devices[i]!;
      expect(c.gpuLost).toBe(false);
      expect(c.energyConsumption).toBe(gpu.energyConsumption);
      expect(c.eccErrors.corrected).toBe(gpu.eccVolatileCorrected ?? api.NA);
      expect(c.eccErrors.uncorrected).toBe(gpu.eccVolatileUncorrected ?? api.NA);
      expect(c.pcieBytes.tx).toBe(gpu.pcieBytes?.tx ?? api.NA);
      expect(c.pcieBytes.rx).toBe(gpu.pcieBytes?.rx ?? api.NA);
      if (gpu.nvlink === undefined) expect(c.nvlinkBytes).toEqual({ tx: api.NA, rx: api.NA });
      else expect(typeof c.nvlinkBytes.tx).toBe('number');
    });
    // The RTX 3090s have no ECC and no NVLink; the V100 no PCIe byte counters.
    expect(counters[4]!.eccErrors).toEqual({ corrected: api.NA, uncorrected: api.NA });
    expect(counters[6]!.pcieBytes).toEqual({ tx: api.NA, rx: api.NA });
  });

  it('NVLink bytes are the sum of the links\' data counters, growing at the links\' rate', async () => {
    api.setQueryCacheTtl(0);
    const gpu = api.Device.fromIndex(0);
    const t0 = performance.now();
    const a = gpu.counters().nvlinkBytes;
    await sleep(300);
    const b = gpu.counters().nvlinkBytes;
    const seconds = (performance.now() - t0) / 1000;
    const nvlink = scenario.devices[0]!.nvlink!;
    const expectedTx = nvlink.linkCount * (nvlink.txRateKiBps as number) * 1024;
    const expectedRx = nvlink.linkCount * (nvlink.rxRateKiBps as number) * 1024;
    const tx = ((b.tx as number) - (a.tx as number)) / seconds;
    const rx = ((b.rx as number) - (a.rx as number)) / seconds;
    // Measured over at least 300 ms of wall time; the two reads' own cost makes `seconds` a bit long.
    expect(tx / expectedTx).toBeGreaterThan(0.8);
    expect(tx / expectedTx).toBeLessThanOrEqual(1.01);
    expect(rx / expectedRx).toBeGreaterThan(0.8);
    expect(rx / expectedRx).toBeLessThanOrEqual(1.01);
  });

  it('a GPU that falls off the bus: gpuLost, every counter NA; the others keep counting', async () => {
    api.setQueryCacheTtl(0);
    const lost = structuredClone(scenario);
    lost.devices[2]!.errors = { '*': 'GPU_IS_LOST' };
    updateScenario(file, lost);
    await sleep(250);
    try {
      const c = api.Device.fromIndex(2).counters();
      expect(c).toEqual({ energyConsumption: api.NA, eccErrors: { corrected: api.NA, uncorrected: api.NA }, pcieBytes: { tx: api.NA, rx: api.NA }, nvlinkBytes: { tx: api.NA, rx: api.NA }, gpuLost: true });
      expect(api.Device.fromIndex(3).counters()).toMatchObject({ gpuLost: false, energyConsumption: scenario.devices[3]!.energyConsumption });
    } finally {
      updateScenario(file, scenario);
      await sleep(250);
    }
    expect(api.Device.fromIndex(2).counters().gpuLost).toBe(false);
  });

  it('another error on the call: NA counters, not lost', async () => {
    api.setQueryCacheTtl(0);
    const failing = structuredClone(scenario);
    failing.devices[1]!.errors = { nvmlDeviceGetFieldValues: 'UNKNOWN' };
    updateScenario(file, failing);
    await sleep(250);
    try {
      expect(api.Device.fromIndex(1).counters()).toMatchObject({ energyConsumption: api.NA, gpuLost: false });
    } finally {
      updateScenario(file, scenario);
      await sleep(250);
    }
  });
});
