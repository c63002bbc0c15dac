/**
 * The resource metric collector (nvitop's `nvitop/api/collector.py`): `takeSnapshots`,
 * `ResourceMetricCollector`, `collectInBackground`.
 *
 * @module
 */
export { takeSnapshots, type SnapshotResult, type TakeSnapshotsOptions } from './snapshots.js';
export { ResourceMetricCollector, type ResourceMetricCollectorOptions, type CollectorEvents } from './collector.js';
export { collectInBackground } from './collect-in-background.js';
export { BackgroundCollection, type BackgroundOptions, type OnCollect } from './background.js';
export { RunningStatistics } from './statistics.js';
export { systemClock, type CollectorClock } from './clock.js';
export { DEFAULT_DEVICE_FIELDS, containerScope, deviceScope } from './keys.js';
export type { CollectedMetrics, Sample } from './buffer.js';
