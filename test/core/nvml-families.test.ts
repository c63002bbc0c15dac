// The versioned NVML families: one record each (families.ts), every variant a real prototype,
// one variant chosen per family, and a FUNCTION_NOT_FOUND answer at run time moving the family to
// its next variant, which then writes its own input and reads its own output.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

import { COMPUTE_PROCESSES, GRAPHICS_PROCESSES, INIT, MEMORY_INFO, SAME_SHAPE_FAMILIES, TEMPERATURE } from '../../src/core/nvml/families.js';
import { sizeOf } from '../../src/core/nvml/structs.js';
import { PROTOTYPES } from '../../src/core/nvml/symbols.js';
import { fakeNvmlEnv, loadScenario, readCallCounts } from '../helpers/fake-nvml.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const families = [INIT, MEMORY_INFO, TEMPERATURE, COMPUTE_PROCESSES, GRAPHICS_PROCESSES, ...Object.values(SAME_SHAPE_FAMILIES)];

/** Memory, temperature and the compute list of GPU 0 through the built package, with the call counts. */
async function readGpu0(scenario: object): Promise<{ result: Record<string, unknown>; counts: Record<string, number> }> {
  const counts = path.join(root, 'build', `families-counts-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const code = `
    import * as N from ${JSON.stringify(path.join(root, 'dist/core/nvml/index.js'))};
    const h = N.deviceGetHandleByIndex(0);
    const first = { memory: N.deviceGetMemoryInfo(h), temperature: N.deviceGetTemperature(h), compute: N.deviceGetComputeRunningProcesses(h) };
    const second = { memory: N.deviceGetMemoryInfo(h), compute: N.deviceGetComputeRunningProcesses(h) };
    process.stdout.write(JSON.stringify({ first, second }, (k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? null : v)));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env: fakeNvmlEnv(scenario, { NVITOP_FAKE_NVML_COUNTS: counts }) });
  return { result: JSON.parse(stdout) as Record<string, unknown>, counts: readCallCounts(counts) };
}

describe('NVML family records', () => {
  it('every variant names a symbol with a prototype; each family lists each layout once', () => {
    for (const family of families) {
      expect(family.variants.length).toBeGreaterThan(0);
      for (const variant of family.variants) expect(PROTOTYPES[variant.symbol], variant.symbol).toBeDefined();
      const layouts = family.variants.map((v) => `${v.symbol}/${v.struct === undefined ? '' : sizeOf(v.struct)}`);
      expect(new Set(layouts).size).toBe(layouts.length);
    }
    // The process entries: 32 bytes from R535's _v3, 24 from _v3/_v2, 16 from the base call.
    expect(COMPUTE_PROCESSES.variants.map((v) => [v.symbol, sizeOf(v.struct)])).toEqual([
      ['nvmlDeviceGetComputeRunningProcesses_v3', 32],
      ['nvmlDeviceGetComputeRunningProcesses_v3', 24],
      ['nvmlDeviceGetComputeRunningProcesses_v2', 24],
      ['nvmlDeviceGetComputeRunningProcesses', 16],
    ]);
  });

  it('FUNCTION_NOT_FOUND at run time moves memory and the process list to the older variant, once', async () => {
    const scenario = loadScenario('one-gpu');
    const device = { ...scenario.devices[0], errors: { nvmlDeviceGetMemoryInfo_v2: 13, nvmlDeviceGetComputeRunningProcesses_v3: 13 } };
    const { result, counts } = await readGpu0({ ...scenario, devices: [device] });
    const { first, second } = result as { first: { memory: Record<string, unknown>; compute: { pid: number; usedGpuMemory: number }[] }; second: typeof first };
    const memory = scenario.devices[0]!.memory as { total: number; used: number; reserved: number };
    // The v1 layout: used includes reserved, reserved unknown.
    expect(first.memory).toEqual({ total: memory.total, free: memory.total - memory.used - memory.reserved, used: memory.used + memory.reserved, reserved: null });
    expect(second.memory).toEqual(first.memory);
    expect(first.compute.map((p) => p.usedGpuMemory)).toEqual([3758096384, 6442450944]);
    expect(second.compute).toEqual(first.compute);
    // The newer symbols were tried once; after that the family stays on the older one.
    expect(counts.nvmlDeviceGetMemoryInfo_v2).toBe(1);
    expect(counts.nvmlDeviceGetMemoryInfo).toBe(2);
    expect(counts.nvmlDeviceGetComputeRunningProcesses_v3).toBe(1);
    expect(counts.nvmlDeviceGetComputeRunningProcesses_v2).toBeGreaterThanOrEqual(4); // two calls per list, two lists
  });

  it('an R535 library: _v3 entries are read with the 32-byte layout', async () => {
    const scenario = loadScenario('one-gpu-r535');
    const { result } = await readGpu0(scenario);
    const { first } = result as { first: { compute: { pid: number; usedGpuMemory: number; gpuInstanceId: unknown }[]; temperature: number } };
    const wanted = (scenario.devices[0]!.computeProcesses as { pid: number; usedGpuMemory: number }[]).map((p) => [p.pid, p.usedGpuMemory]);
    expect(first.compute.map((p) => [p.pid, p.usedGpuMemory])).toEqual(wanted);
    expect(first.compute.every((p) => p.gpuInstanceId === null)).toBe(true);
    expect(first.temperature).toBe(scenario.devices[0]!.temperature); // the base call (no TemperatureV in R535)
  });
});
