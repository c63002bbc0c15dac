// The device field table: the snapshot is made of its fields, `device.read(keys)` asks NVML only
// for the named fields, and a field named once reaches the collector, the exporter and --json
// (the HACKING.md example: GPU encoder utilization).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import koffi from 'koffi';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';

import { fakeLibraryPath, fakeNvmlEnv, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

type Internal = typeof import('../../src/internal.js');
let api: Internal;
let calls: (name: string) => number;
let resetCalls: () => void;
const root = path.resolve(import.meta.dirname, '../..');
const base = loadScenario('one-gpu');
const scenario = { ...base, devices: [{ ...base.devices[0], encoder: 35, decoder: 12 }] };

beforeAll(async () => {
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  api = await import('../../src/internal.js');
  api.setQueryCacheTtl(0);
  const lib = koffi.load(library);
  const count = lib.func('int fakeNvml_getCallCount(const char *name)') as (name: string) => number;
  calls = (name) => count(name);
  resetCalls = lib.func('void fakeNvml_resetCallCounts(void)') as () => void;
});

describe('device field table', () => {
  it('a snapshot has exactly the fields of the table, in its order; units are declared', () => {
    const snapshot = api.Device.fromIndex(0).asSnapshot();
    expect(Object.keys(snapshot)).toEqual(Object.keys(api.DEVICE_FIELDS));
    for (const field of Object.values(api.DEVICE_FIELDS) as { unit: unknown }[]) {
      expect([null, 'bytes', 'percent', 'MHz', 'mW', 'celsius', 'KiB/s', 'count', 'ms']).toContain(field.unit);
    }
    expect(snapshot.encoderUtilization).toBe(35);
  });

  it('read(keys) gives those fields, as the snapshot has them, asking NVML only for them', () => {
    const device = api.Device.fromIndex(0);
    const full = device.asSnapshot();
    device.name(); // identity facts are cached for good; the reads below ask nothing else
    resetCalls();
    const reading = device.read(['memoryUsed', 'memoryPercent', 'encoderUtilization']);
    expect(reading).toEqual({ memoryUsed: full.memoryUsed, memoryPercent: full.memoryPercent, encoderUtilization: 35 });
    expect(calls('nvmlDeviceGetMemoryInfo_v2')).toBe(1); // memoryPercent reuses the one memory read
    expect(calls('nvmlDeviceGetEncoderUtilization')).toBe(1);
    expect(calls('nvmlDeviceGetUtilizationRates') + calls('nvmlDeviceGetPcieThroughput') + calls('nvmlDeviceGetClockInfo')).toBe(0);
  });

  it('asSnapshot leaves out groups (include) or reads only the named fields (fields); identity always', () => {
    const device = api.Device.fromIndex(0);
    resetCalls();
    const noPcie = device.asSnapshot({ include: { pcie: false } });
    expect(calls('nvmlDeviceGetPcieThroughput')).toBe(0);
    expect([noPcie.pcieTxThroughput, noPcie.pcieTxThroughputHuman]).toEqual([api.NA, api.NA]);
    expect(noPcie.pcieThroughput).toEqual({ tx: api.NA, rx: api.NA });
    expect(noPcie.temperature).toBe(63);
    resetCalls();
    const few = device.asSnapshot({ fields: ['gpuUtilization'] });
    expect(few.gpuUtilization).toBe(67);
    expect([few.memoryUsed, few.fanSpeed, few.memoryUsage, few.powerStatus]).toEqual([api.NA, api.NA, 'N/A / N/A', 'N/A / N/A']);
    expect([few.index, few.displayIndex, few.name, few.kind]).toEqual([0, '0', 'NVIDIA GeForce RTX 4090', 'physical']);
    expect(calls('nvmlDeviceGetMemoryInfo_v2') + calls('nvmlDeviceGetFanSpeed')).toBe(0);
  });

  it('snapshots and readings are records with the fast layout of an object literal, not dictionaries', () => {
    // A record filled key by key with computed names becomes a V8 dictionary past ~16 keys: slower
    // to read, copy and serialise, and more for the GC (takeSnapshots on 64 GPUs makes 64 of them).
    const script = `
      const api = await import(${JSON.stringify(path.join(root, 'dist/internal.js'))});
      const device = api.Device.fromIndex(0);
      const many = Object.keys(api.DEVICE_FIELDS).filter((key) => key !== 'timestamp');
      const fast = (record) => %HasFastProperties(record);
      process.stdout.write(JSON.stringify([
        fast(device.asSnapshot()), fast(device.asSnapshot({ include: { pcie: false } })),
        fast(device.asSnapshot({ fields: ['memoryUsed'] })), fast(device.read(many)),
      ]));`;
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { env: fakeNvmlEnv(scenario), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([true, true, true, true]);
  });

  it('a derived field is the same computed from its parent in a snapshot as read alone, on every kind of GPU', () => {
    // The snapshot computes memoryUsedHuman, gpuUtilization, … from memoryInfo, utilizationRates, …
    // (read once); read([key]) reads each through the device's own method. They must agree,
    // for physical GPUs, MIG devices, old boards and lost GPUs.
    const script = `
      const api = await import(${JSON.stringify(path.join(root, 'dist/internal.js'))});
      api.setQueryCacheTtl(0);
      const derived = Object.entries(api.DEVICE_FIELDS).filter(([, field]) => field.derive !== undefined);
      const problems = derived.filter(([, field]) => !Object.hasOwn(api.DEVICE_FIELDS, field.derive.from)).map(([key]) => key + ': no parent');
      const devices = api.Device.all().flatMap((device) => [device, ...device.migDevices()]);
      for (const device of devices) {
        const snapshot = device.asSnapshot();
        for (const [key] of derived) {
          const alone = JSON.stringify(device.read([key])[key]);
          if (alone !== JSON.stringify(snapshot[key])) problems.push(device.displayIndex + ' ' + key + ': ' + alone + ' vs ' + JSON.stringify(snapshot[key]));
        }
      }
      process.stdout.write(JSON.stringify({ derived: derived.length, devices: devices.length, problems }));`;
    for (const name of ['eight-gpu', 'mig', 'old-gpu', 'lost-gpu', 'lost-gpu-star']) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: fakeNvmlEnv(name), encoding: 'utf8' });
      expect(run.stderr, name).toBe('');
      const result = JSON.parse(run.stdout) as { derived: number; devices: number; problems: string[] };
      expect(result.derived, name).toBeGreaterThanOrEqual(19);
      expect(result.devices, name).toBeGreaterThan(0);
      expect(result.problems, name).toEqual([]);
    }
  });

  it('an unknown field name is refused with a typed error', () => {
    const device = api.Device.fromIndex(0);
    expect(() => device.read(['memoryUsed', 'nope' as 'memoryUsed'])).toThrow(api.InvalidInputError);
    expect(() => device.asSnapshot({ fields: ['nope' as 'memoryUsed'] })).toThrow(/Invalid device field: 'nope'/);
  });
});

describe('one field reaches every view (HACKING.md: encoder utilization)', () => {
  it('the collector records it when named in deviceFields, as encoder_utilization (%)', () => {
    let t = 0;
    const clock = { monotonic: () => t, epoch: () => 1_700_000_000 + t };
    const collector = new api.ResourceMetricCollector({
      devices: [api.Device.fromIndex(0)],
      interval: 3600,
      clock,
      deviceFields: [...api.DEFAULT_DEVICE_FIELDS, 'encoderUtilization'],
    });
    collector.activate('train');
    collector.sample();
    t = 10;
    const metrics = collector.collect();
    expect(metrics['train/gpu:0/encoder_utilization (%)/mean']).toBe(35);
    expect(metrics['train/gpu:0/memory_used (MiB)/last']).toBe(base.devices[0]!.memory!.used! / 2 ** 20);
    collector.deactivate();
    // nvitop's nine by default; a field that is not a number with a unit is refused.
    const names = [...new api.ResourceMetricCollector({ devices: [api.Device.fromIndex(0)] }).sample().values.keys()].filter((key) => key.startsWith('gpu:0/'));
    expect(names).toEqual([
      'gpu:0/memory_used (MiB)', 'gpu:0/memory_free (MiB)', 'gpu:0/memory_total (MiB)', 'gpu:0/memory_percent (%)', 'gpu:0/gpu_utilization (%)',
      'gpu:0/memory_utilization (%)', 'gpu:0/fan_speed (%)', 'gpu:0/temperature (C)', 'gpu:0/power_usage (W)',
    ]);
    expect(() => new api.ResourceMetricCollector({ devices: [api.Device.fromIndex(0)], deviceFields: ['name'] })).toThrow(api.InvalidInputError);
  });

  it('the exporter exports it as gpu_encoder_utilization_Percentage', async () => {
    const registry = new Registry();
    const exporter = api.createExporter({ registry, devices: [api.Device.fromIndex(0)], hostname: 'h' });
    const text = await registry.metrics();
    expect(text).toMatch(/^gpu_encoder_utilization_Percentage\{[^}]*index="0"[^}]*\} 35$/m);
    exporter.close();
  });

  it('nvitop --json carries it', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'bin', 'nvitop.js'), '--json'], { env: fakeNvmlEnv(scenario), encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { devices: { encoderUtilization: number }[] }).devices[0]?.encoderUtilization).toBe(35);
  });
});
