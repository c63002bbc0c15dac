import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

import { afterEach, describe, expect, it } from 'vitest';

import { NA, isNA } from '../../../src/core/na.js';
import {
  bootTime,
  cpuCount,
  cpuPercent,
  getuser,
  hostname,
  isWsl,
  loadAverage,
  memoryPercent,
  pids,
  ppidMap,
  resetCpuPercent,
  reversePpidMap,
  swapMemory,
  swapPercent,
  takeHostSnapshot,
  uptime,
  virtualMemory,
  wslDistroName,
} from '../../../src/core/host/index.js';

const linux = process.platform === 'linux';
const MiB = 1024 * 1024;

/** An independent reading of /proc/meminfo in bytes. */
function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync('/proc/meminfo', 'utf8').trim().split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?: kB)?$/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]) * 1024;
  }
  return out;
}

function procStatCpu(): { busy: number; total: number; count: number; btime: number } {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const v = (lines.find((l) => l.startsWith('cpu ')) as string).trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v.map((x) => x ?? 0) as number[];
  const total = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (idle ?? 0) + (iowait ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return {
    busy: total - (idle ?? 0) - (iowait ?? 0),
    total,
    count: lines.filter((l) => /^cpu\d+ /.test(l)).length,
    btime: Number((lines.find((l) => l.startsWith('btime')) as string).split(' ')[1]),
  };
}

describe.runIf(linux)('host metrics against /proc', () => {
  it('virtualMemory follows psutil: used = total - free - buffers - (cached + sreclaimable)', () => {
    const before = meminfo();
    const vm = virtualMemory();
    const after = meminfo();
    expect(vm.total).toBe(before.MemTotal);
    const used = (m: Record<string, number>) =>
      (m.MemTotal ?? 0) - (m.MemFree ?? 0) - (m.Buffers ?? 0) - (m.Cached ?? 0) - (m.SReclaimable ?? 0);
    const tolerance = 64 * MiB; // memory moves between the reads
    expect(Math.abs(vm.used - used(before))).toBeLessThan(tolerance);
    expect(Math.abs(vm.free - (after.MemFree ?? 0))).toBeLessThan(tolerance);
    expect(Math.abs(vm.available - (after.MemAvailable ?? 0))).toBeLessThan(tolerance);
    expect(vm.percent).toBe(Math.round(((vm.total - vm.available) / vm.total) * 1000) / 10);
    expect(memoryPercent()).toBeCloseTo(vm.percent, 0);
    expect(vm.used).toBeGreaterThan(0);
    expect(vm.used).toBeLessThan(vm.total);
  });

  it('swapMemory matches SwapTotal / SwapFree', () => {
    const m = meminfo();
    const swap = swapMemory();
    expect(swap.total).toBe(m.SwapTotal);
    expect(Math.abs(swap.free - (m.SwapFree ?? 0))).toBeLessThan(64 * MiB);
    expect(swap.used).toBe(swap.total - swap.free);
    const expected = swap.total === 0 ? 0 : Math.round((swap.used / swap.total) * 1000) / 10;
    expect(swap.percent).toBe(expected);
    expect(swapPercent()).toBe(swap.percent);
  });

  it('loadAverage matches /proc/loadavg and os.loadavg', () => {
    const load = loadAverage();
    expect(isNA(load)).toBe(false);
    const values = load as readonly [number, number, number];
    const file = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
    values.forEach((v, i) => expect(Math.abs(v - (file[i] as number))).toBeLessThan(0.5));
    os.loadavg().forEach((v, i) => expect(Math.abs(v - (values[i] as number))).toBeLessThan(0.5));
  });

  it('uptime and bootTime agree with /proc/uptime and btime', () => {
    const file = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const up = uptime() as number;
    expect(Math.abs(up - file)).toBeLessThan(1);
    expect(bootTime()).toBe(procStatCpu().btime);
    // btime is whole seconds: now - uptime lies within a second of it.
    expect(Math.abs(Date.now() / 1000 - up - (bootTime() as number))).toBeLessThan(1.5);
  });

  it('cpuCount counts the online CPUs', () => {
    expect(cpuCount()).toBe(procStatCpu().count);
    expect(cpuCount()).toBe(os.cpus().length);
  });

  it('cpuPercent: first call is the average since boot, later calls the interval', () => {
    resetCpuPercent();
    const a = procStatCpu();
    const first = cpuPercent();
    const b = procStatCpu();
    const lo = (Math.min(a.busy / a.total, b.busy / b.total) * 100) - 0.2;
    const hi = (Math.max(a.busy / a.total, b.busy / b.total) * 100) + 0.2;
    expect(first).toBeGreaterThanOrEqual(lo);
    expect(first).toBeLessThanOrEqual(hi);
    const end = Date.now() + 300;
    while (Date.now() < end) {
      // keep one CPU busy
    }
    const second = cpuPercent();
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(100);
    expect(Math.abs(second * 10 - Math.round(second * 10))).toBeLessThan(1e-9); // one decimal
  });

  it('pids, ppidMap and reversePpidMap', () => {
    const all = pids();
    expect(all).toContain(process.pid);
    expect(all).toContain(1);
    expect([...all].sort((x, y) => x - y)).toEqual(all);
    const map = ppidMap();
    expect(map.get(process.pid)).toBe(process.ppid);
    expect(reversePpidMap().get(process.ppid)).toContain(process.pid);
  });
});

describe('host identity', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['LOGNAME', 'USER', 'LNAME', 'USERNAME', 'WSL_DISTRO_NAME']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('hostname is the node name', () => {
    expect(hostname()).toBe(os.hostname());
  });

  it('getuser follows getpass: environment first, then the user database', () => {
    process.env.LOGNAME = 'from-logname';
    process.env.USER = 'from-user';
    expect(getuser()).toBe('from-logname');
    for (const key of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) delete process.env[key];
    expect(getuser()).toBe(os.userInfo().username);
    if (linux) expect(getuser()).toBe(execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
  });

  it.runIf(linux)('WSL detection from WSL_DISTRO_NAME', () => {
    delete process.env.WSL_DISTRO_NAME;
    expect(isWsl()).toBe(false);
    expect(wslDistroName()).toBe(NA);
    process.env.WSL_DISTRO_NAME = 'Ubuntu-22.04';
    expect(isWsl()).toBe(true);
    expect(wslDistroName()).toBe('Ubuntu-22.04');
    process.env.WSL_DISTRO_NAME = '';
    expect(wslDistroName()).toBe('WSL');
  });
});

describe.runIf(linux)('takeHostSnapshot', () => {
  it('has every field and serialises to JSON', () => {
    const snap = takeHostSnapshot();
    expect(snap.hostname).toBe(os.hostname());
    expect(typeof snap.username).toBe('string');
    expect(snap.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(snap.cpuPercent).toBeLessThanOrEqual(100);
    expect(snap.cpuCount).toBe(os.cpus().length);
    expect(snap.virtualMemory.total).toBe(os.totalmem());
    expect(Array.isArray(snap.loadAverage)).toBe(true);
    expect(snap.uptime).toBeGreaterThan(0);
    expect(Math.abs(snap.timestamp - Date.now())).toBeLessThan(5000);
    const json = JSON.parse(JSON.stringify(snap)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      ['cpuCount', 'cpuPercent', 'hostname', 'loadAverage', 'swapMemory', 'timestamp', 'uptime', 'username', 'virtualMemory'].sort(),
    );
  });
});
