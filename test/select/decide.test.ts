// The pure decision function: each rule of nvitop's select_devices on hand-made records.
// Expected orders are worked out from the rules (docs/nvisel.md), not computed by our code.
import { describe, expect, it } from 'vitest';
import { GiB, MiB, NA, type Maybe } from '../../src/core/index.js';
import {
  decideDevices,
  normalizeSelectOptions,
  type SelectDevicesOptions,
  type SelectionCandidate,
} from '../../src/select/index.js';

interface Spec {
  index: number | [number, number];
  free?: Maybe<number>;
  used?: Maybe<number>;
  total?: Maybe<number>;
  util?: Maybe<number>;
  memUtil?: Maybe<number>;
  uuid?: Maybe<string>;
  processes?: SelectionCandidate['processes'];
  locked?: boolean;
}

function device(spec: Spec): SelectionCandidate {
  const mig = Array.isArray(spec.index);
  const physical = mig ? (spec.index as [number, number])[0] : (spec.index as number);
  const label = mig ? (spec.index as [number, number]).join('-') : String(spec.index);
  return {
    index: spec.index,
    physicalIndex: physical,
    isMigDevice: mig,
    uuid: spec.uuid === undefined ? `${mig ? 'MIG' : 'GPU'}-${label}` : spec.uuid,
    memoryTotal: spec.total ?? 80 * GiB,
    memoryFree: spec.free ?? 10 * GiB,
    memoryUsed: spec.used ?? 1 * GiB,
    gpuUtilization: spec.util ?? 0,
    memoryUtilization: spec.memUtil ?? 0,
    ...(spec.processes ? { processes: spec.processes } : {}),
    ...(spec.locked !== undefined ? { locked: spec.locked } : {}),
  };
}

const pick = (devices: SelectionCandidate[], options: SelectDevicesOptions = {}) =>
  decideDevices(devices, normalizeSelectOptions(options)).selected.map((d) => d.index);

describe('each constraint alone', () => {
  it('minFreeMemory keeps devices with at least that much free (bound inclusive)', () => {
    const devices = [device({ index: 0, free: 8 * GiB }), device({ index: 1, free: 8 * GiB - 1 }), device({ index: 2, free: 9 * GiB })];
    expect(pick(devices, { minFreeMemory: '8GiB', sort: false })).toEqual([0, 2]);
    expect(pick(devices, { minFreeMemory: 8 * GiB, sort: false })).toEqual([0, 2]);
  });

  it('minTotalMemory keeps devices with at least that much memory', () => {
    const devices = [device({ index: 0, total: 24 * GiB }), device({ index: 1, total: 80 * GiB }), device({ index: 2, total: 40 * GiB })];
    expect(pick(devices, { minTotalMemory: '40GiB', sort: false })).toEqual([1, 2]);
  });

  it('maxGpuUtilization keeps devices at or below the rate', () => {
    const devices = [device({ index: 0, util: 30 }), device({ index: 1, util: 31 }), device({ index: 2, util: 0 })];
    expect(pick(devices, { maxGpuUtilization: 30, sort: false })).toEqual([0, 2]);
  });

  it('maxMemoryUtilization keeps devices at or below the rate', () => {
    const devices = [device({ index: 0, memUtil: 50 }), device({ index: 1, memUtil: 51 })];
    expect(pick(devices, { maxMemoryUtilization: 50, sort: false })).toEqual([0]);
  });

  it('no constraint keeps every device', () => {
    expect(pick([device({ index: 0 }), device({ index: 1 })], { sort: false })).toEqual([0, 1]);
  });
});

describe('constraints together', () => {
  it('a device must meet every constraint', () => {
    const devices = [
      device({ index: 0, free: 20 * GiB, util: 90 }), // too busy
      device({ index: 1, free: 4 * GiB, util: 10 }), // too little free memory
      device({ index: 2, free: 20 * GiB, util: 10, total: 24 * GiB }), // too small
      device({ index: 3, free: 20 * GiB, util: 10, memUtil: 70 }), // memory bandwidth too busy
      device({ index: 4, free: 20 * GiB, util: 10, memUtil: 10 }),
    ];
    const options = { minFreeMemory: '8GiB', minTotalMemory: '32GiB', maxGpuUtilization: 50, maxMemoryUtilization: 50, sort: false };
    const decision = decideDevices(devices, normalizeSelectOptions(options));
    expect(decision.selected.map((d) => d.index)).toEqual([4]);
    const failed = Object.fromEntries(decision.rejected.map((r) => [String(r.candidate.index), r.failed]));
    expect(failed).toEqual({
      '0': ['maxGpuUtilization'],
      '1': ['minFreeMemory'],
      '2': ['minTotalMemory'],
      '3': ['maxMemoryUtilization'],
    });
  });

  it('min/max count: maxCount truncates the ranking; maxCount 0 selects nothing', () => {
    const devices = [device({ index: 0 }), device({ index: 1 }), device({ index: 2 })];
    expect(pick(devices, { maxCount: 2, sort: false })).toEqual([0, 1]);
    expect(pick(devices, { maxCount: 0 })).toEqual([]);
  });
});

describe('tolerance', () => {
  it('loosens memory minimums by tol% and utilization maximums by tol points', () => {
    const devices = [
      device({ index: 0, free: 4 * GiB }), // 5GiB × 0.8 = 4GiB: passes with tol 20
      device({ index: 1, free: 4 * GiB - 1 }),
      device({ index: 2, util: 80 }), // 60 + 20 = 80: passes
      device({ index: 3, util: 81 }),
    ];
    const options = { minFreeMemory: '5GiB', maxGpuUtilization: 60, sort: false };
    expect(pick(devices, options)).toEqual([]);
    expect(pick(devices.slice(0, 2), { minFreeMemory: '5GiB', tolerance: 20, sort: false })).toEqual([0]);
    expect(pick(devices.slice(2), { maxGpuUtilization: 60, tolerance: 20, sort: false })).toEqual([2]);
  });

  it('devices that needed the tolerance rank after those that did not, by how many constraints', () => {
    const devices = [
      device({ index: 0, free: 70 * GiB, util: 70 }), // loosened once (util)
      device({ index: 1, free: 4.5 * GiB, util: 70 }), // loosened twice
      device({ index: 2, free: 6 * GiB, util: 10 }), // strict
    ];
    const decision = decideDevices(devices, normalizeSelectOptions({ minFreeMemory: '5GiB', maxGpuUtilization: 60, tolerance: 20 }));
    expect(decision.selected.map((d) => d.index)).toEqual([2, 0, 1]);
    expect(decision.eligible.map((r) => r.loosened)).toEqual([0, 1, 2]);
  });

  it('defaults to 0 (strict)', () => {
    expect(normalizeSelectOptions({}).tolerance).toBe(0);
    expect(pick([device({ index: 0, free: 5 * GiB - 1 })], { minFreeMemory: '5GiB' })).toEqual([]);
  });
});

describe('NA and NaN', () => {
  it('NA passes the memory minimums and fails the utilization maximums (NA compares above numbers)', () => {
    const devices = [device({ index: 0, free: NA, total: NA }), device({ index: 1, util: NA }), device({ index: 2, memUtil: NA })];
    expect(pick(devices, { minFreeMemory: '1PiB', minTotalMemory: '1PiB', sort: false })).toEqual([0]);
    expect(pick(devices, { maxGpuUtilization: 100, sort: false })).toEqual([0, 2]);
    expect(pick(devices, { maxMemoryUtilization: 100, sort: false })).toEqual([0, 1]);
  });

  it('with freeAccounts an NA free memory becomes NaN (NA + 0) and fails the memory minimum', () => {
    const devices = [device({ index: 0, free: NA }), device({ index: 1, free: 2 * GiB })];
    expect(pick(devices, { minFreeMemory: '1GiB', sort: false })).toEqual([0, 1]);
    expect(pick(devices, { minFreeMemory: '1GiB', freeAccounts: ['nobody'], sort: false })).toEqual([1]);
  });
});

describe('account-as-free', () => {
  const processes = [
    { username: 'alice', gpuMemory: 6 * GiB },
    { username: 'bob', gpuMemory: 10 * GiB },
    { username: 'alice', gpuMemory: 1 * GiB },
  ];

  it("moves the listed users' GPU memory from used to free", () => {
    const devices = [device({ index: 0, free: 2 * GiB, used: 17 * GiB, processes }), device({ index: 1, free: 8 * GiB, used: 0 })];
    expect(pick(devices, { minFreeMemory: '8GiB' })).toEqual([1]);
    const decision = decideDevices(devices, normalizeSelectOptions({ minFreeMemory: '8GiB', freeAccounts: ['alice'] }));
    // device 0: 2 + 6 + 1 = 9GiB free now, more than device 1's 8GiB: it ranks first.
    expect(decision.selected.map((d) => d.index)).toEqual([0, 1]);
    expect(decision.eligible[0]?.memoryFree).toBe(9 * GiB);
    expect(decision.eligible[0]?.memoryUsed).toBe(10 * GiB);
    expect(pick(devices, { minFreeMemory: '8GiB', freeAccounts: ['alice', 'bob'] })).toEqual([0, 1]);
    expect(pick(devices, { minFreeMemory: '19GiB', freeAccounts: ['alice', 'bob'] })).toEqual([0]);
  });

  it('an accounted process with unknown memory makes the free memory unknown (NaN)', () => {
    const devices = [device({ index: 0, free: 20 * GiB, processes: [{ username: 'alice', gpuMemory: NA }] })];
    expect(pick(devices, { minFreeMemory: '1GiB', freeAccounts: ['alice'] })).toEqual([]);
    expect(pick(devices, { minFreeMemory: '1GiB', freeAccounts: ['bob'] })).toEqual([0]);
  });
});

describe('ordering', () => {
  it('most free memory first, then most used, then least GPU and memory utilization, then highest index', () => {
    const devices = [
      device({ index: 0, free: 10 * GiB, used: 5 * GiB, util: 0, memUtil: 0 }),
      device({ index: 1, free: 20 * GiB, used: 1 * GiB }),
      device({ index: 2, free: 10 * GiB, used: 6 * GiB, util: 50 }), // more used than 0: before it
      device({ index: 3, free: 10 * GiB, used: 5 * GiB, util: 10 }), // busier than 0: after it
      device({ index: 4, free: 10 * GiB, used: 5 * GiB, util: 0, memUtil: 5 }), // after 0 (memUtil)
      device({ index: 5, free: 10 * GiB, used: 5 * GiB, util: 0, memUtil: 0 }), // ties 0: higher index first
    ];
    expect(pick(devices)).toEqual([1, 2, 5, 0, 4, 3]);
  });

  it('sort: false keeps the given order', () => {
    const devices = [device({ index: 2, free: 1 * GiB }), device({ index: 0, free: 9 * GiB }), device({ index: 1, free: 5 * GiB })];
    expect(pick(devices, { sort: false })).toEqual([2, 0, 1]);
    expect(pick(devices)).toEqual([0, 1, 2]);
  });

  it('NA/NaN values rank first at their level; two unknowns tie there and keep the given order', () => {
    const devices = [
      device({ index: 0, free: 50 * GiB }),
      device({ index: 1, free: NA, used: 1 * MiB }),
      device({ index: 2, free: NA, used: 9 * GiB }), // would rank before 1 on used memory, but NaN ties stop the comparison
      device({ index: 3, free: 50 * GiB, util: NA }),
    ];
    expect(pick(devices)).toEqual([1, 2, 3, 0]);
    expect(pick([devices[2]!, devices[1]!, devices[0]!])).toEqual([2, 1, 0]);
  });
});

describe('MIG rule', () => {
  const gpu = (index: number, free: number) => device({ index, free: free * GiB });
  const mig = (parent: number, m: number, free: number) => device({ index: [parent, m], free: free * GiB });

  it('keeps only non-MIG devices when the best-ranked device is not MIG', () => {
    const decision = decideDevices([mig(0, 0, 5), gpu(1, 20), mig(0, 1, 10), gpu(2, 7)], normalizeSelectOptions({}));
    expect(decision.selected.map((d) => d.index)).toEqual([1, 2]);
    expect(decision.format).toBe('index');
    expect(decision.migDropped.map((d) => d.index)).toEqual([[0, 1], [0, 0]]);
  });

  it('keeps only the best MIG device when it ranks first, and switches index to uuid', () => {
    const devices = [mig(0, 0, 5), gpu(1, 3), mig(0, 1, 10), gpu(2, 7)];
    const decision = decideDevices(devices, normalizeSelectOptions({}));
    expect(decision.selected.map((d) => d.index)).toEqual([[0, 1]]);
    expect(decision.format).toBe('uuid');
    expect(decideDevices(devices, normalizeSelectOptions({ forceIndex: true })).format).toBe('index');
    expect(decideDevices(devices, normalizeSelectOptions({ format: 'device' })).format).toBe('device');
  });

  it('keeps the non-MIG devices when there are at least minCount > 0 of them', () => {
    const devices = [mig(0, 0, 5), gpu(1, 3), mig(0, 1, 10), gpu(2, 7)];
    expect(pick(devices, { minCount: 2 })).toEqual([2, 1]);
    expect(pick(devices, { minCount: 3 })).toEqual([[0, 1]]); // not enough non-MIG: the best MIG
  });
});

describe('locks and identifiers', () => {
  it('a device locked by another process is rejected as "locked"', () => {
    const decision = decideDevices([device({ index: 0, locked: true }), device({ index: 1, locked: false })], normalizeSelectOptions({}));
    expect(decision.selected.map((d) => d.index)).toEqual([1]);
    expect(decision.rejected.map((r) => r.failed)).toEqual([['locked']]);
  });

  it("the uuid format leaves out a device without a UUID (N/A would truncate CUDA's list)", () => {
    const devices = [device({ index: 0, uuid: NA, free: 70 * GiB }), device({ index: 1 })];
    expect(pick(devices, { format: 'uuid' })).toEqual([1]);
    expect(pick(devices, { format: 'index' })).toEqual([0, 1]);
  });
});

describe('option validation', () => {
  it.each(['8GB?', '-1G', '', '1e999', '8 GiBs'])('rejects the size %j, naming it', (bad) => {
    expect(() => normalizeSelectOptions({ minFreeMemory: bad })).toThrow(`Invalid minFreeMemory: '${bad}'`);
  });

  it('accepts the size grammar', () => {
    expect(normalizeSelectOptions({ minFreeMemory: '8GiB' }).minFreeMemory).toBe(8 * 1024 ** 3);
    expect(normalizeSelectOptions({ minFreeMemory: '8G' }).minFreeMemory).toBe(8e9);
    expect(normalizeSelectOptions({ minFreeMemory: '5000M' }).minFreeMemory).toBe(5e9);
    expect(normalizeSelectOptions({ minTotalMemory: '1.5GiB' }).minTotalMemory).toBe(1610612736);
    expect(normalizeSelectOptions({ minTotalMemory: 1024 }).minTotalMemory).toBe(1024);
  });

  it('rejects bad counts, rates and formats', () => {
    expect(() => normalizeSelectOptions({ minCount: 3, maxCount: 2 })).toThrow(/maxCount: 2/);
    expect(() => normalizeSelectOptions({ minCount: -1 })).toThrow(/minCount: -1/);
    expect(() => normalizeSelectOptions({ maxGpuUtilization: Number.NaN })).toThrow(/maxGpuUtilization/);
    expect(() => normalizeSelectOptions({ tolerance: -5 })).toThrow(/tolerance: -5/);
    expect(() => normalizeSelectOptions({ format: 'name' as 'uuid' })).toThrow(/format: 'name'/);
  });
});
