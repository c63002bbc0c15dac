// Send GPU metrics to an OTLP endpoint (an OpenTelemetry Collector, Grafana Alloy, a vendor's
// agent) the way a Node service sends its other metrics: an SDK MeterProvider with a periodic
// reader and the OTLP/HTTP (protobuf) exporter, and GpuMetrics registering the GPU instruments.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 npx tsx examples/opentelemetry.ts [seconds] [interval]
//
// The exporter reads the standard OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_METRICS_ENDPOINT
// variables; without them it sends to http://localhost:4318/v1/metrics. The example runs for
// `seconds` (default 10), exporting every `interval` seconds (default 1), and exits 1 if no
// export reached the endpoint.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Device } from 'nvitop-node';
import { GpuMetrics } from 'nvitop-node/opentelemetry';

const [seconds = '10', interval = '1'] = process.argv.slice(2);

if (!Device.isAvailable()) {
  console.error('No NVIDIA driver (NVML) on this machine: there are no GPU metrics to send.');
  process.exit(1);
}

/** The OTLP exporter, counting what reached the endpoint and saying what did not. */
class ReportingExporter implements PushMetricExporter {
  sent = 0;
  failed = 0;
  constructor(private readonly inner: PushMetricExporter) {}
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.sent += 1;
      else {
        this.failed += 1;
        console.error(`export failed: ${result.error?.message ?? 'unknown error'}`);
      }
      done(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

const exporter = new ReportingExporter(new OTLPMetricExporter());
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: Number(interval) * 1000 })],
});
const gpuMetrics = new GpuMetrics({ meterProvider });
gpuMetrics.start();
const endpoint = process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? `${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'}/v1/metrics`;
console.log(`Sending the metrics of ${Device.count()} GPU(s) to ${endpoint} every ${interval} s for ${seconds} s`);

setTimeout(async () => {
  await meterProvider.shutdown(); // flushes a last export
  gpuMetrics.stop();
  console.log(`${exporter.sent} export(s) sent, ${exporter.failed} failed, ${gpuMetrics.collections} GPU collection(s)`);
  process.exitCode = exporter.sent > 0 ? 0 : 1;
}, Number(seconds) * 1000);
