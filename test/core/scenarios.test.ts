// The other machines: MIG, an R535-era driver (32-byte process entries), an old GPU on an
// R470-style driver, lost GPUs, no GPU, and no library at all. Each runs in a child process on
// the library variant its scenario needs (fakeNvmlEnv), through the built package.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { expectedFields, pick } from './expected.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

interface Result {
  count?: number;
  devices?: Array<{ snapshot: Record<string, unknown>; migs: Array<Record<string, unknown>>; processes: Array<Record<string, unknown>>; migProcesses: Array<Array<Record<string, unknown>>> }>;
  missing?: string[];
  error?: { name: string; message: string; code?: number };
}

async function inspect(env: NodeJS.ProcessEnv): Promise<Result> {
  const script = `
    import { Device, GpuProcess, nvmlUnknownFunctions } from ${JSON.stringify(path.join(root, 'dist/internal.js'))};
    try {
      const devices = Device.all().map((device) => ({
        snapshot: device.asSnapshot(),
        migs: device.migDevices().map((mig) => mig.asSnapshot()),
        processes: GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true }),
        migProcesses: device.migDevices().map((mig) => GpuProcess.takeSnapshots(mig.processes().values(), { failsafe: true })),
      }));
      process.stdout.write(JSON.stringify({ count: Device.count(), devices, missing: nvmlUnknownFunctions() }));
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: { name: error.constructor.name, message: error.message, code: error.code } }));
    }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return JSON.parse(stdout) as Result;
}

const processKey = (p: { pid: unknown; usedGpuMemory?: unknown }) => `${p.pid}:${p.usedGpuMemory ?? null}`;

describe('scenarios', () => {
  it('MIG: MIG devices under their parent, instance ids, processes per instance', async () => {
    const scenario = loadScenario('mig');
    const result = await inspect(fakeNvmlEnv(scenario));
    const parent = scenario.devices[0]!;
    const device = result.devices![0]!;
    expect(device.snapshot.migMode).toBe('Enabled');
    expect(device.migs).toHaveLength(parent.migDevices!.length);
    device.migs.forEach((mig, j) => {
      const fake = parent.migDevices![j]!;
      expect(mig.displayIndex).toBe(`0:${j}`);
      expect(mig.isMigDevice).toBe(true);
      expect(mig.gpuInstanceId).toBe(fake.gpuInstanceId);
      expect(mig.computeInstanceId).toBe(fake.computeInstanceId);
      expect(mig.migMode).toBeNull();
      const expected = expectedFields(fake);
      delete expected.migMode;
      expect(pick(mig, { name: 0, uuid: 0, memoryTotal: 0, memoryUsed: 0 })).toEqual(pick(expected, { name: 0, uuid: 0, memoryTotal: 0, memoryUsed: 0 }));
      const fakeProcesses = (fake.computeProcesses ?? []).map(processKey).sort();
      const gotProcesses = device.migProcesses[j]!.map((p) => `${p.pid}:${p.gpuMemory}`).sort();
      expect(gotProcesses).toEqual(fakeProcesses);
      for (const p of device.migProcesses[j]!) expect(p.gpuInstanceId).toBe(fake.gpuInstanceId);
    });
    expect(result.devices![1]!.snapshot.migMode).toBe('Disabled');
    expect(result.devices![1]!.migs).toEqual([]);
  });

  it('R535-era driver: _v3 with 32-byte entries reads every process right', async () => {
    const scenario = loadScenario('one-gpu-r535');
    const result = await inspect(fakeNvmlEnv(scenario));
    const fake = scenario.devices[0]!;
    const expected = (fake.computeProcesses ?? []).map(processKey).sort();
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(result.devices![0]!.processes.map((p) => `${p.pid}:${p.gpuMemory}`).sort()).toEqual(expected);
    // Temperature and driver model fall back to their older symbols.
    expect(result.devices![0]!.snapshot.temperature).toBe(fake.temperature ?? null);
  });

  it('old GPU on an R470-style driver: fallbacks, N/A for what it lacks', async () => {
    const scenario = loadScenario('old-gpu');
    const result = await inspect(fakeNvmlEnv(scenario));
    result.devices!.forEach((device, index) => {
      const fake = scenario.devices[index]!;
      const expected = expectedFields(fake);
      // v1 memory: used includes the reserved part, reserved is not reported.
      if (fake.memory?.used !== undefined) {
        expected.memoryUsed = fake.memory.used + (fake.memory.reserved ?? 0);
        expected.memoryPercent = Math.round((1000 * (expected.memoryUsed as number)) / fake.memory.total!) / 10;
      }
      expect(pick(device.snapshot, expected)).toEqual(expected);
      expect((device.snapshot.memoryInfo as Record<string, unknown>).reserved).toBeNull();
      const fakeProcesses = (fake.computeProcesses ?? []).map(processKey).sort();
      expect(device.processes.map((p) => `${p.pid}:${p.gpuMemory}`).sort()).toEqual(fakeProcesses);
    });
  });

  it('a GPU whose handle is lost shows as "ERROR: GPU is Lost" with N/A values; the other GPU is fine', async () => {
    const scenario = loadScenario('lost-gpu');
    const result = await inspect(fakeNvmlEnv(scenario));
    expect(result.count).toBe(2);
    const [good, lost] = result.devices!;
    expect(pick(good!.snapshot, expectedFields(scenario.devices[0]!))).toEqual(expectedFields(scenario.devices[0]!));
    expect(lost!.snapshot.name).toBe('ERROR: GPU is Lost');
    expect(lost!.snapshot.memoryTotal).toBeNull();
    expect(lost!.snapshot.gpuUtilization).toBeNull();
    expect(lost!.processes).toEqual([]);
  });

  it('a GPU lost after lookup ("*": GPU_IS_LOST): every value N/A, no exception', async () => {
    const scenario = loadScenario('lost-gpu-star');
    const result = await inspect(fakeNvmlEnv(scenario));
    const lost = result.devices![0]!.snapshot;
    for (const key of ['name', 'uuid', 'memoryTotal', 'gpuUtilization', 'temperature', 'powerUsage']) expect([key, lost[key]]).toEqual([key, null]);
    expect(pick(result.devices![1]!.snapshot, expectedFields(scenario.devices[1]!))).toEqual(expectedFields(scenario.devices[1]!));
  });

  it('no GPU: zero devices, no error', async () => {
    const result = await inspect(fakeNvmlEnv(loadScenario('no-gpu')));
    expect(result).toMatchObject({ count: 0, devices: [] });
  });

  it('no library: Device.count() throws NvmlLibraryNotFoundError saying what to install; import does not throw', async () => {
    const env = { ...process.env, NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1', LD_LIBRARY_PATH: '/nonexistent' };
    const result = await inspect(env);
    expect(result.error?.name).toBe('NvmlLibraryNotFoundError');
    expect(result.error?.code).toBe(12);
    expect(result.error?.message).toContain('/nonexistent/libnvidia-ml.so.1');
    expect(result.error?.message).toMatch(/Install the NVIDIA driver/);
  });

  it('NVML init failure surfaces as a typed NvmlError with NVML\'s message', async () => {
    const scenario: FakeScenario = { ...loadScenario('one-gpu'), initError: 9 };
    const result = await inspect(fakeNvmlEnv(scenario));
    expect(result.error?.name).toBe('NvmlDriverNotLoadedError');
    expect(result.error?.code).toBe(9);
  });
});
