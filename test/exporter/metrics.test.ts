// The built nvitop-exporter on the fake one-GPU machine with real processes: every family, label
// set and value of a scrape, read with an independent exposition parser, against the scenario and
// /proc; vanished processes leave the next scrape; the HTTP surface (/, /metrics, /healthz, gzip,
// name[] selection, 404/405); Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, updateScenario, withPids, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText, startExporter, type RunningExporter } from '../helpers/exporter-process.js';
import { parsePromText, sampleOf, type PromFamily } from '../helpers/prom-text.js';
import {
  ALL_FAMILIES,
  DEVICE_FAMILIES,
  DISK_IO_FAMILIES,
  DISK_USAGE_FAMILIES,
  LABELS,
  LINK_FAMILIES,
  NET_FAMILIES,
  PROCESS_FAMILIES,
  expectedDeviceValues,
  same,
} from './expected.js';

const MiB = 2 ** 20;
const HOSTNAME = 'test-host';
const children: ChildProcess[] = [];
let scenario: FakeScenario;
let scenarioFile: string;
let exporter: RunningExporter;
let c1: number;
let c2: number;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const meminfo = (key: string): number => Number(/\d+/.exec(readFileSync('/proc/meminfo', 'utf8').split('\n').find((l) => l.startsWith(`${key}:`)) ?? '')?.[0]) * 1024;
const netDev = (): Map<string, { rx: number; tx: number; rxp: number; txp: number }> => {
  const out = new Map<string, { rx: number; tx: number; rxp: number; txp: number }>();
  for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (rest === undefined) continue;
    const f = rest.trim().split(/\s+/).map(Number);
    out.set((name ?? '').trim(), { rx: f[0] ?? 0, rxp: f[1] ?? 0, tx: f[8] ?? 0, txp: f[9] ?? 0 });
  }
  return out;
};
const diskstats = (): Map<string, { read: number; write: number }> => {
  const out = new Map<string, { read: number; write: number }>();
  for (const line of readFileSync('/proc/diskstats', 'utf8').trim().split('\n')) {
    const f = line.trim().split(/\s+/);
    out.set(f[2] ?? '', { read: Number(f[5]) * 512, write: Number(f[9]) * 512 });
  }
  return out;
};

async function scrape(path = '/metrics', headers: Record<string, string> = {}): Promise<Map<string, PromFamily>> {
  const response = await fetchText(`${exporter.base}${path}`, { headers });
  expect(response.status).toBe(200);
  return parsePromText(response.body);
}

beforeAll(async () => {
  // Two real processes use the GPU; PID 4999999 of the scenario does not exist.
  for (const seconds of ['3600', '3601']) {
    const child = spawn('sleep', [seconds], { stdio: 'ignore' });
    children.push(child);
  }
  c1 = children[0]?.pid as number;
  c2 = children[1]?.pid as number;
  scenario = withPids(loadScenario('one-gpu'), { self: c1, parent: c2 });
  scenarioFile = writeScenario(scenario);
  exporter = await startExporter(['--interval', '0.25', '--hostname', HOSTNAME], fakeNvmlEnv(scenarioFile));
});

afterAll(async () => {
  await exporter?.stop('SIGKILL');
  for (const child of children) child.kill('SIGKILL');
});

describe('nvitop-exporter on one GPU', () => {
  it('prints nvitop-exporter start-up lines', () => {
    const device = scenario.devices[0];
    expect(exporter.stderr()).toContain('INFO: Found 1 device(s).\n');
    expect(exporter.stderr()).toContain(`INFO: GPU 0: ${device?.name} (UUID: ${device?.uuid})\n`);
    expect(exporter.stderr()).toContain(`INFO: Start the exporter on ${HOSTNAME} at http://127.0.0.1:${exporter.port}/metrics.\n`);
  });

  it('exposes every family as a gauge with help text and the right label names', async () => {
    const families = await scrape();
    for (const name of ALL_FAMILIES) {
      const family = families.get(name);
      expect(family, name).toBeDefined();
      expect(family?.type, name).toBe('gauge');
      expect(family?.help, name).toMatch(/\S/);
      for (const sample of family?.samples ?? []) {
        expect(Object.keys(sample.labels).sort(), name).toEqual([...(LABELS[name] ?? [])].sort());
        expect(sample.labels['hostname'], name).toBe(HOSTNAME);
      }
    }
    // Nothing else but the exporter's own process metrics, which must not include _total gauges.
    const others = [...families.keys()].filter((n) => !ALL_FAMILIES.includes(n));
    expect(others.length).toBeGreaterThan(5);
    for (const name of others) expect(name).toMatch(/^(process_|nodejs_)/);
    for (const family of families.values()) {
      if (family.name.endsWith('_total')) expect(family.type, family.name).toBe('counter');
    }
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    const rss = families.get('process_resident_memory_bytes')?.samples[0]?.value ?? 0;
    const childRss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${exporter.child.pid}/status`, 'utf8'))?.[1]) * 1024;
    expect(rss).toBeGreaterThan(childRss / 2);
    expect(rss).toBeLessThan(childRss * 2);
  });

  it('nvitop_info carries the driver facts', async () => {
    const families = await scrape();
    const info = families.get('nvitop_info')?.samples ?? [];
    expect(info).toHaveLength(1);
    const v = scenario.cudaDriverVersion as number;
    expect(info[0]?.labels).toEqual({
      hostname: HOSTNAME,
      device_count: '1',
      driver_version: scenario.driverVersion,
      cuda_driver_version: `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`,
    });
    expect(info[0]?.value).toBe(1);
  });

  it('device gauges equal the scenario (NVLink absent: NaN totals, no per-link series)', async () => {
    const families = await scrape();
    const device = scenario.devices[0] as FakeScenario['devices'][number];
    const expected = expectedDeviceValues(device);
    const labels = { hostname: HOSTNAME, index: '0', devicename: device.name ?? '', uuid: device.uuid ?? '' };
    for (const name of DEVICE_FAMILIES) {
      const samples = families.get(name)?.samples ?? [];
      expect(samples, name).toHaveLength(1);
      expect(samples[0]?.labels, name).toEqual(labels);
      if (name.startsWith('gpu_nvlink_')) expect(samples[0]?.value, name).toBeNaN();
      else expect(same(samples[0]?.value, expected[name] as number), `${name}: ${samples[0]?.value} vs ${expected[name]}`).toBe(true);
    }
    for (const name of LINK_FAMILIES) expect(families.get(name)?.samples, name).toEqual([]);
  });

  it('process gauges: real processes from /proc, the missing PID as NaN', async () => {
    const families = await scrape();
    const device = scenario.devices[0] as FakeScenario['devices'][number];
    const base = { hostname: HOSTNAME, index: '0', devicename: device.name ?? '', uuid: device.uuid ?? '' };
    const user = userInfo().username;
    const info = families.get('process_info_info')?.samples ?? [];
    expect(info.map((s) => s.labels['pid']).sort()).toEqual([String(c1), String(c2), '4999999'].sort());

    const memTotal = meminfo('MemTotal');
    for (const [pid, seconds, gpuMemory] of [
      [c1, '3600', 3758096384],
      [c2, '3601', 432013312],
    ] as const) {
      const labels = { ...base, pid: String(pid), username: user };
      const row = info.find((s) => s.labels['pid'] === String(pid));
      expect(row?.labels).toMatchObject({ ...labels, command: `sleep ${seconds}` });
      expect(['sleeping', 'running']).toContain(row?.labels['status']);
      expect(row?.value).toBe(1);
      const value = (family: string) => sampleOf(families, family, labels).value;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
      expect(value('process_rss_memory_MiB')).toBeCloseTo(rss / MiB, 1);
      expect(value('process_memory_percent_Percentage')).toBeCloseTo((rss / memTotal) * 100, 2);
      expect(value('process_gpu_memory_MiB')).toBe(gpuMemory / MiB);
      expect(value('process_running_time_Second')).toBeGreaterThan(0);
      expect(value('process_running_time_Second')).toBeLessThan(600);
      expect(value('process_cpu_percent_Percentage')).toBeGreaterThanOrEqual(0);
      expect(value('process_cpu_percent_Percentage')).toBeLessThan(50);
      const sample = device.processUtilization?.find((s) => s.pid === pid);
      expect(value('process_gpu_sm_utilization_Percentage')).toBe(sample?.smUtil);
      expect(value('process_gpu_memory_utilization_Percentage')).toBe(sample?.memUtil);
      expect(value('process_gpu_encoder_utilization_Percentage')).toBe(sample?.encUtil);
      expect(value('process_gpu_decoder_utilization_Percentage')).toBe(sample?.decUtil);
    }

    const ghost = { ...base, pid: '4999999', username: 'N/A' };
    expect(info.find((s) => s.labels['pid'] === '4999999')?.labels).toMatchObject({ ...ghost, status: 'terminated', command: 'No Such Process' });
    for (const family of ['process_running_time_Second', 'process_cpu_percent_Percentage', 'process_rss_memory_MiB', 'process_memory_percent_Percentage']) {
      expect(sampleOf(families, family, ghost).value, family).toBeNaN();
    }
    expect(sampleOf(families, 'process_gpu_memory_MiB', ghost).value).toBe(6442450944 / MiB);
    expect(sampleOf(families, 'process_gpu_sm_utilization_Percentage', ghost).value).toBe(12);
    for (const family of PROCESS_FAMILIES) expect(families.get(family)?.samples, family).toHaveLength(3);
  });

  it('host gauges agree with /proc', async () => {
    const netBefore = netDev();
    const diskBefore = diskstats();
    const upBefore = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    await sleep(300); // past the interval: this scrape collects afresh
    const families = await scrape();
    const netAfter = netDev();
    const diskAfter = diskstats();
    const upAfter = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const host = (name: string) => sampleOf(families, name, { hostname: HOSTNAME }).value;

    expect(host('host_virtual_memory_total_MiB')).toBe(meminfo('MemTotal') / MiB);
    expect(host('host_swap_memory_total_MiB')).toBe(meminfo('SwapTotal') / MiB);
    expect(host('host_uptime_Second')).toBeGreaterThanOrEqual(upBefore);
    expect(host('host_uptime_Second')).toBeLessThanOrEqual(upAfter);
    const used = host('host_virtual_memory_used_MiB');
    const free = host('host_virtual_memory_free_MiB');
    expect(used + free).toBeLessThanOrEqual(host('host_virtual_memory_total_MiB'));
    expect(host('host_virtual_memory_percent_Percentage')).toBeGreaterThan(0);
    expect(host('host_virtual_memory_percent_Percentage')).toBeLessThan(100);
    expect(host('host_cpu_percent_Percentage')).toBeGreaterThanOrEqual(0);
    expect(host('host_cpu_percent_Percentage')).toBeLessThanOrEqual(100);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
    expect(host('host_load_average_1m_Percentage')).toBeCloseTo(load[0] ?? 0, -1);
    expect(host('host_load_average_15m_Percentage')).toBeCloseTo(load[2] ?? 0, 0);

    // Network: every interface, cumulative counters between the readings before and after.
    const interfaces = (families.get('host_net_io_rx_data_MiB')?.samples ?? []).map((s) => s.labels['interface']);
    expect(interfaces.sort()).toEqual([...netAfter.keys()].sort());
    for (const [nic, after] of netAfter) {
      const before = netBefore.get(nic);
      if (before === undefined) continue;
      const labels = { hostname: HOSTNAME, interface: nic };
      const rx = sampleOf(families, 'host_net_io_rx_data_MiB', labels).value * MiB;
      expect(rx).toBeGreaterThanOrEqual(before.rx);
      expect(rx).toBeLessThanOrEqual(after.rx);
      const txp = sampleOf(families, 'host_net_io_tx_packets_Packet', labels).value;
      expect(txp).toBeGreaterThanOrEqual(before.txp);
      expect(txp).toBeLessThanOrEqual(after.txp);
    }
    for (const name of NET_FAMILIES) expect(families.get(name)?.samples.length).toBe(netAfter.size);

    // Disks: every /proc/diskstats entry.
    const partitions = (families.get('host_disk_io_read_data_MiB')?.samples ?? []).map((s) => s.labels['partition']);
    expect(partitions.sort()).toEqual([...diskAfter.keys()].sort());
    for (const [disk, after] of diskAfter) {
      const before = diskBefore.get(disk);
      if (before === undefined) continue;
      const written = sampleOf(families, 'host_disk_io_write_data_MiB', { hostname: HOSTNAME, partition: disk }).value * MiB;
      expect(written).toBeGreaterThanOrEqual(before.write);
      expect(written).toBeLessThanOrEqual(after.write);
    }
    for (const name of DISK_IO_FAMILIES) expect(families.get(name)?.samples.length).toBe(diskAfter.size);

    // Disk usage: physical file systems only (types /proc/filesystems lists without "nodev").
    const physical = new Set(
      readFileSync('/proc/filesystems', 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('nodev'))
        .map((l) => l.trim()),
    );
    const mounts = new Set(
      readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' '))
        .filter((f) => f.length > 3 && f[0] !== 'none' && physical.has(f[2] ?? ''))
        .map((f) => (f[1] ?? '').replace(/\\040/g, ' ')),
    );
    const exported = (families.get('host_disk_usage_total_MiB')?.samples ?? []).map((s) => s.labels['mountpoint'] ?? '');
    for (const mountpoint of exported) expect(mounts.has(mountpoint), mountpoint).toBe(true);
    for (const name of DISK_USAGE_FAMILIES) expect(families.get(name)?.samples.length).toBe(exported.length);
    for (const mountpoint of exported) {
      const labels = { hostname: HOSTNAME, mountpoint };
      const total = sampleOf(families, 'host_disk_usage_total_MiB', labels).value;
      const usedMiB = sampleOf(families, 'host_disk_usage_used_MiB', labels).value;
      const freeMiB = sampleOf(families, 'host_disk_usage_free_MiB', labels).value;
      expect(usedMiB + freeMiB).toBeLessThanOrEqual(total + 1e-6);
      expect(sampleOf(families, 'host_disk_usage_percent_Percentage', labels).value).toBeCloseTo((usedMiB / (usedMiB + freeMiB)) * 100, 0);
    }
  });

  it('serves /, /healthz, gzip and name[] selection; 404 and 405 elsewhere', async () => {
    const plain = await fetchText(`${exporter.base}/metrics`);
    expect(plain.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const root = await fetchText(`${exporter.base}/`);
    expect(root.status).toBe(200);
    expect([...parsePromText(root.body).keys()].sort()).toEqual([...parsePromText(plain.body).keys()].sort());
    const gzip = await fetchText(`${exporter.base}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(parsePromText(gzip.body).has('gpu_temperature_C')).toBe(true);
    const one = await fetchText(`${exporter.base}/metrics?name[]=gpu_temperature_C&name[]=nvitop_info`);
    expect([...parsePromText(one.body).keys()].sort()).toEqual(['gpu_temperature_C', 'nvitop_info']);
    const health = await fetchText(`${exporter.base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toBe('ok\n');
    expect((await fetchText(`${exporter.base}/nope`)).status).toBe(404);
    const post = await fetchText(`${exporter.base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('drops every label set of a process that exited at the next scrape', async () => {
    let families = await scrape();
    expect(families.get('process_info_info')?.samples.some((s) => s.labels['pid'] === String(c1))).toBe(true);

    // The process exits and the driver stops listing it.
    children[0]?.kill('SIGKILL');
    const next = structuredClone(scenario);
    const device = next.devices[0] as FakeScenario['devices'][number];
    device.computeProcesses = (device.computeProcesses ?? []).filter((p) => p.pid !== c1);
    device.processUtilization = (device.processUtilization ?? []).filter((p) => p.pid !== c1);
    updateScenario(scenarioFile, next);
    await sleep(700); // > the fake's 100 ms reload check + the exporter's 0.25 s interval

    families = await scrape();
    for (const name of ['process_info_info', ...PROCESS_FAMILIES]) {
      const pids = (families.get(name)?.samples ?? []).map((s) => s.labels['pid']);
      expect(pids, name).not.toContain(String(c1));
      expect(pids.sort(), name).toEqual([String(c2), '4999999'].sort());
    }
  });

  it('stops on Ctrl-C with nvitop-exporter\'s message and exit status 0', async () => {
    const result = await exporter.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\n\nINFO: Interrupted by user\.\n$/);
  });
});
