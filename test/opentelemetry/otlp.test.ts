// GpuMetrics as a service uses it: a child process imports `nvitop-node/opentelemetry` by name
// (the built bundle, through package.json "exports") and exports with the OTLP/HTTP exporters,
// protobuf and JSON, to a receiver started here that decodes the requests itself
// (test/helpers/otlp-reader.ts). Values are checked against the fake eight-GPU scenario.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { startOtlpReceiver, type OtlpMetric, type OtlpReceiver } from '../helpers/otlp-reader.js';
import { EXPECTED_KINDS, compare, expectedForScenario, gpuAttributes } from './expected.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const scenario = loadScenario('eight-gpu');
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

/** Runs a service that exports GPU metrics `exports` times, every 300 ms, with `exporterPackage`. */
function runService(exporterPackage: string, exports: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
    import { OTLPMetricExporter } from '${exporterPackage}';
    import { GpuMetrics } from 'nvitop-node/opentelemetry';
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 300 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    new GpuMetrics({ meterProvider }).start();
    setTimeout(() => meterProvider.shutdown(), 300 * ${exports} + 150);
  `;
  const env = { ...fakeNvmlEnv('eight-gpu'), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

function check(metrics: readonly OtlpMetric[]): void {
  const seen = metrics.flatMap((m) => m.points.map((p) => ({ name: m.name, attributes: p.attributes, value: p.value })));
  expect(compare(seen, expectedForScenario(scenario))).toEqual([]);
  for (const metric of metrics) {
    const kind = EXPECTED_KINDS[metric.name]!;
    expect(kind, metric.name).toBeDefined();
    expect([metric.type, metric.unit], metric.name).toEqual([kind.type, kind.unit]);
    if (metric.type === 'sum') expect([metric.monotonic, metric.temporality], metric.name).toEqual([kind.monotonic, 2]);
    expect(metric.scope.name).toBe('nvitop-node');
    for (const point of metric.points) {
      expect(point.timeUnixNano).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
      expect(point.isInt).toBe(['By', '{error}', 'Hz'].includes(kind.unit) || metric.name === 'hw.status');
    }
  }
  const usage = metrics.find((m) => m.name === 'hw.gpu.memory.usage')!;
  scenario.devices.forEach((gpu, i) => {
    expect(usage.points.find((p) => p.attributes['hw.id'] === gpu.uuid)?.attributes).toEqual(gpuAttributes(gpu, String(i), scenario.driverVersion!));
  });
}

describe('OTLP/HTTP export to a receiver', () => {
  it('protobuf (@opentelemetry/exporter-metrics-otlp-proto): every GPU instrument with the scenario values', async () => {
    const before = receiver.requests.length;
    const { code, stderr } = await runService('@opentelemetry/exporter-metrics-otlp-proto', 3);
    expect([code, stderr]).toEqual([0, '']);
    const requests = receiver.requests.slice(before);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.path).toBe('/v1/metrics');
      expect(request.contentType).toMatch(/^application\/x-protobuf/);
      check(request.metrics);
    }
    // Later exports carry the same instruments again (values are read at every collection).
    expect(requests.at(-1)!.metrics.map((m) => m.name)).toEqual(requests[0]!.metrics.map((m) => m.name));
  });

  it('JSON (@opentelemetry/exporter-metrics-otlp-http): the same', async () => {
    const before = receiver.requests.length;
    const { code, stderr } = await runService('@opentelemetry/exporter-metrics-otlp-http', 2);
    expect([code, stderr]).toEqual([0, '']);
    const requests = receiver.requests.slice(before);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    for (const request of requests) {
      expect(request.contentType).toMatch(/^application\/json/);
      check(request.metrics);
    }
  });
});
