/**
 * The core API: devices, processes, host facts, NA and units. Upper layers (collector, select,
 * callbacks, exporter, cli) import from here only.
 *
 * @module
 */
export * from './na.js';
export * from './units.js';
export * from './errors.js';
export * from './snapshot-types.js';
export { setQueryCacheTtl } from './cache.js';
export * from './device/index.js';
export { GpuProcess, inSeparatePidNamespace, type GpuProcessSnapshotOptions } from './process/gpu-process.js';
export {
  DEFAULT_POD_RESOURCES_SOCKET,
  KubeletPodResources,
  describeMembership,
  gpuUuidOfDeviceId,
  kubeletPodResources,
  parseCgroupPath,
  parseProcCgroup,
  resolveProcessContainer,
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
} from './containers/index.js';
export * as host from './host/index.js';
export { HostProcess, commandJoin } from './host/index.js';
export {
  NvmlError,
  NvmlLibraryNotFoundError,
  type DamagedLibrary,
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
  nvmlErrorFromCode,
  nvmlUnknownFunctions,
  nvmlLoadedFrom,
  libraryCandidates,
  RETURN_CODES,
  type ReturnCodeInfo,
} from './nvml/index.js';
