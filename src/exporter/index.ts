/**
 * nvitop-exporter for Node: its Prometheus metrics in a prom-client registry
 * ({@link createExporter}), the HTTP(S) server with `/metrics` and `/healthz`
 * ({@link startMetricsServer}), TLS settings ({@link loadTlsSettings}) and the exporter's own
 * process metrics ({@link registerProcessMetrics}).
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { createExporter, registerProcessMetrics, startMetricsServer } from 'nvitop-node';
 *
 * const registry = new Registry();
 * createExporter({ registry });
 * registerProcessMetrics(registry);
 * const server = await startMetricsServer({ registry, host: '0.0.0.0', port: 8000 });
 * ```
 *
 * @module
 */
export { createExporter, type Exporter, type ExporterOptions, type ExpositionSource } from './exporter.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server.js';
export { loadTlsSettings, checkTlsPairing, checkTlsFiles, TlsConfigError, type TlsFiles, type HttpsSettings } from './tls.js';
export { registerProcessMetrics, NON_COUNTER_TOTALS, type ProcessMetricsOptions } from './process-metrics.js';
export { MissingDependencyError, type PromRegistry } from './prom.js';
export { guessIpAddress } from './ip-address.js';
export { collectSample, exportableDevices, type ExporterSample, type DeviceSample, type DeviceLabels } from './sample.js';
export {
  exportedMetricNames,
  exposedName,
  type MetricUnit,
  type DeviceFacts,
  type HostFacts,
  type LinkFacts,
  type ProcessFacts,
} from './metrics.js';
export { SingleFlight } from './single-flight.js';
