/**
 * The Device API.
 *
 * @module
 */
export { Device, PhysicalDevice, MigDevice, CudaDevice, CudaMigDevice, nvmlQuery, normalizeBusId, type GpuProcessMap } from './device.js';
export { parseCudaVisibleDevices, normalizeCudaVisibleDevices, invalidateCudaVisibleDevicesCache, type NvmlIndex } from './cuda-visible-devices.js';
