// The Device API on the fake eight-GPU machine, through the real koffi path: every snapshot
// field against the scenario, processes merged from both lists, per-process utilization.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, withPids, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { expectedFields, pick } from './expected.js';

let scenario: FakeScenario;
const children: ChildProcess[] = [];
let api: typeof import('../../src/index.js');

beforeAll(async () => {
  // Real processes so that host facts come from /proc.
  for (let i = 0; i < 3; i += 1) children.push(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }));
  scenario = withPids(loadScenario('eight-gpu'), children.map((child) => child.pid as number)) as FakeScenario;
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  api = await import('../../src/index.js');
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('eight-gpu scenario', () => {
  it('counts and versions', () => {
    expect(api.Device.count()).toBe(8);
    expect(api.Device.driverVersion()).toBe(scenario.driverVersion);
    const v = scenario.cudaDriverVersion as number;
    expect(api.Device.cudaDriverVersion()).toBe(`${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`);
  });

  it('every snapshot field matches the scenario', () => {
    const devices = api.Device.all();
    expect(devices).toHaveLength(scenario.devices.length);
    devices.forEach((device, index) => {
      const expected = expectedFields(scenario.devices[index]!);
      const snapshot = device.asSnapshot();
      expect(pick(snapshot, expected)).toEqual(expected);
      expect(snapshot.index).toBe(index);
      expect(snapshot.displayIndex).toBe(`${index}`);
      expect(snapshot.memoryUsage).toBe(`${snapshot.memoryUsedHuman} / ${snapshot.memoryTotalHuman}`);
    });
  });

  it('the same device object for the same index', () => {
    expect(api.Device.fromIndex(3)).toBe(api.Device.all()[3]);
  });

  it('looks devices up by UUID (full and abbreviated) and bus id', () => {
    const uuid = scenario.devices[5]!.uuid as string;
    expect(api.Device.fromUuid(uuid).index).toBe(5);
    expect(api.Device.fromUuid(uuid.slice(0, 12)).index).toBe(5);
    expect(api.Device.fromBusId(api.Device.fromIndex(2).busId() as string).index).toBe(2);
    expect(() => api.Device.fromUuid('GPU-ffffffff')).toThrow(/Invalid device UUID: 'GPU-ffffffff'/);
    expect(() => api.Device.fromIndex(8)).toThrow(/Invalid device index: 8\. Expected an index in 0\.\.7/);
  });

  it('merges compute and graphics lists with types C, G and C+G', () => {
    api.Device.all().forEach((device, index) => {
      const fake = scenario.devices[index]!;
      const compute = new Map((fake.computeProcesses ?? []).map((p) => [p.pid, p]));
      const graphics = new Map((fake.graphicsProcesses ?? []).map((p) => [p.pid, p]));
      const processes = device.processes();
      const pids = new Set([...compute.keys(), ...graphics.keys()]);
      expect(new Set(processes.keys())).toEqual(pids);
      for (const pid of pids) {
        const process = processes.get(pid as number)!;
        const type = compute.has(pid) && graphics.has(pid) ? 'C+G' : compute.has(pid) ? 'C' : 'G';
        expect([pid, process.type]).toEqual([pid, type]);
        // Graphics entries come second, as in NVML's order of calls; the last list's memory wins.
        const memory = (graphics.get(pid) ?? compute.get(pid))!.usedGpuMemory ?? null;
        expect(JSON.parse(JSON.stringify(process.gpuMemory()))).toBe(memory);
        const sample = (fake.processUtilization ?? []).find((s) => s.pid === pid);
        expect(process.gpuSmUtilization()).toBe(sample?.smUtil ?? 0);
        expect(process.gpuMemoryUtilization()).toBe(sample?.memUtil ?? 0);
      }
    });
  });

  it('host facts of listed processes come from /proc', () => {
    const pid = children[0]!.pid as number;
    const owner = api.Device.all().find((device) => device.processes().has(pid));
    expect(owner).toBeDefined();
    const [snapshot] = api.GpuProcess.takeSnapshots([owner!.processes().get(pid)!], { failsafe: true });
    expect(snapshot!.isRunning).toBe(true);
    expect(snapshot!.cmdline[0]).toBe(process.execPath);
    expect(snapshot!.command).toContain('setTimeout');
    expect(snapshot!.username).toBe(api.host.getuser());
    expect(typeof snapshot!.runningTime).toBe('number');
  });

  it('computes NVLink throughput from the counters', () => {
    const device = api.Device.fromIndex(0);
    const links = scenario.devices[0]!.nvlink!;
    expect(device.nvlinkLinkCount()).toBe(links.linkCount);
    const throughput = device.nvlinkThroughput();
    expect(throughput).toHaveLength(links.linkCount);
    for (const link of throughput) {
      // Counters grow at the scenario's rate; the measured rate is within rounding of it.
      expect(Math.abs((link.tx as number) - (links.txRateKiBps as number)) / (links.txRateKiBps as number)).toBeLessThan(0.05);
    }
  });
});
