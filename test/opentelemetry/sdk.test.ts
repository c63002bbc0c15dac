// GpuMetrics read through the real @opentelemetry/sdk-metrics (a periodic reader with the SDK's
// in-memory exporter) on the fake eight-GPU machine: every instrument's kind, unit and values
// against the scenario, one NVML pass per collection (counted by the fake), per-process memory
// only when asked for, a GPU lost while running, stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { ValueType } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, updateScenario, withPids, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { nvmlCallCounter, type NvmlCallCounter } from '../helpers/nvml-counts.js';
import { EXPECTED_KINDS, compare, expectedForScenario, gpuAttributes, type SeenPoint } from './expected.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let otel: typeof import('../../src/opentelemetry/index.js');
let core: typeof import('../../src/core/index.js');
let calls: NvmlCallCounter;
let scenario: FakeScenario;
let file: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (let i = 0; i < 9; i += 1) children.push(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' }));
  scenario = withPids(loadScenario('eight-gpu'), children.map((child) => child.pid as number));
  file = writeScenario(scenario);
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = file;
  otel = await import('../../src/opentelemetry/index.js');
  core = await import('../../src/core/index.js');
  calls = nvmlCallCounter(fakeLibraryPath());
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** A MeterProvider whose reader exports to memory only when flushed. */
function pipeline(temporality = AggregationTemporality.CUMULATIVE): { meterProvider: MeterProvider; collect: () => Promise<MetricData[]> } {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    collect: async () => {
      exporter.reset();
      await reader.forceFlush();
      const exported = exporter.getMetrics();
      expect(exported).toHaveLength(1);
      return exported[0]!.scopeMetrics.flatMap((scope) => scope.metrics);
    },
  };
}

const points = (metrics: readonly MetricData[]): SeenPoint[] =>
  metrics.flatMap((metric) => metric.dataPoints.map((p) => ({ name: metric.descriptor.name, attributes: p.attributes, value: p.value as number })));

describe('GpuMetrics through @opentelemetry/sdk-metrics', () => {
  it('reports every instrument with the scenario values, the conventions\' units and kinds', async () => {
    const { meterProvider, collect } = pipeline();
    const gpuMetrics = new otel.GpuMetrics({ meterProvider });
    gpuMetrics.start();
    const metrics = await collect();
    expect(compare(points(metrics), expectedForScenario(scenario))).toEqual([]);
    for (const metric of metrics) {
      const kind = EXPECTED_KINDS[metric.descriptor.name];
      expect(kind, metric.descriptor.name).toBeDefined();
      expect(metric.descriptor.unit).toBe(kind!.unit);
      expect(metric.dataPointType).toBe(kind!.type === 'gauge' ? DataPointType.GAUGE : DataPointType.SUM);
      if (metric.dataPointType === DataPointType.SUM) expect(metric.isMonotonic).toBe(kind!.monotonic);
      expect(metric.descriptor.valueType).toBe(['By', '{error}', 'Hz'].includes(kind!.unit) || metric.descriptor.name === 'hw.status' ? ValueType.INT : ValueType.DOUBLE);
      expect(metric.descriptor.description.length).toBeGreaterThan(10);
    }
    // The GPU attributes on every hw.gpu.* point: id, name, vendor, model, driver, serial, index.
    const usage = metrics.find((m) => m.descriptor.name === 'hw.gpu.memory.usage')!;
    scenario.devices.forEach((gpu, i) => {
      const point = usage.dataPoints.find((p) => p.attributes['hw.id'] === gpu.uuid)!;
      expect(point.attributes).toEqual(gpuAttributes(gpu, String(i), scenario.driverVersion!));
    });
    // No per-process series unless asked for.
    expect(metrics.map((m) => m.descriptor.name)).not.toContain('nvidia.gpu.process.memory.usage');
    await meterProvider.shutdown();
  });

  it('the instrumentation scope is nvitop-node at the package version', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    new otel.GpuMetrics({ meterProvider }).start();
    await reader.forceFlush();
    expect(exporter.getMetrics()[0]!.scopeMetrics.map((s) => s.scope)).toEqual([{ name: 'nvitop-node', version: VERSION, schemaUrl: undefined }]);
    await meterProvider.shutdown();
  });

  it('one NVML pass per collection for all instruments: each query once per GPU', async () => {
    const { meterProvider, collect } = pipeline();
    const gpuMetrics = new otel.GpuMetrics({ meterProvider });
    gpuMetrics.start();
    await collect(); // first collection: identity and link counts are read once and kept
    for (let round = 0; round < 3; round += 1) {
      calls.reset();
      const before = gpuMetrics.collections;
      await collect();
      expect(gpuMetrics.collections).toBe(before + 1);
      // 16 instruments, 8 GPUs: each NVML query runs once per GPU (the clock query once per
      // clock domain), whatever the number of instruments that use it.
      expect(calls.counts()).toEqual({
        nvmlDeviceGetUtilizationRates: 8,
        nvmlDeviceGetEncoderUtilization: 8,
        nvmlDeviceGetDecoderUtilization: 8,
        nvmlDeviceGetMemoryInfo_v2: 8,
        nvmlDeviceGetPowerUsage: 8,
        nvmlDeviceGetPowerManagementLimit: 8,
        nvmlDeviceGetTemperatureV: 8,
        nvmlDeviceGetFanSpeed: 8,
        nvmlDeviceGetClockInfo: 32,
        nvmlDeviceGetFieldValues: 8,
      });
    }
    await meterProvider.shutdown();
  });

  it('processMemory: per-process GPU memory with PID and executable name', async () => {
    const { meterProvider, collect } = pipeline();
    new otel.GpuMetrics({ meterProvider, processMemory: true }).start();
    const metrics = await collect();
    const processes = metrics.find((m) => m.descriptor.name === 'nvidia.gpu.process.memory.usage')!;
    const expected = scenario.devices.flatMap((gpu) => {
      const byPid = new Map<number, number>();
      for (const p of [...(gpu.computeProcesses ?? []), ...(gpu.graphicsProcesses ?? [])]) if (!byPid.has(p.pid as number)) byPid.set(p.pid as number, p.usedGpuMemory as number);
      return [...byPid].map(([pid, memory]) => ({ id: gpu.uuid, pid, memory }));
    });
    expect(processes.dataPoints).toHaveLength(expected.length);
    for (const want of expected) {
      const point = processes.dataPoints.find((p) => p.attributes['hw.id'] === want.id && p.attributes['process.pid'] === want.pid);
      expect(point, `${want.id} ${want.pid}`).toBeDefined();
      expect(point!.value).toBe(want.memory);
      expect(point!.attributes['process.executable.name']).toBe('node');
    }
    await meterProvider.shutdown();
  });

  it('a GPU that falls off the bus: hw.status failed, nothing else of it is observed; the others go on', async () => {
    // Two readers on one provider: cumulative (the values) and delta, which exports only the
    // series observed in that collection (the cumulative view keeps every series it has seen).
    const cumulative = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const delta = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const readers = [cumulative, delta].map((exporter) => new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 }));
    const meterProvider = new MeterProvider({ readers });
    const collect = async (exporter: InMemoryMetricExporter, reader: PeriodicExportingMetricReader): Promise<SeenPoint[]> => {
      exporter.reset();
      await reader.forceFlush();
      return points(exporter.getMetrics()[0]!.scopeMetrics.flatMap((scope) => scope.metrics));
    };
    new otel.GpuMetrics({ meterProvider }).start();
    await collect(cumulative, readers[0]!);
    await collect(delta, readers[1]!);
    const lost = structuredClone(scenario);
    lost.devices[2]!.errors = { '*': 'GPU_IS_LOST' };
    updateScenario(file, lost);
    await sleep(250);
    const id = scenario.devices[2]!.uuid!;
    const status = (seen: SeenPoint[], state: string) => seen.find((p) => p.name === 'hw.status' && p.attributes['hw.id'] === id && p.attributes['hw.state'] === state)?.value;
    try {
      const values = await collect(cumulative, readers[0]!);
      expect([status(values, 'ok'), status(values, 'failed')]).toEqual([0, 1]);
      const others = expectedForScenario(scenario).filter((e) => e.attributes['hw.id'] !== id && e.attributes['hw.parent'] !== id);
      expect(compare(values.filter((p) => p.attributes['hw.id'] !== id && p.attributes['hw.parent'] !== id), others)).toEqual([]);
      const observed = await collect(delta, readers[1]!);
      expect(observed.filter((p) => p.attributes['hw.id'] === id || p.attributes['hw.parent'] === id).map((p) => p.name)).toEqual(['hw.status', 'hw.status']);
      expect(new Set(observed.filter((p) => p.name === 'hw.gpu.memory.usage').map((p) => p.attributes['hw.id']))).toEqual(new Set(others.filter((e) => e.name === 'hw.gpu.memory.usage').map((e) => e.attributes['hw.id'])));
    } finally {
      updateScenario(file, scenario);
      await sleep(250);
    }
    expect(status(await collect(cumulative, readers[0]!), 'ok')).toBe(1);
    await meterProvider.shutdown();
  });

  it('stop() unregisters the callback: no GPU values, no NVML call; start() twice adds nothing', async () => {
    const { meterProvider, collect } = pipeline();
    const gpuMetrics = new otel.GpuMetrics({ meterProvider });
    gpuMetrics.start();
    gpuMetrics.start();
    const first = await collect();
    expect(first.find((m) => m.descriptor.name === 'hw.gpu.memory.usage')!.dataPoints).toHaveLength(8);
    gpuMetrics.stop();
    calls.reset();
    const collections = gpuMetrics.collections;
    await collect();
    expect(calls.total()).toBe(0);
    expect(gpuMetrics.collections).toBe(collections);
    await meterProvider.shutdown();
  });

  it('devices: only the given GPUs; anything but physical or MIG devices, unknown or mistyped options are refused', async () => {
    const { meterProvider, collect } = pipeline();
    new otel.GpuMetrics({ meterProvider, devices: [core.Device.fromIndex(5)] }).start();
    const seen = points(await collect());
    expect(new Set(seen.filter((p) => p.name.startsWith('hw.gpu.')).map((p) => p.attributes['hw.id']))).toEqual(new Set([scenario.devices[5]!.uuid]));
    expect(() => new otel.GpuMetrics({ devices: [{ kind: 'physical' } as never] })).toThrow(core.InvalidInputError);
    expect(() => new otel.GpuMetrics({ procesMemory: true } as never)).toThrow(/Unknown option of new GpuMetrics\(\): 'procesMemory' \(did you mean 'processMemory'\?\)/);
    expect(() => new otel.GpuMetrics({ meterProvider: {} as never })).toThrow(/meterProvider.*an OpenTelemetry MeterProvider/);
    expect(() => new otel.GpuMetrics({ processMemory: 'yes' as never })).toThrow(core.InvalidInputError);
    await meterProvider.shutdown();
  });
});
