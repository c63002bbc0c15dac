// The built nvitop-exporter on the other fake machines: eight GPUs with NVLink and many
// processes, MIG (index "i:j"), lost GPUs (at start-up and while running: NaN, never a crash),
// and an old driver where most queries are NOT_SUPPORTED.
import { spawn, type ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, updateScenario, withPids, writeScenario, type FakeDevice, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText, startExporter, type RunningExporter } from '../helpers/exporter-process.js';
import { parsePromText, sampleOf, type PromFamily } from '../helpers/prom-text.js';
import { DEVICE_FAMILIES, LINK_FAMILIES, PROCESS_FAMILIES, expectedDeviceValues, expectedNvlinkRates, same } from './expected.js';

const MiB = 2 ** 20;
const HOSTNAME = 'fleet-7';
const children: ChildProcess[] = [];
const running: RunningExporter[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(scenario: string | object, args: string[] = []): Promise<RunningExporter> {
  const exporter = await startExporter(['--interval', '0.25', '--hostname', HOSTNAME, ...args], fakeNvmlEnv(scenario));
  running.push(exporter);
  return exporter;
}

async function scrape(exporter: RunningExporter): Promise<Map<string, PromFamily>> {
  const response = await fetchText(`${exporter.base}/metrics`);
  expect(response.status).toBe(200);
  return parsePromText(response.body);
}

function expectDevice(families: Map<string, PromFamily>, labels: Record<string, string>, expected: Record<string, number>): void {
  for (const name of DEVICE_FAMILIES) {
    if (name.startsWith('gpu_nvlink_')) continue;
    const value = sampleOf(families, name, labels).value;
    expect(same(value, expected[name] as number), `${labels['index']} ${name}: got ${value}, expected ${expected[name]}`).toBe(true);
  }
}

const pidsOf = (device: FakeDevice): number[] =>
  [...new Set([...(device.computeProcesses ?? []), ...(device.graphicsProcesses ?? [])].map((p) => p.pid as number))].sort((a, b) => a - b);

beforeAll(() => {
  for (let i = 0; i < 3; i += 1) children.push(spawn('sleep', [String(3600 + i)], { stdio: 'ignore' }));
});

afterAll(async () => {
  await Promise.all(running.map((e) => e.stop('SIGKILL')));
  for (const child of children) child.kill('SIGKILL');
});

describe('eight GPUs', () => {
  let scenario: FakeScenario;
  let exporter: RunningExporter;
  let families: Map<string, PromFamily>;

  beforeAll(async () => {
    scenario = withPids(loadScenario('eight-gpu'), children.map((c) => c.pid as number));
    exporter = await start(scenario);
    families = await scrape(exporter);
  });

  it('lists the eight GPUs at start-up', () => {
    expect(exporter.stderr()).toContain('INFO: Found 8 device(s).\n');
    scenario.devices.forEach((device, i) => {
      expect(exporter.stderr()).toContain(`INFO: GPU ${i}: ${device.name} (UUID: ${device.uuid})\n`);
    });
  });

  it('every device gauge equals the scenario', () => {
    scenario.devices.forEach((device, i) => {
      const labels = { hostname: HOSTNAME, index: String(i), devicename: device.name ?? '', uuid: device.uuid ?? '' };
      expectDevice(families, labels, expectedDeviceValues(device));
    });
    for (const name of DEVICE_FAMILIES) expect(families.get(name)?.samples, name).toHaveLength(8);
  });

  it('NVLink: one series per link at the fake counters\' rates, totals and means', () => {
    let expectedSeries = 0;
    scenario.devices.forEach((device, i) => {
      const labels = { hostname: HOSTNAME, index: String(i), devicename: device.name ?? '', uuid: device.uuid ?? '' };
      const rates = expectedNvlinkRates(device);
      const total = sampleOf(families, 'gpu_nvlink_total_tx_throughput_MiBps', labels).value;
      if (rates === undefined) {
        expect(total).toBeNaN();
        expect(sampleOf(families, 'gpu_nvlink_mean_rx_throughput_MiBps', labels).value).toBeNaN();
        return;
      }
      expectedSeries += rates.links;
      const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(0.01 * want, 0.01));
      for (let link = 0; link < rates.links; link += 1) {
        close(sampleOf(families, 'gpu_nvlink_tx_throughput_MiBps', { ...labels, link: String(link) }).value, rates.tx[link] ?? 0);
        close(sampleOf(families, 'gpu_nvlink_rx_throughput_MiBps', { ...labels, link: String(link) }).value, rates.rx[link] ?? 0);
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      close(total, sum(rates.tx));
      close(sampleOf(families, 'gpu_nvlink_total_rx_throughput_MiBps', labels).value, sum(rates.rx));
      close(sampleOf(families, 'gpu_nvlink_mean_tx_throughput_MiBps', labels).value, sum(rates.tx) / rates.links);
      close(sampleOf(families, 'gpu_nvlink_mean_rx_throughput_MiBps', labels).value, sum(rates.rx) / rates.links);
    });
    expect(expectedSeries).toBeGreaterThan(0);
    for (const name of LINK_FAMILIES) expect(families.get(name)?.samples, name).toHaveLength(expectedSeries);
  });

  it('every process of every GPU, once per GPU, with its GPU memory and utilization', () => {
    let expectedRows = 0;
    scenario.devices.forEach((device, i) => {
      const pids = pidsOf(device);
      expectedRows += pids.length;
      const rows = (families.get('process_gpu_memory_MiB')?.samples ?? []).filter((s) => s.labels['index'] === String(i));
      expect(rows.map((s) => Number(s.labels['pid'])).sort((a, b) => a - b), `GPU ${i}`).toEqual(pids);
      for (const pid of pids) {
        const entries = [...(device.computeProcesses ?? []), ...(device.graphicsProcesses ?? [])].filter((p) => p.pid === pid);
        const memory = rows.find((s) => s.labels['pid'] === String(pid))?.value;
        // A PID in both lists shows one of its entries (NVML reports them separately).
        expect(entries.map((p) => (p.usedGpuMemory ?? Number.NaN) / MiB)).toContain(memory);
        const sample = device.processUtilization?.find((s) => s.pid === pid);
        if (sample !== undefined) {
          const sm = (families.get('process_gpu_sm_utilization_Percentage')?.samples ?? []).find(
            (s) => s.labels['index'] === String(i) && s.labels['pid'] === String(pid),
          );
          expect(sm?.value, `GPU ${i} pid ${pid}`).toBe(sample.smUtil);
        }
      }
    });
    for (const name of ['process_info_info', ...PROCESS_FAMILIES]) expect(families.get(name)?.samples, name).toHaveLength(expectedRows);
  });
});

describe('MIG', () => {
  let scenario: FakeScenario;
  let exporter: RunningExporter;
  let families: Map<string, PromFamily>;

  beforeAll(async () => {
    scenario = loadScenario('mig');
    exporter = await start(scenario);
    families = await scrape(exporter);
  });

  it('prints the physical and MIG device lines', () => {
    const gpu0 = scenario.devices[0] as FakeDevice;
    expect(exporter.stderr()).toContain('INFO: Found 2 physical device(s) and 3 MIG device(s).\n');
    expect(exporter.stderr()).toContain(`INFO: GPU 0: ${gpu0.name} (UUID: ${gpu0.uuid})\n`);
    (gpu0.migDevices ?? []).forEach((mig, j) => {
      const profile = (mig.name ?? '').split(' ').pop() ?? '';
      expect(exporter.stderr()).toContain(`INFO:   MIG ${profile.padEnd(11)} Device ${String(j).padStart(2)}: (UUID: ${mig.uuid})\n`);
    });
  });

  it('exports the GPUs and their MIG devices as "i" and "i:j", each with its own values', () => {
    const indices = (families.get('gpu_memory_total_MiB')?.samples ?? []).map((s) => s.labels['index']);
    expect(indices).toEqual(['0', '0:0', '0:1', '0:2', '1']);
    scenario.devices.forEach((device, i) => {
      expectDevice(families, { hostname: HOSTNAME, index: String(i), devicename: device.name ?? '', uuid: device.uuid ?? '' }, expectedDeviceValues(device));
      (device.migDevices ?? []).forEach((mig, j) => {
        expectDevice(families, { hostname: HOSTNAME, index: `${i}:${j}`, devicename: mig.name ?? '', uuid: mig.uuid ?? '' }, expectedDeviceValues(mig));
      });
    });
  });

  it('lists each MIG device\'s processes under its "i:j" index (N/A memory as NaN)', () => {
    const gpu0 = scenario.devices[0] as FakeDevice;
    (gpu0.migDevices ?? []).forEach((mig, j) => {
      const rows = (families.get('process_gpu_memory_MiB')?.samples ?? []).filter((s) => s.labels['index'] === `0:${j}`);
      expect(rows.map((s) => Number(s.labels['pid'])).sort((a, b) => a - b)).toEqual(pidsOf(mig));
      for (const p of mig.computeProcesses ?? []) {
        const value = rows.find((s) => s.labels['pid'] === String(p.pid))?.value;
        expect(same(value, p.usedGpuMemory == null ? Number.NaN : p.usedGpuMemory / MiB), `0:${j} pid ${p.pid}`).toBe(true);
      }
    });
    // The MIG-enabled parent aggregates its instances' processes, as NVML does.
    const parentPids = (families.get('process_info_info')?.samples ?? []).filter((s) => s.labels['index'] === '0').map((s) => Number(s.labels['pid']));
    expect(parentPids.sort((a, b) => a - b)).toEqual((gpu0.migDevices ?? []).flatMap(pidsOf).sort((a, b) => a - b));
  });
});

describe('lost GPUs', () => {
  it('a GPU lost before start-up is exported with NaN values, the other one normally', async () => {
    const scenario = loadScenario('lost-gpu');
    const exporter = await start(scenario);
    const families = await scrape(exporter);
    const healthy = scenario.devices[0] as FakeDevice;
    expectDevice(families, { hostname: HOSTNAME, index: '0', devicename: healthy.name ?? '', uuid: healthy.uuid ?? '' }, expectedDeviceValues(healthy));
    const lost = (families.get('gpu_utilization_Percentage')?.samples ?? []).find((s) => s.labels['index'] === '1');
    expect(lost?.labels['devicename']).toMatch(/lost/i);
    expectDevice(families, lost?.labels ?? {}, expectedDeviceValues({}, { lost: true }));
    expect((families.get('process_info_info')?.samples ?? []).every((s) => s.labels['index'] === '0')).toBe(true);
  });

  it('a GPU lost after its handle was obtained gives NaN', async () => {
    const scenario = loadScenario('lost-gpu-star');
    const exporter = await start(scenario);
    const families = await scrape(exporter);
    const gpu0 = (families.get('gpu_temperature_C')?.samples ?? []).find((s) => s.labels['index'] === '0');
    expect(gpu0).toBeDefined();
    expectDevice(families, gpu0?.labels ?? {}, expectedDeviceValues({}, { lost: true }));
    const gpu1 = scenario.devices[1] as FakeDevice;
    expectDevice(families, { hostname: HOSTNAME, index: '1', devicename: gpu1.name ?? '', uuid: gpu1.uuid ?? '' }, expectedDeviceValues(gpu1));
  });

  it('a GPU that falls off the bus while the exporter runs turns to NaN; the exporter keeps serving', async () => {
    const healthy = loadScenario('lost-gpu-star');
    delete (healthy.devices[0] as FakeDevice & { errors?: unknown }).errors;
    const withChild = withPids(healthy, [children[0]?.pid as number]);
    const file = writeScenario(withChild);
    const exporter = await start(file);
    const gpu0 = withChild.devices[0] as FakeDevice;
    const labels = { hostname: HOSTNAME, index: '0', devicename: gpu0.name ?? '', uuid: gpu0.uuid ?? '' };
    let families = await scrape(exporter);
    expectDevice(families, labels, expectedDeviceValues(gpu0));
    expect((families.get('process_info_info')?.samples ?? []).some((s) => s.labels['index'] === '0')).toBe(true);

    const lost = structuredClone(withChild);
    (lost.devices[0] as FakeDevice & { errors?: Record<string, number> }).errors = { '*': 15 };
    updateScenario(file, lost);
    await sleep(700);
    families = await scrape(exporter);
    // Same label set (identity was read before the loss), every value NaN, its processes gone.
    expectDevice(families, labels, expectedDeviceValues({}, { lost: true }));
    expect((families.get('process_info_info')?.samples ?? []).some((s) => s.labels['index'] === '0')).toBe(false);
    const gpu1 = withChild.devices[1] as FakeDevice;
    expectDevice(families, { hostname: HOSTNAME, index: '1', devicename: gpu1.name ?? '', uuid: gpu1.uuid ?? '' }, expectedDeviceValues(gpu1));
    expect((await fetchText(`${exporter.base}/healthz`)).status).toBe(200);
    expect(exporter.child.exitCode).toBeNull();
  });
});

describe('old driver', () => {
  it('exports NaN for every query the old GPU does not support', async () => {
    const scenario = loadScenario('old-gpu');
    const exporter = await start(scenario);
    const families = await scrape(exporter);
    scenario.devices.forEach((device, i) => {
      expectDevice(families, { hostname: HOSTNAME, index: String(i), devicename: device.name ?? '', uuid: device.uuid ?? '' }, expectedDeviceValues(device, { v1Memory: true }));
    });
    const k80 = scenario.devices[1] as FakeDevice;
    const row = sampleOf(families, 'process_gpu_memory_MiB', { index: '1', pid: String(k80.computeProcesses?.[0]?.pid) });
    expect(row.value).toBe((k80.computeProcesses?.[0]?.usedGpuMemory ?? 0) / MiB);
  });
});
