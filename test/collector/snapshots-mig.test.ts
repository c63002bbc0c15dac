// takeSnapshots() and the collector's device scopes on the MIG scenario (GPU 0: MIG enabled with
// three MIG devices; GPU 1: MIG disabled), for physical, MIG and CUDA devices.
import { beforeAll, describe, expect, it } from 'vitest';

import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';

type Api = typeof import('../../src/index.js');
let api: Api;
let scenario: FakeScenario;

beforeAll(async () => {
  scenario = loadScenario('mig');
  // This process also runs on GPU 1 and on MIG device 0:0 (one PID on two devices).
  scenario.devices[1]!.computeProcesses!.push({ pid: 'self', usedGpuMemory: 1 << 30 });
  scenario.devices[0]!.migDevices![0]!.computeProcesses!.push({ pid: 'self', usedGpuMemory: 1 << 29 });
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  process.env.CUDA_VISIBLE_DEVICES = '1';
  api = await import('../../src/index.js');
});

/** PIDs of a scenario device's compute and graphics lists. */
function pidsOf(device: { computeProcesses?: Array<{ pid: unknown }>; graphicsProcesses?: Array<{ pid: unknown }> }): number[] {
  return [...(device.computeProcesses ?? []), ...(device.graphicsProcesses ?? [])].map((p) => (p.pid === 'self' ? process.pid : (p.pid as number)));
}

describe('takeSnapshots', () => {
  it('defaults to every GPU and its MIG devices, with the processes of the leaf devices', () => {
    const { devices, gpuProcesses } = api.takeSnapshots();
    expect(devices.map((d) => d.displayIndex)).toEqual(['0', '0:0', '0:1', '0:2', '1']);
    expect(devices.map((d) => d.name)).toEqual([
      scenario.devices[0]!.name,
      ...scenario.devices[0]!.migDevices!.map((m) => m.name),
      scenario.devices[1]!.name,
    ]);
    const expected = [...scenario.devices[0]!.migDevices!.map((m) => pidsOf(m)), pidsOf(scenario.devices[1]!)];
    const byDevice = ['0:0', '0:1', '0:2', '1'].map((index) => gpuProcesses.filter((p) => p.deviceIndex === index).map((p) => p.pid).sort());
    expect(byDevice).toEqual(expected.map((list) => [...list].sort()));
    const others = gpuProcesses.filter((p) => p.pid !== process.pid);
    expect(others.every((p) => p.status === 'terminated' && api.isNA(p.username))).toBe(true); // PIDs that do not exist: failsafe
    // This process on two devices: one host read shared by both snapshots (a second cpuPercent()
    // right after the first would cover a microsecond and read 0).
    const mine = gpuProcesses.filter((p) => p.pid === process.pid);
    expect(mine.map((p) => p.deviceIndex).sort()).toEqual(['0:0', '1']);
    expect(mine[0]!.cpuPercent).toBeGreaterThan(0);
    expect(mine[1]!.cpuPercent).toBe(mine[0]!.cpuPercent);
  });

  it('takes only the given devices, or no processes', () => {
    const one = api.takeSnapshots(api.Device.fromIndex(1));
    expect(one.devices.map((d) => d.displayIndex)).toEqual(['1']);
    expect(one.gpuProcesses.map((p) => p.pid)).toEqual(pidsOf(scenario.devices[1]!));
    const none = api.takeSnapshots(undefined, { gpuProcesses: false });
    expect(none.devices.map((d) => d.displayIndex)).toEqual(['0', '1']);
    expect(none.gpuProcesses).toEqual([]);
  });

  it('takes given processes and defaults the devices to theirs', () => {
    const mig = api.Device.fromIndex([0, 2]);
    const processes = [...mig.processes().values()];
    expect(processes.length).toBeGreaterThan(0);
    const result = api.takeSnapshots(undefined, { gpuProcesses: processes[0]! });
    expect(result.devices.map((d) => d.displayIndex)).toEqual(['0:2']);
    expect(result.gpuProcesses.map((p) => p.pid)).toEqual([processes[0]!.pid]);
  });

  it('takes CUDA devices in CUDA order', () => {
    const result = api.takeSnapshots(api.Device.cuda.all());
    expect(result.devices.map((d) => [d.kind, d.cudaIndex, d.displayIndex])).toEqual([['cuda', 0, '1']]);
    expect(result.gpuProcesses.map((p) => p.pid)).toEqual(pidsOf(scenario.devices[1]!));
  });
});

describe('collector scopes', () => {
  it("name MIG devices with nvitop's tuple repr and CUDA devices by ordinal", () => {
    const collector = new api.ResourceMetricCollector({ rootPids: [1], interval: 3600 });
    const scopes = (metrics: Record<string, unknown>) => new Set(Object.keys(metrics).filter((k) => k.endsWith('/last')).map((k) => k.split('/').slice(1, -2).join('/')));
    const all = collector.context('t', () => collector.collect());
    const migPids = scenario.devices[0]!.migDevices!.map((m) => pidsOf(m));
    expect(scopes(all)).toEqual(
      new Set([
        'host',
        'gpu:0',
        'gpu:(0, 0)',
        'gpu:(0, 1)',
        'gpu:(0, 2)',
        'gpu:1',
        ...migPids.flatMap((pids, m) => pids.flatMap((pid) => [`pid:${pid}/host`, `pid:${pid}/gpu:(0, ${m})`])),
        ...pidsOf(scenario.devices[1]!).flatMap((pid) => [`pid:${pid}/host`, `pid:${pid}/gpu:1`]),
      ]),
    );
    const mig1 = scenario.devices[0]!.migDevices![1]!;
    expect(all['t/gpu:(0, 1)/memory_used (MiB)/last']).toBe(mig1.memory!.used! / 2 ** 20);

    const cuda = new api.ResourceMetricCollector({ devices: api.Device.cuda.all(), rootPids: [1], interval: 3600 });
    const metrics = cuda.context('t', () => cuda.collect());
    expect(metrics['t/cuda:0 (gpu:1)/memory_total (MiB)/last']).toBe(scenario.devices[1]!.memory!.total! / 2 ** 20);
    const pid = pidsOf(scenario.devices[1]!)[0];
    expect(metrics[`t/pid:${pid}/cuda:0 (gpu:1)/gpu_memory (MiB)/last`]).toBe(
      (scenario.devices[1]!.computeProcesses![0]!.usedGpuMemory as number) / 2 ** 20,
    );
  });
});

describe('one process on several devices', () => {
  it("reads its host facts once per sample, so its CPU percent is the sample interval's", () => {
    const collector = new api.ResourceMetricCollector({ interval: 3600 });
    collector.activate('t');
    collector.sample();
    const end = performance.now() + 150;
    let spin = 0;
    while (performance.now() < end) spin += 1; // keep this process busy between the samples
    expect(spin).toBeGreaterThan(0);
    collector.sample();
    const metrics = collector.collect();
    const cpu = metrics[`t/pid:${process.pid}/host/cpu_percent (%)/last`] as number;
    expect(cpu).toBeGreaterThan(5);
    expect(cpu).toBeLessThan(250);
    expect(metrics[`t/pid:${process.pid}/gpu:1/gpu_memory (MiB)/last`]).toBe(1024);
    expect(metrics[`t/pid:${process.pid}/gpu:(0, 0)/gpu_memory (MiB)/last`]).toBe(512);
    collector.deactivate();
  });
});
