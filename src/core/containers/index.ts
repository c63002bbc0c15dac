/**
 * Containers, Kubernetes pods and Slurm jobs: which one holds each GPU process (from
 * `/proc/<pid>/cgroup`) and which pod was allocated each GPU (from the kubelet's pod-resources
 * API).
 *
 * @module
 */
export {
  describeMembership,
  parseCgroupPath,
  parseProcCgroup,
  type CgroupMembership,
  type ContainerRuntime,
  type PodQosClass,
} from './cgroup.js';
export {
  DEFAULT_POD_RESOURCES_SOCKET,
  KubeletPodResources,
  POD_RESOURCES_LIST_METHOD,
  gpuAllocations,
  gpuUuidOfDeviceId,
  listPodResources,
  type ContainerDevices,
  type ContainerResources,
  type GpuAllocation,
  type KubeletPodResourcesOptions,
  type PodResources,
  type PodResourcesState,
  type PodResourcesStatus,
} from './pod-resources.js';
export { ProtobufDecodeError, decodeListPodResourcesResponse } from './pod-resources-wire.js';
export { kubeletPodResources, resolveProcessContainer, type ProcessContainer } from './resolve.js';
