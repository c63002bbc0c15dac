// selectDevices / waitForDevices / useDevices on the fake eight-GPU machine, in process.
//
// Free memory of the eight-gpu scenario (total − reserved − used, from its JSON), by hand:
//   GPU 3 79.4GiB · 2 41.4 · 0 40.4 · 7 35.1 · 6 31.7 · 4 14.4 · 1 12.4 · 5 3.7
// GPU utilization: 0:98 1:97 2:81 3:0 4:54 5:100 6:0 7:37.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, updateScenario, writeScenario, fakeLibraryPath, type FakeScenario } from '../helpers/fake-nvml.js';

type Api = typeof import('../../src/index.js') & typeof import('../../src/select/index.js');
let api: Api;
const eight = loadScenario('eight-gpu');
const uuid = (i: number) => eight.devices[i]!.uuid as string;
const GiB = 1024 ** 3;
let scenarioFile: string;

/** Free memory per GPU straight from the scenario JSON (independent of src/). */
function freeFromScenario(s: FakeScenario): number[] {
  return s.devices.map((d) => d.memory!.total! - (d.memory!.reserved ?? 0) - d.memory!.used!);
}

beforeAll(async () => {
  scenarioFile = writeScenario(eight);
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = scenarioFile;
  process.env.CUDA_DEVICE_ORDER = 'PCI_BUS_ID';
  delete process.env.CUDA_VISIBLE_DEVICES;
  api = { ...(await import('../../src/index.js')), ...(await import('../../src/select/index.js')) } as Api;
  api.setQueryCacheTtl(0);
});

describe('selectDevices', () => {
  it('ranks every GPU by free memory when no constraint is given (nvisel)', () => {
    const free = freeFromScenario(eight);
    const byFree = free.map((_, i) => i).sort((a, b) => free[b]! - free[a]!);
    expect(api.selectDevices()).toEqual(byFree);
    expect(api.selectDevices()).toEqual([3, 2, 0, 7, 6, 4, 1, 5]);
  });

  it('the README line: format uuid, minCount 4, minFreeMemory 8GiB', () => {
    const ids = api.selectDevices({ format: 'uuid', minCount: 4, minFreeMemory: '8GiB' });
    expect(ids).toEqual([3, 2, 0, 7, 6, 4, 1].map(uuid));
  });

  it('min/max count with free memory and utilization constraints', () => {
    expect(api.selectDevices({ minCount: 2, maxCount: 3, minFreeMemory: '5GiB', maxGpuUtilization: 60 })).toEqual([3, 7, 6]);
  });

  it('the pure decision function takes device snapshots as they are', () => {
    const snapshots = api.Device.all().map((device) => device.asSnapshot());
    const decision = api.decideDevices(snapshots, api.normalizeSelectOptions({ maxCount: 2, minFreeMemory: '30GiB' }));
    expect(decision.selected.map((s) => s.uuid)).toEqual([uuid(3), uuid(2)]);
    expect(decision.rejected.map((r) => r.candidate.index)).toEqual([1, 4, 5]);
  });

  it('returns [] when nothing fits and minCount is 0', () => {
    expect(api.selectDevices({ minFreeMemory: '1TiB' })).toEqual([]);
  });

  it('throws NotEnoughDevicesError naming the constraint when fewer than minCount fit', () => {
    let error: unknown;
    try {
      api.selectDevices({ minCount: 6, minFreeMemory: '30GiB' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(api.NotEnoughDevicesError);
    const e = error as InstanceType<Api['NotEnoughDevicesError']>;
    expect(e.found).toBe(5);
    expect(e.required).toBe(6);
    expect(e.unmet).toEqual([{ constraint: 'minFreeMemory', rejected: 3, description: 'less than 30.00GiB free memory' }]);
    expect(e.message).toBe(
      'Not enough devices: 5 of at least 6 devices found (minCount). Of 8 devices, 3 have less than 30.00GiB free memory (minFreeMemory).',
    );
  });

  it('chooses among given devices; format device returns them', () => {
    const devices = api.Device.all().slice(4);
    expect(api.selectDevices(devices, { maxCount: 2 })).toEqual([7, 6]);
    const chosen = api.selectDevices(devices, { format: 'device', maxCount: 1 });
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.index).toBe(7);
    expect(chosen[0]!.uuid()).toBe(uuid(7));
  });

  it('rejects a wait option (that is waitForDevices) and bad sizes, naming the value', () => {
    expect(() => api.selectDevices({ wait: '1m' } as never)).toThrow(/waitForDevices/);
    for (const bad of ['8GB?', '-1G', '', '1e999']) {
      expect(() => api.selectDevices({ minFreeMemory: bad })).toThrow(`Invalid minFreeMemory: '${bad}'`);
    }
  });
});

describe('inherit', () => {
  it('selects within a CUDA_VISIBLE_DEVICES of indices, in its order without sorting', () => {
    expect(api.selectDevices({ inherit: '5,1,3', sort: false })).toEqual([5, 1, 3]);
    expect(api.selectDevices({ inherit: '5,1,3' })).toEqual([3, 1, 5]);
    expect(api.selectDevices({ inherit: '5,1,3', maxGpuUtilization: 99 })).toEqual([3, 1]);
  });

  it('resolves full and abbreviated UUIDs to indices or full UUIDs (the README normalisation)', () => {
    expect(api.selectDevices({ inherit: `${uuid(1)},${uuid(0)}`, sort: false })).toEqual([1, 0]);
    expect(api.selectDevices({ inherit: 'GPU-1d3c4002,GPU-0c2b3ff1', sort: false })).toEqual([1, 0]);
    expect(api.selectDevices({ inherit: 'GPU-1d3c4002,GPU-0c2b3ff1', sort: false, format: 'uuid' })).toEqual([uuid(1), uuid(0)]);
  });

  it('true reads the environment; an empty value leaves nothing to select', () => {
    process.env.CUDA_VISIBLE_DEVICES = '6,2';
    try {
      expect(api.selectDevices({ inherit: true })).toEqual([2, 6]);
    } finally {
      delete process.env.CUDA_VISIBLE_DEVICES;
    }
    expect(api.selectDevices({ inherit: '' })).toEqual([]);
    expect(() => api.selectDevices({ inherit: '', minCount: 1 })).toThrow('There are no devices to select from');
  });

  it('cannot be combined with a device list', () => {
    expect(() => api.selectDevices(api.Device.all(), { inherit: '0' })).toThrow(/inherit/);
  });
});

describe('useDevices', () => {
  it('sets CUDA_DEVICE_ORDER and CUDA_VISIBLE_DEVICES', () => {
    const env: NodeJS.ProcessEnv = {};
    const used = api.useDevices({ env, maxCount: 2, minFreeMemory: '35GiB' });
    expect(env).toEqual({ CUDA_DEVICE_ORDER: 'PCI_BUS_ID', CUDA_VISIBLE_DEVICES: '3,2' });
    expect(used.cudaVisibleDevices).toBe('3,2');
    const uuids: NodeJS.ProcessEnv = {};
    api.useDevices({ env: uuids, format: 'uuid', maxCount: 1 });
    expect(uuids.CUDA_VISIBLE_DEVICES).toBe(uuid(3));
  });

  it('leaves the environment alone when there are not enough devices', () => {
    const env: NodeJS.ProcessEnv = { CUDA_VISIBLE_DEVICES: 'before' };
    expect(() => api.useDevices({ env, minCount: 3, minFreeMemory: '41GiB' })).toThrow(api.NotEnoughDevicesError);
    expect(env).toEqual({ CUDA_VISIBLE_DEVICES: 'before' });
  });
});

describe('account-as-free (real PIDs)', () => {
  it("counts this user's processes' GPU memory as free", () => {
    // GPU 5 (3.7GiB free) runs two processes of this very process (user = us), 10GiB each.
    const s = structuredClone(eight);
    s.devices[5]!.computeProcesses = [
      { pid: 'self', usedGpuMemory: 10 * GiB },
      { pid: 'parent', usedGpuMemory: 10 * GiB },
    ];
    updateScenario(scenarioFile, s);
    const me = api.host.getuser();
    return waitFor(() => api.Device.fromIndex(5).processes().size === 2).then(() => {
      expect(api.selectDevices({ minFreeMemory: '20GiB' })).toEqual([3, 2, 0, 7, 6]);
      // 3.7 + 20 = 23.7GiB: after GPU 6 (31.7), before 4 (14.4).
      expect(api.selectDevices({ minFreeMemory: '20GiB', freeAccounts: [me] })).toEqual([3, 2, 0, 7, 6, 5]);
      expect(api.selectDevices({ freeAccounts: [me] })).toEqual([3, 2, 0, 7, 6, 5, 4, 1]);
      expect(api.selectDevices({ minFreeMemory: '20GiB', freeAccounts: ['someone-else'] })).toEqual([3, 2, 0, 7, 6]);
      updateScenario(scenarioFile, eight);
      return waitFor(() => api.Device.fromIndex(5).processes().size === 1);
    });
  });
});

describe('waitForDevices', () => {
  it('returns once a device frees up', async () => {
    const busy = structuredClone(eight);
    busy.devices[3]!.memory!.used = 70 * GiB; // no GPU has 60GiB free now
    updateScenario(scenarioFile, busy);
    await waitFor(() => api.selectDevices({ minFreeMemory: '60GiB' }).length === 0);
    const progress: number[] = [];
    const started = Date.now();
    const waiting = api.waitForDevices({
      minFreeMemory: '60GiB',
      wait: '20s',
      interval: '50ms',
      onProgress: (p) => progress.push(p.found),
    });
    setTimeout(() => updateScenario(scenarioFile, eight), 400);
    await expect(waiting).resolves.toEqual([3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(new Set(progress)).toEqual(new Set([0]));
  });

  it('gives up after the limit with DeviceWaitTimeoutError', async () => {
    const started = Date.now();
    const error = await api.waitForDevices({ minFreeMemory: '1TiB', wait: '300ms', interval: '50ms' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.DeviceWaitTimeoutError);
    expect(error).toBeInstanceOf(api.NotEnoughDevicesError);
    const e = error as InstanceType<Api['DeviceWaitTimeoutError']>;
    expect(e.waitedMs).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(e.attempts).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(/^Not enough devices after waiting 0\.\ds: 0 of at least 1 device found \(minCount\)\. Of 8 devices, 8 have less than 1\.00TiB free memory/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(api.waitForDevices({ minFreeMemory: '1TiB', interval: '20ms', signal: controller.signal })).rejects.toThrow('stop');
  });

  it('useDevices with wait returns a Promise', async () => {
    const env: NodeJS.ProcessEnv = {};
    const used = await api.useDevices({ env, wait: '5s', maxCount: 1 });
    expect(used.cudaVisibleDevices).toBe('3');
    expect(env.CUDA_VISIBLE_DEVICES).toBe('3');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
