/**
 * Metric sinks: the `MetricSink` interface, TensorBoard event files, CSV and JSONL loggers; the
 * tfjs `GpuStatsLogger` callback.
 *
 * @module
 */

export { createSink, isMetricSink, MultiSink } from './sink.js';
export type { MetricFunction, MetricSink, MetricValue, Metrics, SinkTarget } from './sink.js';
export { addScalarDict, crc32c, maskCrc, maskedCrc32c, SummaryWriter } from './tensorboard/index.js';
export type { ScalarWriter, SummaryWriterOptions } from './tensorboard/index.js';
export { CsvLogger, JsonlLogger } from './loggers/index.js';
export type { CsvLoggerOptions, JsonlLoggerOptions } from './loggers/index.js';
export { GpuStatsLogger, INTER_STEP_KEY, INTRA_STEP_KEY } from './tfjs/index.js';
export type { GpuSpec, GpuStatsLoggerOptions, LoggedDevice, TfjsLogs } from './tfjs/index.js';
