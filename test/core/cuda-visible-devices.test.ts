// CUDA_VISIBLE_DEVICES with CUDA's rules, on the eight-GPU and MIG machines (no CUDA driver
// here, so integers follow the PCI order NVML enumerates in).
import koffi from 'koffi';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

let api: typeof import('../../src/index.js');
let registry: typeof import('../../src/core/device/device.js');
let switchTo: (name: string) => void;
const eight = loadScenario('eight-gpu');
const uuid = (i: number) => eight.devices[i]!.uuid as string;

beforeAll(async () => {
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(eight);
  process.env.CUDA_DEVICE_ORDER = 'PCI_BUS_ID';
  api = await import('../../src/index.js');
  registry = await import('../../src/core/device/device.js');
  const load = koffi.load(library).func('int fakeNvml_loadScenario(const char *path)') as (path: string) => number;
  switchTo = (name) => {
    expect(load(writeScenario(loadScenario(name)))).toBe(0);
    registry.resetDeviceRegistry();
    api.invalidateCudaVisibleDevicesCache();
  };
});

describe('parseCudaVisibleDevices', () => {
  it('unset → every device; empty → none', () => {
    expect(api.parseCudaVisibleDevices(null)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(api.parseCudaVisibleDevices('')).toEqual([]);
  });

  it('integers in the given order, CUDA-style prefixes and signs', () => {
    expect(api.parseCudaVisibleDevices('3,1,5')).toEqual([3, 1, 5]);
    expect(api.parseCudaVisibleDevices(' 2 , 0abc')).toEqual([2, 0]);
    expect(api.parseCudaVisibleDevices('+4')).toEqual([4]);
  });

  it('an invalid entry ends the list; duplicates leave no device', () => {
    expect(api.parseCudaVisibleDevices('1,foo,0')).toEqual([1]);
    expect(api.parseCudaVisibleDevices('1,9,0')).toEqual([1]);
    expect(api.parseCudaVisibleDevices('-1,0')).toEqual([]);
    expect(api.parseCudaVisibleDevices('0,2,0')).toEqual([]);
  });

  it('full and abbreviated UUIDs; ints and UUIDs do not mix', () => {
    expect(api.parseCudaVisibleDevices(`${uuid(6)},${uuid(2)}`)).toEqual([6, 2]);
    expect(api.parseCudaVisibleDevices(uuid(4).slice(0, 12))).toEqual([4]);
    expect(api.parseCudaVisibleDevices(`${uuid(1)},3`)).toEqual([1]);
    expect(api.parseCudaVisibleDevices('GPU-00000000')).toEqual([]);
  });

  it('reads the environment when no argument is given', () => {
    process.env.CUDA_VISIBLE_DEVICES = '7,6';
    try {
      expect(api.parseCudaVisibleDevices()).toEqual([7, 6]);
      expect(api.Device.cuda.all().map((d) => [d.cudaIndex, d.physicalIndex])).toEqual([[0, 7], [1, 6]]);
      expect(api.Device.fromCudaIndex(1).uuid()).toBe(uuid(6));
      expect(() => api.Device.fromCudaIndex(2)).toThrow('CUDA Error: invalid device ordinal: 2.');
    } finally {
      delete process.env.CUDA_VISIBLE_DEVICES;
    }
  });

  it('normalizes to full UUIDs', () => {
    expect(api.normalizeCudaVisibleDevices('5,0')).toBe(`${uuid(5)},${uuid(0)}`);
    expect(api.normalizeCudaVisibleDevices('0,0')).toBe('');
  });

  it('MIG: only the first MIG device is visible; a MIG-enabled GPU means its first MIG device', () => {
    switchTo('mig');
    const mig = loadScenario('mig');
    const migUuids = mig.devices[0]!.migDevices!.map((d) => d.uuid as string);
    expect(api.parseCudaVisibleDevices('0,1')).toEqual([[0, 0]]);
    expect(api.parseCudaVisibleDevices(`${migUuids[1]},${migUuids[0]}`)).toEqual([[0, 1]]);
    expect(api.parseCudaVisibleDevices('1')).toEqual([1]);
    const parentUuid = mig.devices[0]!.uuid as string;
    const gi = mig.devices[0]!.migDevices![2]!.gpuInstanceId;
    const ci = mig.devices[0]!.migDevices![2]!.computeInstanceId;
    expect(api.parseCudaVisibleDevices(`MIG-${parentUuid}/${gi}/${ci}`)).toEqual([[0, 2]]);
    expect(api.Device.fromCudaIndex(0).kind).toBe('cuda-mig');
    switchTo('eight-gpu');
  });
});
