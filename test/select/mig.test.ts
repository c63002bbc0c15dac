// The MIG rule on the fake MIG machine: GPU 0 has MIG on with three MIG devices (free memory
// 2.9e9, 4.0e9 and 5.0e9 bytes, utilization not supported), GPU 1 has MIG off (31.6e9 free).
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

type Api = typeof import('../../src/index.js') & typeof import('../../src/select/index.js');
let api: Api;
const mig = loadScenario('mig');
const migUuid = (m: number) => mig.devices[0]!.migDevices![m]!.uuid as string;

beforeAll(async () => {
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(mig);
  process.env.CUDA_DEVICE_ORDER = 'PCI_BUS_ID';
  delete process.env.CUDA_VISIBLE_DEVICES;
  api = { ...(await import('../../src/index.js')), ...(await import('../../src/select/index.js')) } as Api;
});

describe('MIG devices', () => {
  it('a MIG-enabled GPU is replaced by its MIG devices; the best-ranked non-MIG GPU keeps MIG out', () => {
    expect(api.selectDevices()).toEqual([1]);
    expect(api.selectDevices({ format: 'uuid' })).toEqual([mig.devices[1]!.uuid]);
  });

  it('among MIG devices only the best one is selected, as a UUID unless forceIndex', () => {
    const parent = [api.Device.fromIndex(0)];
    expect(api.selectDevices(parent)).toEqual([migUuid(2)]);
    expect(api.selectDevices(parent, { forceIndex: true })).toEqual([[0, 2]]);
    expect(api.selectDevices(parent, { minFreeMemory: '3.9GB', sort: false })).toEqual([migUuid(1)]);
  });

  it('MIG devices fail a utilization limit (their utilization is N/A)', () => {
    expect(api.selectDevices([api.Device.fromIndex(0)], { maxGpuUtilization: 100 })).toEqual([]);
  });

  it('minCount beyond the non-MIG GPUs, with a non-MIG GPU ranked first: still no MIG device', () => {
    expect(() => api.selectDevices({ minCount: 2 })).toThrow(/1 of at least 2 devices found.*3 fitting devices set aside by the MIG rule/);
  });

  it('inherit with a MIG-enabled GPU index selects its first MIG device', () => {
    expect(api.selectDevices({ inherit: '0' })).toEqual([migUuid(0)]);
  });
});
