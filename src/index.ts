/**
 * nvitop-node: NVIDIA GPU monitoring for Node.js.
 *
 * @example
 * ```ts
 * import { Device, GpuProcess, host } from 'nvitop-node';
 *
 * for (const device of Device.all()) {
 *   const snapshot = device.asSnapshot();
 *   console.log(`${snapshot.displayIndex} ${snapshot.name} ${snapshot.memoryUsage} ${snapshot.gpuUtilization}%`);
 *   const processes = GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true });
 *   for (const p of processes) console.log(`  ${p.pid} ${p.username} ${p.gpuMemoryHuman} ${p.command}`);
 * }
 * console.log(`host CPU ${host.cpuPercent()}%`);
 * ```
 *
 * The names below are the package's API, listed one by one (a test keeps a copy of the list, so
 * that a change to it is a decision, not an accident). The command-line programs, the tests and
 * the benchmarks reach the rest through `src/internal.ts`.
 *
 * @module
 */

// ---- NA, units, errors
export { NA, isNA, orNaN, orElse, toMaybe, compareNaLast, formatMaybe, type Maybe, type NotApplicable } from './core/na.js';
export { KiB, MiB, GiB, TiB, PiB, bytes2human, human2bytes, timedelta2human, utilization2string, boolify } from './core/units.js';
export {
  NvitopError,
  isNvitopError,
  InvalidInputError,
  UnknownOptionError,
  StateError,
  CudaError,
  HostProcessError,
  NoSuchProcessError,
  AccessDeniedError,
  ZombieProcessError,
} from './core/errors.js';
export {
  NvmlError,
  NvmlLibraryNotFoundError,
  NvmlFunctionNotFoundError,
  NvmlUninitializedError,
  NvmlInvalidArgumentError,
  NvmlNotSupportedError,
  NvmlNoPermissionError,
  NvmlNotFoundError,
  NvmlInsufficientSizeError,
  NvmlDriverNotLoadedError,
  NvmlGpuIsLostError,
  NvmlUnknownError,
  NvmlLibRmVersionMismatchError,
  NvmlArgumentVersionMismatchError,
  type DamagedLibrary,
} from './core/nvml/errors.js';

// ---- devices, processes, host
export {
  Device,
  PhysicalDevice,
  MigDevice,
  CudaDevice,
  CudaMigDevice,
  parseCudaVisibleDevices,
  normalizeCudaVisibleDevices,
  invalidateCudaVisibleDevicesCache,
  type DeviceFieldKey,
  type GpuProcessMap,
  type NvmlIndex,
  type SnapshotGroup,
  type SnapshotOptions,
} from './core/device/index.js';
export { GpuProcess, type GpuProcessSnapshotOptions } from './core/process/gpu-process.js';
export {
  DEFAULT_POD_RESOURCES_SOCKET,
  KubeletPodResources,
  kubeletPodResources,
  parseProcCgroup,
  type CgroupMembership,
  type ContainerDevices,
  type ContainerResources,
  type ContainerRuntime,
  type GpuAllocation,
  type KubeletPodResourcesOptions,
  type PodQosClass,
  type PodResources,
  type PodResourcesState,
  type PodResourcesStatus,
  type ProcessContainer,
} from './core/containers/index.js';
export { HostProcess } from './core/host/host-process.js';
export * as host from './core/host/public.js';
export { setQueryCacheTtl } from './core/cache.js';
export type {
  Bar1MemoryInfo,
  ByteCounters,
  ClockInfos,
  ClockSpeedInfos,
  DeviceCounters,
  DeviceKind,
  DeviceSnapshot,
  EccErrorCounts,
  GpuProcessSnapshot,
  GpuProcessType,
  HostSnapshot,
  MemoryInfo,
  SwapMemoryInfo,
  ThroughputInfo,
  UtilizationRates,
  VirtualMemoryInfo,
} from './core/snapshot-types.js';

// ---- collector
export {
  ResourceMetricCollector,
  collectInBackground,
  BackgroundCollection,
  takeSnapshots,
  systemClock,
  deviceScope,
  containerScope,
  DEFAULT_DEVICE_FIELDS,
  type BackgroundOptions,
  type CollectedMetrics,
  type CollectorClock,
  type CollectorEvents,
  type OnCollect,
  type ResourceMetricCollectorOptions,
  type Sample,
  type SnapshotResult,
  type TakeSnapshotsOptions,
} from './collector/index.js';

// ---- callbacks: tfjs, TensorBoard, CSV, JSONL
export {
  GpuStatsLogger,
  INTER_STEP_KEY,
  INTRA_STEP_KEY,
  SummaryWriter,
  addScalarDict,
  CsvLogger,
  JsonlLogger,
  MultiSink,
  createSink,
  isMetricSink,
  type CsvLoggerOptions,
  type GpuSpec,
  type GpuStatsLoggerOptions,
  type JsonlLoggerOptions,
  type LoggedDevice,
  type MetricFunction,
  type MetricSink,
  type MetricValue,
  type Metrics,
  type ScalarWriter,
  type SinkTarget,
  type SummaryWriterOptions,
  type TfjsLogs,
} from './callbacks/index.js';

// ---- Prometheus exporter
export {
  createExporter,
  startMetricsServer,
  registerProcessMetrics,
  loadTlsSettings,
  TlsConfigError,
  MissingDependencyError,
  exportableDevices,
  exportedMetricNames,
  type Exporter,
  type ExporterOptions,
  type ExpositionSource,
  type HttpsSettings,
  type MetricsServer,
  type MetricsServerOptions,
  type ProcessMetricsOptions,
  type PromRegistry,
  type TlsFiles,
} from './exporter/index.js';

// ---- device selection and locks
export {
  DeviceLock,
  LockDirectoryError,
  checkLockOwner,
  describeLockHolder,
  deviceLockHolders,
  DeviceWaitTimeoutError,
  NotEnoughDevicesError,
  compareRanked,
  decideDevices,
  deviceLockHolder,
  ensureLockDirectory,
  explainShortfall,
  heldDeviceLocks,
  lockDirectory,
  normalizeSelectOptions,
  releaseDeviceLocks,
  selectDevices,
  tryLockDevice,
  unmetConstraints,
  useDevices,
  waitForDevices,
  type CandidateProcess,
  type ConstraintLabels,
  type ConstraintName,
  type DeviceCandidate,
  type DeviceIndex,
  type DeviceLockOptions,
  type LockOptions,
  type LockHolder,
  type LockOwner,
  type LockRecord,
  type RankedCandidate,
  type Rejection,
  type SelectDevicesOptions,
  type SelectFormat,
  type SelectResult,
  type SelectionCandidate,
  type SelectionCriteria,
  type SelectionDecision,
  type UnmetConstraint,
  type UseDevicesOptions,
  type UsedDevices,
  type WaitForDevicesOptions,
  type WaitProgress,
} from './select/index.js';
