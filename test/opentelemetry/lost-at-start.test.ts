// GpuMetrics with a GPU that was already lost when it started (no NVML handle): the GPU keeps a
// stable hw.id of its own and reports hw.status failed; the healthy GPU reports normally.
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { expect, it } from 'vitest';
import { fakeLibraryPath, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

it('a GPU lost before start: hw.status failed under a fallback hw.id, nothing else; the other GPU is fine', async () => {
  const scenario = loadScenario('lost-gpu');
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  const { GpuMetrics } = await import('../../src/opentelemetry/index.js');
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  new GpuMetrics({ meterProvider }).start();
  await reader.forceFlush();
  const seen = exporter.getMetrics()[0]!.scopeMetrics.flatMap((s) => s.metrics).flatMap((m) => m.dataPoints.map((p) => ({ name: m.descriptor.name, attributes: p.attributes, value: p.value as number })));
  const lost = seen.filter((p) => p.attributes['hw.id'] === 'nvidia-gpu-1' || p.attributes['hw.parent'] === 'nvidia-gpu-1');
  expect(lost.map((p) => [p.name, p.attributes['hw.state'], p.value])).toEqual([
    ['hw.status', 'ok', 0],
    ['hw.status', 'failed', 1],
  ]);
  expect(lost[0]!.attributes).toMatchObject({ 'hw.name': 'NVIDIA GPU 1', 'nvidia.gpu.index': '1', 'hw.type': 'gpu' });
  const healthy = scenario.devices[0]!;
  expect(seen.find((p) => p.name === 'hw.gpu.memory.usage' && p.attributes['hw.id'] === healthy.uuid)?.value).toBe(healthy.memory!.used);
  await meterProvider.shutdown();
});
