/**
 * The exporter's own process metrics (prom-client's default metrics: CPU, memory, file
 * descriptors, event-loop lag, GC, heap), made `promtool check metrics`-clean.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { checkOptions, is } from '../core/options.js';
import { promClient, type PromRegistry } from './prom.js';

/** Options of {@link registerProcessMetrics}. */
export interface ProcessMetricsOptions {
  /**
   * How often the event-loop lag is sampled, in milliseconds (prom-client's
   * `eventLoopMonitoringPrecision`, default 10). Each sample is a timer wake-up: every 10 ms costs
   * a process that is otherwise idle several milliseconds of CPU a second; the
   * `nvitop-exporter` command samples once a second.
   */
  readonly eventLoopMonitoringPrecision?: number;
}

const PROCESS_METRICS_RULES = { eventLoopMonitoringPrecision: is.number({ min: 1, unit: 'milliseconds' }) };

/**
 * prom-client default gauges whose names end in `_total`, which `promtool check metrics` rejects
 * for a non-counter. Each duplicates the sum of its typed sibling (`nodejs_active_handles{type}`,
 * …), so dropping them loses nothing.
 *
 * @example
 * ```ts
 * NON_COUNTER_TOTALS.includes('nodejs_active_handles_total'); // true
 * ```
 */
export const NON_COUNTER_TOTALS: readonly string[] = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Registers prom-client's default process metrics in `registry`, minus
 * `NON_COUNTER_TOTALS`, the event-loop lag sampled every `eventLoopMonitoringPrecision` ms.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * registerProcessMetrics(registry);
 * (await registry.metrics()).includes('process_cpu_seconds_total'); // true
 * ```
 */
export function registerProcessMetrics(registry: PromRegistry, options: ProcessMetricsOptions = {}): void {
  checkOptions('registerProcessMetrics', options, PROCESS_METRICS_RULES);
  promClient().collectDefaultMetrics({
    register: registry as Registry,
    ...(options.eventLoopMonitoringPrecision === undefined ? {} : { eventLoopMonitoringPrecision: options.eventLoopMonitoringPrecision }),
  });
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
}
