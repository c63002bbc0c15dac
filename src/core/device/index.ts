/**
 * The Device API.
 *
 * @module
 */
export { Device, PhysicalDevice, MigDevice, CudaDevice, CudaMigDevice, parseCudaVisibleDevices, normalizeCudaVisibleDevices } from './device.js';
export { nvmlQuery } from './nvml-query.js';
export { normalizeBusId } from './lookup.js';
export type { GpuProcessMap } from './processes.js';
export type { SnapshotGroup, SnapshotOptions } from './fields.js';
export { invalidateCudaVisibleDevicesCache, type NvmlIndex } from './cuda-visible-devices.js';
export { DEVICE_FIELDS, type DeviceField, type DeviceFieldKey, type FieldContext, type FieldUnit } from './fields.js';
