/**
 * `nvitop-node/opentelemetry`: NVIDIA GPU instruments for OpenTelemetry metrics
 * ({@link GpuMetrics}). Needs `@opentelemetry/api` (an optional peer dependency of nvitop-node);
 * the package's main entry never loads it.
 *
 * @example
 * ```ts
 * import { GpuMetrics } from 'nvitop-node/opentelemetry';
 * new GpuMetrics({ meterProvider }).start();
 * ```
 *
 * @module
 */
export { GpuMetrics, type GpuMetricsOptions } from './gpu-metrics.js';
export {
  GPU_INSTRUMENTS,
  type GpuInstrumentSpec,
  type GpuInstrumentKind,
  type GpuAttributes,
  type GpuComponent,
  type GpuEmit,
  type AttributeValue,
} from './instruments.js';
export { identify, readGpu } from './reading.js';
export type { GpuReading, GpuIdentity, GpuProcessMemory, GpuTaskUtilization, GpuMemoryReading, GpuPowerReading } from './reading.js';
