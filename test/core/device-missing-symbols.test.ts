// Old drivers: a symbol the library does not export. Each test runs a child process on a
// variant of the fake library whose symbol table lacks it (a loaded .so cannot change its
// exports). A wholly missing function gives N/A for its fields and is reported by name; a
// missing newer version falls back to the older symbol with the older struct layout.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario } from '../helpers/fake-nvml.js';
import { QUERY_FIELDS, expectedFields, pick, withNa } from './expected.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const scenario = loadScenario('one-gpu');
const scenarioFile = writeScenario(scenario);
const device0 = scenario.devices[0]!;

const FAMILY_SYMBOLS: Record<string, string[]> = {
  nvmlDeviceGetPciInfo: ['nvmlDeviceGetPciInfo_v3', 'nvmlDeviceGetPciInfo_v2', 'nvmlDeviceGetPciInfo'],
  nvmlDeviceGetMemoryInfo: ['nvmlDeviceGetMemoryInfo_v2', 'nvmlDeviceGetMemoryInfo'],
  nvmlDeviceGetTemperature: ['nvmlDeviceGetTemperatureV', 'nvmlDeviceGetTemperature'],
};

async function snapshotWithout(hidden: string[]): Promise<{ snapshot: Record<string, unknown>; missing: string[]; processes: unknown[] }> {
  const script = `
    import { Device, GpuProcess, nvmlUnknownFunctions } from ${JSON.stringify(path.join(root, 'dist/internal.js'))};
    const device = Device.fromIndex(0);
    const snapshot = device.asSnapshot();
    const processes = GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true });
    process.stdout.write(JSON.stringify({ snapshot, processes, missing: nvmlUnknownFunctions() }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NVITOP_NVML_LIBRARY: fakeLibraryPath(hidden), NVITOP_FAKE_NVML_SCENARIO: scenarioFile },
  });
  return JSON.parse(stdout) as { snapshot: Record<string, unknown>; missing: string[]; processes: unknown[] };
}

describe('a function the driver lacks', () => {
  // Several unrelated functions are hidden per variant library (each variant is a compile).
  const families = Object.keys(QUERY_FIELDS);
  const groups = [0, 1, 2, 3].map((g) => families.filter((_, i) => i % 4 === g));
  for (const group of groups) {
    it(`${group.join(', ')} missing → their fields N/A, the rest right, each function named`, async () => {
      const hidden = group.flatMap((family) => FAMILY_SYMBOLS[family] ?? [family]);
      const { snapshot, missing } = await snapshotWithout(hidden);
      const expected = withNa(expectedFields(device0), group.flatMap((family) => QUERY_FIELDS[family]!));
      if (group.includes('nvmlDeviceGetMemoryInfo')) {
        for (const field of ['memoryTotal', 'memoryUsed', 'memoryFree', 'memoryPercent']) delete expected[field];
      }
      expect(pick(snapshot, expected)).toEqual(expected);
      for (const family of group) expect(missing).toContain((FAMILY_SYMBOLS[family] ?? [family])[0]);
    });
  }

  it('nvmlDeviceGetMemoryInfo_v2 missing → v1 layout: used includes reserved, reserved N/A', async () => {
    const { snapshot } = await snapshotWithout(['nvmlDeviceGetMemoryInfo_v2']);
    const memory = device0.memory!;
    expect(snapshot.memoryTotal).toBe(memory.total);
    expect(snapshot.memoryUsed).toBe(memory.used! + (memory.reserved ?? 0));
    expect(snapshot.memoryFree).toBe(memory.total! - memory.used! - (memory.reserved ?? 0));
    expect((snapshot.memoryInfo as Record<string, unknown>).reserved).toBeNull();
  });

  it('nvmlDeviceGetTemperatureV missing → the base call with sensor 0', async () => {
    const { snapshot, missing } = await snapshotWithout(['nvmlDeviceGetTemperatureV']);
    expect(snapshot.temperature).toBe(device0.temperature);
    expect(missing).toEqual([]);
  });

  it('_v3 process calls missing → _v2 (24-byte entries); _v2 too → base (16-byte, no MIG ids)', async () => {
    const expectedPids = [...(device0.computeProcesses ?? []), ...(device0.graphicsProcesses ?? [])].map((p) => p.pid);
    for (const hidden of [
      ['nvmlDeviceGetComputeRunningProcesses_v3', 'nvmlDeviceGetGraphicsRunningProcesses_v3'],
      ['nvmlDeviceGetComputeRunningProcesses_v3', 'nvmlDeviceGetGraphicsRunningProcesses_v3', 'nvmlDeviceGetComputeRunningProcesses_v2', 'nvmlDeviceGetGraphicsRunningProcesses_v2'],
    ]) {
      const { processes } = await snapshotWithout(hidden);
      const pids = (processes as Array<{ pid: number }>).map((p) => p.pid);
      for (const pid of expectedPids) if (typeof pid === 'number') expect(pids).toContain(pid);
      for (const p of processes as Array<{ gpuMemory: number | null; gpuInstanceId: unknown }>) {
        expect(p.gpuInstanceId).toBeNull();
      }
    }
  });
});
