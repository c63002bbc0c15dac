import { describe, expect, it } from 'vitest';

import { NA } from '../../src/core/index.js';
import { cycleOrder, orderForKey, ORDER_NAMES, ORDERS, sortProcesses } from '../../src/cli/monitor/sort.js';
import { GiB, proc } from './status-fixture.js';

const gone = (pid: number, device: string, extra: Parameters<typeof proc>[0] = { pid, device }) =>
  ({ ...proc({ ...extra, pid, device, cmdline: ['No Such Process'], running: false, user: NA, cpu: NA, mem: NA }) });

const processes = [
  { ...proc({ pid: 300, device: '1', user: 'bob', gpuMemory: 8 * GiB, cpu: 5 }), runningTime: 100, gpuSmUtilization: 90, gpuMemoryUtilization: 10 },
  { ...proc({ pid: 100, device: '0', user: 'carol', gpuMemory: 2 * GiB, cpu: 50 }), runningTime: 5000, gpuSmUtilization: 10, gpuMemoryUtilization: 70 },
  gone(50, '0', { pid: 50, device: '0', gpuMemory: 30 * GiB }),
  { ...proc({ pid: 200, device: '0', user: 'alice', gpuMemory: 4 * GiB, cpu: 20 }), runningTime: 10, gpuSmUtilization: NA, gpuMemoryUtilization: 40 },
];
const pids = (list: { pid: number }[]) => list.map((p) => p.pid);

describe('process sort orders', () => {
  it('has nvitop’s default directions: natural, PID and USER ascending, the others descending', () => {
    expect(ORDER_NAMES.filter((n) => !ORDERS[n].descending)).toEqual(['natural', 'pid', 'username']);
  });

  it('natural: GPU, then gone last, then user, then PID; reversed flips the GPUs', () => {
    expect(pids(sortProcesses(processes, 'natural', false))).toEqual([200, 100, 50, 300]);
    expect(pids(sortProcesses(processes, 'natural', true))[0]).toBe(300);
  });

  it('PID ascending by default, descending reversed, gone processes last either way', () => {
    expect(pids(sortProcesses(processes, 'pid', false))).toEqual([100, 200, 300, 50]);
    expect(pids(sortProcesses(processes, 'pid', true))).toEqual([300, 200, 100, 50]);
  });

  it('GPU-MEM, %CPU and TIME descending by default; NA values after known ones', () => {
    expect(pids(sortProcesses(processes, 'gpu_memory', false))).toEqual([300, 200, 100, 50]);
    expect(pids(sortProcesses(processes, 'gpu_memory', true))).toEqual([100, 200, 300, 50]);
    expect(pids(sortProcesses(processes, 'cpu_percent', false))).toEqual([100, 200, 300, 50]);
    expect(pids(sortProcesses(processes, 'time', false))).toEqual([100, 300, 200, 50]);
    expect(pids(sortProcesses(processes, 'sm_utilization', false))).toEqual([300, 100, 200, 50]);
    expect(pids(sortProcesses(processes, 'gpu_memory_utilization', false))).toEqual([100, 200, 300, 50]);
  });

  it('USER ascending', () => {
    expect(pids(sortProcesses(processes, 'username', false))).toEqual([200, 300, 100, 50]);
  });

  it('maps the o-keys and cycles with , and .', () => {
    expect(orderForKey('g')).toEqual({ order: 'gpu_memory', reverse: false });
    expect(orderForKey('G')).toEqual({ order: 'gpu_memory', reverse: true });
    expect(orderForKey('b')).toEqual({ order: 'gpu_memory_utilization', reverse: false });
    expect(orderForKey('z')).toBeUndefined();
    expect(cycleOrder('natural', 1)).toBe('pid');
    expect(cycleOrder('natural', -1)).toBe('time');
    let order = cycleOrder('natural', 1);
    const seen = ['natural'];
    while (order !== 'natural') {
      seen.push(order);
      order = cycleOrder(order, 1);
    }
    expect(seen).toEqual([...ORDER_NAMES]);
  });
});
