// Every device query survives every error code: a scenario makes one NVML function fail on
// GPU 0 with NOT_SUPPORTED, NO_PERMISSION, GPU_IS_LOST or UNKNOWN; that query's fields become
// N/A (null in JSON) and every other field of the snapshot is still right.
import koffi from 'koffi';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario, type FakeDevice, type FakeScenario } from '../helpers/fake-nvml.js';
import { QUERY_FIELDS, expectedFields, pick, withNa } from './expected.js';

const CODES = { NOT_SUPPORTED: 3, NO_PERMISSION: 4, GPU_IS_LOST: 15, UNKNOWN: 999 };

let base: FakeScenario;
let device0: FakeDevice;
let loadScenario_: (path: string) => number;
let api: typeof import('../../src/index.js');
let registry: typeof import('../../src/core/device/device.js');

beforeAll(async () => {
  base = loadScenario('one-gpu');
  device0 = base.devices[0]!;
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(base);
  api = await import('../../src/index.js');
  registry = await import('../../src/core/device/device.js');
  api.setQueryCacheTtl(0);
  // The same dlopen handle the binding uses: its control function switches scenarios in-process.
  loadScenario_ = koffi.load(library).func('int fakeNvml_loadScenario(const char *path)') as (path: string) => number;
});

function snapshotWith(errors: Record<string, number>): ReturnType<typeof api.Device.prototype.asSnapshot> {
  const scenario = { ...base, devices: [{ ...device0, errors }, ...base.devices.slice(1)] };
  expect(loadScenario_(writeScenario(scenario))).toBe(0);
  registry.resetDeviceRegistry();
  return api.Device.fromIndex(0).asSnapshot();
}

describe('each query fails alone', () => {
  for (const [family, fields] of Object.entries(QUERY_FIELDS)) {
    for (const [codeName, code] of Object.entries(CODES)) {
      it(`${family} → ${codeName}`, () => {
        const snapshot = snapshotWith({ [family]: code });
        let expected = withNa(expectedFields(device0), fields);
        if (family === 'nvmlDeviceGetMemoryInfo' && code === 3) {
          // NOT_SUPPORTED memory means an integrated GPU: the host's memory is shown, as nvitop does.
          const host = api.host.virtualMemory();
          expect(snapshot.memoryTotal).toBe(host.total);
          expected = { ...expected, memoryTotal: host.total, memoryUsed: snapshot.memoryUsed, memoryFree: snapshot.memoryFree, memoryPercent: snapshot.memoryPercent };
        }
        expect(pick(snapshot, expected)).toEqual(expected);
      });
    }
  }

  it('process lists fail without breaking the device', () => {
    for (const code of Object.values(CODES)) {
      const scenario = { ...base, devices: [{ ...device0, errors: { nvmlDeviceGetComputeRunningProcesses: code, nvmlDeviceGetGraphicsRunningProcesses: code } }] };
      expect(loadScenario_(writeScenario(scenario))).toBe(0);
      registry.resetDeviceRegistry();
      const device = api.Device.fromIndex(0);
      expect(device.processes().size).toBe(0);
      expect(device.name()).toBe(device0.name);
    }
  });

  it('process utilization failing leaves memory and types, utilization N/A', () => {
    const scenario = { ...base, devices: [{ ...device0, errors: { nvmlDeviceGetProcessUtilization: 999 } }] };
    expect(loadScenario_(writeScenario(scenario))).toBe(0);
    registry.resetDeviceRegistry();
    const processes = [...api.Device.fromIndex(0).processes().values()];
    expect(processes.length).toBeGreaterThan(0);
    for (const process of processes) {
      expect(api.isNA(process.gpuSmUtilization())).toBe(true);
      expect(['C', 'G', 'C+G']).toContain(process.type);
    }
  });

  it('a GPU lost after its handle was taken: every value N/A, nothing throws', () => {
    const snapshot = snapshotWith({ '*': 15 });
    const expected = withNa(expectedFields(device0), Object.keys(expectedFields(device0)));
    expect(pick(snapshot, expected)).toEqual(expected);
  });
});
