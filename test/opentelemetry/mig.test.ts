// GpuMetrics on the fake MIG machine: MIG devices are components of their own (hw.parent = the
// GPU), with memory but no utilization or sensors (NVML gives none); hw.status only for the
// physical GPUs; per-process memory only on leaf devices (a MIG-enabled GPU lists its
// instances' processes too, which would count them twice).
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { beforeAll, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario } from '../helpers/fake-nvml.js';
import type { SeenPoint } from './expected.js';

const scenario = loadScenario('mig');
let seen: SeenPoint[];

beforeAll(async () => {
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  const { GpuMetrics } = await import('../../src/opentelemetry/index.js');
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  new GpuMetrics({ meterProvider, processMemory: true }).start();
  await reader.forceFlush();
  seen = exporter.getMetrics()[0]!.scopeMetrics.flatMap((s) => s.metrics).flatMap((m) => m.dataPoints.map((p) => ({ name: m.descriptor.name, attributes: p.attributes, value: p.value as number })));
  await meterProvider.shutdown();
});

const where = (name: string, id: string): SeenPoint[] => seen.filter((p) => p.name === name && p.attributes['hw.id'] === id);

it('MIG devices report their memory as components whose parent is the GPU', () => {
  const gpu = scenario.devices[0]!;
  gpu.migDevices!.forEach((mig, i) => {
    const [usage] = where('hw.gpu.memory.usage', mig.uuid!);
    expect(usage?.value).toBe(mig.memory!.used);
    expect(usage?.attributes).toMatchObject({ 'hw.parent': gpu.uuid, 'hw.name': mig.name, 'nvidia.gpu.index': `0:${i}`, 'hw.vendor': 'NVIDIA' });
    expect(usage?.attributes).not.toHaveProperty('hw.serial_number');
    expect(where('hw.gpu.memory.limit', mig.uuid!)[0]?.value).toBe(mig.memory!.total);
    expect(where('hw.gpu.memory.utilization', mig.uuid!)[0]?.value).toBeCloseTo(mig.memory!.used! / mig.memory!.total!, 12);
    for (const name of ['hw.gpu.utilization', 'hw.power', 'hw.status', 'hw.energy', 'nvidia.gpu.clock.frequency']) expect(where(name, mig.uuid!), name).toEqual([]);
  });
});

it('the MIG-enabled GPU has no utilization (NVML answers NOT_SUPPORTED), the other GPU has', () => {
  expect(where('hw.gpu.utilization', scenario.devices[0]!.uuid!)).toEqual([]);
  expect(where('hw.gpu.utilization', scenario.devices[1]!.uuid!).map((p) => [p.attributes['hw.gpu.task'], p.value])).toEqual([['general', 0.76], ['encoder', 0], ['decoder', 0]]);
  expect(where('hw.temperature', `${scenario.devices[0]!.uuid!}:temperature`)[0]?.value).toBe(scenario.devices[0]!.temperature);
});

it('hw.status for the two physical GPUs only', () => {
  expect(seen.filter((p) => p.name === 'hw.status').map((p) => [p.attributes['hw.id'], p.attributes['hw.state'], p.value])).toEqual([
    [scenario.devices[0]!.uuid, 'ok', 1],
    [scenario.devices[0]!.uuid, 'failed', 0],
    [scenario.devices[1]!.uuid, 'ok', 1],
    [scenario.devices[1]!.uuid, 'failed', 0],
  ]);
});

it('process memory on leaf devices only, none where NVML does not know it', () => {
  const processes = seen.filter((p) => p.name === 'nvidia.gpu.process.memory.usage').map((p) => [p.attributes['hw.id'], p.attributes['process.pid'], p.value]);
  const migs = scenario.devices[0]!.migDevices!;
  expect(processes).toEqual([
    // MIG 0:0's process has no memory figure (NVML_VALUE_NOT_AVAILABLE): not reported.
    [migs[1]!.uuid, 4900102, 6442450944],
    [migs[2]!.uuid, 4900103, 12884901888],
    [migs[2]!.uuid, 4900104, 3221225472],
    [scenario.devices[1]!.uuid, 4900105, 10737418240],
  ]);
});
