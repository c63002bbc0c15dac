/**
 * The Device API.
 *
 * @module
 */
export { Device, PhysicalDevice, MigDevice, CudaDevice, CudaMigDevice, nvmlQuery, normalizeBusId, type GpuProcessMap, type SnapshotGroup, type SnapshotOptions } from './device.js';
export { parseCudaVisibleDevices, normalizeCudaVisibleDevices, invalidateCudaVisibleDevicesCache, type NvmlIndex } from './cuda-visible-devices.js';
