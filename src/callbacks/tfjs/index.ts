/**
 * tfjs training callbacks.
 *
 * @module
 */
export { GpuStatsLogger, INTER_STEP_KEY, INTRA_STEP_KEY, type GpuStatsLoggerOptions, type TfjsLogs } from './gpu-stats-logger.js';
export type { GpuSpec, LoggedDevice } from './devices.js';
