// Independent expectations: what a device snapshot must say, computed straight from a fake
// scenario's JSON with NVML's documented semantics (not with the package's own code).
import type { FakeDevice } from '../helpers/fake-nvml.js';

const hex = (value: number, width: number) => value.toString(16).toUpperCase().padStart(width, '0');
const toNumber = (value: number | string | undefined) => (typeof value === 'string' ? Number.parseInt(value, 16) : value);

/** The snapshot fields that follow from one fake device, with `null` for "not available". */
export function expectedFields(device: FakeDevice): Record<string, unknown> {
  const memory = device.memory;
  const used = memory?.used;
  const total = memory?.total;
  const reserved = memory?.reserved ?? 0;
  const free = total === undefined || used === undefined ? undefined : total - reserved - used;
  const enabled = (value: number | boolean | undefined) => (value === undefined ? null : value ? 'Enabled' : 'Disabled');
  const migMode = typeof device.migMode === 'object' ? device.migMode.current : device.migMode;
  const encoder = typeof device.encoder === 'object' ? device.encoder.utilization : device.encoder;
  const decoder = typeof device.decoder === 'object' ? device.decoder.utilization : device.decoder;
  return {
    name: device.name ?? null,
    uuid: device.uuid ?? null,
    serial: device.serial ?? null,
    busId: device.pci === undefined ? null : `${hex(device.pci.domain ?? 0, 8)}:${hex(device.pci.bus ?? 0, 2)}:${hex(device.pci.device ?? 0, 2)}.0`,
    memoryTotal: total ?? null,
    memoryUsed: used ?? null,
    memoryFree: free ?? null,
    memoryPercent: total === undefined || used === undefined ? null : Math.round((1000 * used) / total) / 10,
    gpuUtilization: device.utilization?.gpu ?? null,
    memoryUtilization: device.utilization?.memory ?? null,
    encoderUtilization: encoder ?? null,
    decoderUtilization: decoder ?? null,
    smClock: device.clocks?.sm ?? null,
    memoryClock: device.clocks?.memory ?? null,
    maxClockInfos: {
      graphics: device.maxClocks?.graphics ?? null,
      sm: device.maxClocks?.sm ?? null,
      memory: device.maxClocks?.memory ?? null,
      video: device.maxClocks?.video ?? null,
    },
    fanSpeed: device.fanSpeed ?? null,
    temperature: device.temperature ?? null,
    powerUsage: device.powerUsage ?? null,
    powerLimit: device.powerLimit ?? null,
    pcieTxThroughput: device.pcie?.tx ?? null,
    pcieRxThroughput: device.pcie?.rx ?? null,
    displayActive: enabled(device.displayActive),
    displayMode: enabled(device.displayMode),
    persistenceMode: enabled(device.persistenceMode),
    performanceState: device.performanceState === undefined ? null : `P${device.performanceState}`,
    totalVolatileUncorrectedEccErrors: device.eccVolatileUncorrected ?? null,
    computeMode:
      device.computeMode === undefined ? null : (['Default', 'Exclusive Thread', 'Prohibited', 'Exclusive Process'][device.computeMode] ?? null),
    cudaComputeCapability: device.cudaComputeCapability ?? null,
    migMode: migMode === undefined ? null : migMode ? 'Enabled' : 'Disabled',
    bar1MemoryInfo: {
      total: device.bar1?.total ?? null,
      used: device.bar1?.used ?? null,
      free: device.bar1?.total === undefined || device.bar1?.used === undefined ? null : device.bar1.total - device.bar1.used,
    },
  };
}

/** The snapshot's JSON form (NA → null), restricted to the keys of `expected`. */
export function pick(snapshot: unknown, expected: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) out[key] = json[key];
  return out;
}

/** NVML family (unversioned symbol) → the snapshot fields it feeds. */
export const QUERY_FIELDS: Record<string, string[]> = {
  nvmlDeviceGetName: ['name'],
  nvmlDeviceGetUUID: ['uuid'],
  nvmlDeviceGetSerial: ['serial'],
  nvmlDeviceGetPciInfo: ['busId'],
  nvmlDeviceGetMemoryInfo: ['memoryTotal', 'memoryUsed', 'memoryFree', 'memoryPercent'],
  nvmlDeviceGetBAR1MemoryInfo: ['bar1MemoryInfo'],
  nvmlDeviceGetUtilizationRates: ['gpuUtilization', 'memoryUtilization'],
  nvmlDeviceGetEncoderUtilization: ['encoderUtilization'],
  nvmlDeviceGetDecoderUtilization: ['decoderUtilization'],
  nvmlDeviceGetClockInfo: ['smClock', 'memoryClock'],
  nvmlDeviceGetMaxClockInfo: ['maxClockInfos'],
  nvmlDeviceGetFanSpeed: ['fanSpeed'],
  nvmlDeviceGetTemperature: ['temperature'],
  nvmlDeviceGetPowerUsage: ['powerUsage'],
  nvmlDeviceGetPowerManagementLimit: ['powerLimit'],
  nvmlDeviceGetPcieThroughput: ['pcieTxThroughput', 'pcieRxThroughput'],
  nvmlDeviceGetDisplayActive: ['displayActive'],
  nvmlDeviceGetDisplayMode: ['displayMode'],
  nvmlDeviceGetPersistenceMode: ['persistenceMode'],
  nvmlDeviceGetPerformanceState: ['performanceState'],
  nvmlDeviceGetTotalEccErrors: ['totalVolatileUncorrectedEccErrors'],
  nvmlDeviceGetComputeMode: ['computeMode'],
  nvmlDeviceGetCudaComputeCapability: ['cudaComputeCapability'],
  nvmlDeviceGetMigMode: ['migMode'],
};

/** The expectation with `fields` not available. */
export function withNa(expected: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out = { ...expected };
  for (const field of fields) {
    const value = out[field];
    out[field] = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.keys(value).map((k) => [k, null])) : null;
  }
  return out;
}

export { toNumber };

