/**
 * `CUDA_VISIBLE_DEVICES` parsing with CUDA's own rules.
 *
 * Plain parsing through NVML answers most cases: integers (NVML order equals PCI bus order),
 * full or abbreviated `GPU-`/`MIG-` UUIDs and `MIG-GPU-<uuid>/<gi>/<ci>`. When the list holds
 * integers, there are several GPUs and `CUDA_DEVICE_ORDER` is not `PCI_BUS_ID`, only CUDA knows
 * its FASTEST_FIRST order: then a short-lived child process asks the CUDA driver (so `cuInit`
 * never runs in the caller's process) and the answer is cached per value; without a CUDA driver
 * the PCI order is used.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { isNA } from '../na.js';
import { Device, MigDevice, PhysicalDevice } from './device.js';
import { uuidMatches } from './lookup.js';

/** An NVML index: a GPU's number, or `[parent, mig]` for a MIG device. */
export type NvmlIndex = number | [number, number];

const cache = new Map<string, NvmlIndex[]>();

/** Forgets cached `CUDA_VISIBLE_DEVICES` results (e.g. after MIG reconfiguration). */
export function invalidateCudaVisibleDevicesCache(): void {
  cache.clear();
}

function resolveArgument(cudaVisibleDevices: string | null | undefined): string | null {
  if (cudaVisibleDevices === undefined) return process.env.CUDA_VISIBLE_DEVICES ?? null;
  return cudaVisibleDevices;
}

/** CUDA's integer parsing: optional sign, leading digits, the rest ignored (`'0abc'` is 0). */
function parseCudaInteger(token: string): number | null {
  const match = /^[+-]?\d+/.exec(token);
  return match === null ? null : Number.parseInt(match[0], 10);
}

function findByUuid(token: string, devices: PhysicalDevice[]): PhysicalDevice | MigDevice | null {
  const migGpu = /^MIG-(GPU-[0-9a-f-]+)\/(\d+)\/(\d+)$/i.exec(token);
  if (migGpu !== null) {
    const parent = devices.find((device) => uuidMatches(device.uuid(), migGpu[1] as string, false));
    if (parent === undefined) return null;
    const gi = Number(migGpu[2]);
    const ci = Number(migGpu[3]);
    return parent.migDevices().find((mig) => mig.gpuInstanceId() === gi && mig.computeInstanceId() === ci) ?? null;
  }
  const candidates: Array<PhysicalDevice | MigDevice> = [];
  for (const device of devices) candidates.push(device, ...device.migDevices());
  const matches = candidates.filter((device) => uuidMatches(device.uuid(), token, device.isMigDevice()));
  return matches.length === 1 ? (matches[0] as PhysicalDevice | MigDevice) : null;
}

/** Asks the CUDA driver, in a child process, for the UUIDs of the visible devices in order. */
function cudaDriverUuids(cudaVisibleDevices: string | null): string[] | null {
  const script = `
    const koffi = require(${JSON.stringify(resolveKoffi())});
    let lib; try { lib = koffi.load('libcuda.so.1'); } catch { process.exit(3); }
    const cuInit = lib.func('int cuInit(unsigned int)');
    const cuDeviceGetCount = lib.func('int cuDeviceGetCount(_Out_ int *count)');
    const cuDeviceGet = lib.func('int cuDeviceGet(_Out_ int *device, int ordinal)');
    let getUuid; try { getUuid = lib.func('int cuDeviceGetUuid_v2(_Out_ uint8_t *uuid, int device)'); } catch { getUuid = lib.func('int cuDeviceGetUuid(_Out_ uint8_t *uuid, int device)'); }
    if (cuInit(0) !== 0) process.exit(4);
    const count = new Int32Array(1); if (cuDeviceGetCount(count) !== 0) process.exit(4);
    const out = [];
    for (let i = 0; i < count[0]; i++) {
      const dev = new Int32Array(1); if (cuDeviceGet(dev, i) !== 0) process.exit(4);
      const uuid = Buffer.alloc(16); if (getUuid(uuid, dev[0]) !== 0) process.exit(4);
      const h = uuid.toString('hex');
      out.push(h.slice(0,8)+'-'+h.slice(8,12)+'-'+h.slice(12,16)+'-'+h.slice(16,20)+'-'+h.slice(20));
    }
    process.stdout.write(JSON.stringify(out));`;
  const env = { ...process.env };
  if (cudaVisibleDevices === null) delete env.CUDA_VISIBLE_DEVICES;
  else env.CUDA_VISIBLE_DEVICES = cudaVisibleDevices;
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  try {
    return JSON.parse(result.stdout) as string[];
  } catch {
    return null;
  }
}

function resolveKoffi(): string {
  return createRequire(import.meta.url).resolve('koffi');
}

function pureParse(value: string | null, devices: PhysicalDevice[]): Array<PhysicalDevice | MigDevice> {
  const chosen: Array<PhysicalDevice | MigDevice> = [];
  if (value === null) {
    chosen.push(...devices);
  } else {
    const seen = new Set<string>();
    let mode: 'int' | 'uuid' | null = null;
    for (const rawToken of value.split(',')) {
      const token = rawToken.trim();
      const integer = parseCudaInteger(token);
      const tokenMode = integer !== null ? 'int' : /^(GPU|MIG)-/i.test(token) ? 'uuid' : null;
      if (tokenMode === null || (mode !== null && tokenMode !== mode)) break;
      mode = tokenMode;
      let device: PhysicalDevice | MigDevice | null;
      if (integer !== null) device = integer >= 0 && integer < devices.length ? (devices[integer] as PhysicalDevice) : null;
      else device = findByUuid(token, devices);
      if (device === null) break;
      if (seen.has(device.displayIndex)) return [];
      seen.add(device.displayIndex);
      chosen.push(device);
    }
  }
  // MIG: at most one MIG device is visible to a CUDA process, the first one listed.
  const migAware = chosen.map((device) => (device instanceof PhysicalDevice && device.isMigModeEnabled() ? (device.migDevices()[0] ?? device) : device));
  const firstMig = migAware.find((device) => device instanceof MigDevice);
  if (firstMig !== undefined) return [firstMig];
  return migAware;
}

/**
 * The NVML indices of the devices `CUDA_VISIBLE_DEVICES` makes visible, in CUDA order:
 * numbers for GPUs, `[parent, mig]` for a MIG device.
 *
 * @param cudaVisibleDevices - the value to parse; omitted: the environment's; `null`: unset (all).
 *
 * @example
 * ```ts
 * parseCudaVisibleDevices('1,0');             // [1, 0]
 * parseCudaVisibleDevices('GPU-18ef14e9');    // [3] (abbreviated UUID)
 * parseCudaVisibleDevices('0,0');             // [] (duplicates: CUDA sees no device)
 * parseCudaVisibleDevices('1,foo,0');         // [1] (an invalid entry ends the list)
 * ```
 */
export function parseCudaVisibleDevices(cudaVisibleDevices?: string | null): NvmlIndex[] {
  const value = resolveArgument(cudaVisibleDevices);
  const order = (process.env.CUDA_DEVICE_ORDER ?? 'FASTEST_FIRST').toUpperCase();
  const key = `${order}\u0000${value ?? '\u0001unset'}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached.map((index) => (typeof index === 'number' ? index : [index[0], index[1]]));
  const devices = PhysicalDevice.all();
  let result: Array<PhysicalDevice | MigDevice> | null = null;
  const needsCuda = order !== 'PCI_BUS_ID' && devices.length > 1 && (value === null || /^\s*[+-]?\d/.test(value));
  if (needsCuda) {
    const uuids = cudaDriverUuids(value);
    if (uuids !== null) {
      result = [];
      for (const uuid of uuids) {
        const device = findByUuid(uuid, devices) ?? findByUuid(`GPU-${uuid}`, devices) ?? findByUuid(`MIG-${uuid}`, devices);
        if (device !== null) result.push(device);
      }
    }
  }
  result ??= pureParse(value, devices);
  const indices = result.map((device) => {
    const index = device.index;
    return typeof index === 'number' ? index : ([index[0], index[1]] as [number, number]);
  });
  cache.set(key, indices);
  return indices.map((index) => (typeof index === 'number' ? index : [index[0], index[1]]));
}

/**
 * The full UUIDs of the devices `CUDA_VISIBLE_DEVICES` selects, comma-joined (`''` when none).
 *
 * @example
 * ```ts
 * normalizeCudaVisibleDevices('1,0'); // 'GPU-…,GPU-…'
 * ```
 */
export function normalizeCudaVisibleDevices(cudaVisibleDevices?: string | null): string {
  return parseCudaVisibleDevices(cudaVisibleDevices)
    .map((index) => Device.fromIndex(index).uuid())
    .filter((uuid): uuid is string => !isNA(uuid))
    .join(',');
}
