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
import type { Maybe } from '../na.js';
import { cudaDriverUuids } from '../native/cuda-driver.js';
import { uuidMatches } from './lookup.js';

/**
 * What the parser needs to know of a MIG device (a `MigDevice` is one).
 *
 * @internal
 */
export interface VisibleMigDevice {
  /** `[parent, mig]`. */
  readonly index: number | readonly [number, number];
  /** `'0:1'`. */
  readonly displayIndex: string;
  /** `MIG-…` UUID. */
  uuid(): Maybe<string>;
  /** True. */
  isMigDevice(): boolean;
  /** GPU instance id. */
  gpuInstanceId(): Maybe<number>;
  /** Compute instance id. */
  computeInstanceId(): Maybe<number>;
}

/**
 * What the parser needs to know of a physical GPU (a `PhysicalDevice` is one). The parser takes
 * the GPUs as an argument, so this module does not import the Device classes.
 *
 * @internal
 */
export interface VisibleGpu {
  /** NVML index. */
  readonly index: number | readonly [number, number];
  /** `'3'`. */
  readonly displayIndex: string;
  /** `GPU-…` UUID. */
  uuid(): Maybe<string>;
  /** False. */
  isMigDevice(): boolean;
  /** Whether MIG mode is on. */
  isMigModeEnabled(): boolean;
  /** Its MIG devices. */
  migDevices(): readonly VisibleMigDevice[];
}

type Visible = VisibleGpu | VisibleMigDevice;

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

function findByUuid(token: string, devices: readonly VisibleGpu[]): Visible | null {
  const migGpu = /^MIG-(GPU-[0-9a-f-]+)\/(\d+)\/(\d+)$/i.exec(token);
  if (migGpu !== null) {
    const parent = devices.find((device) => uuidMatches(device.uuid(), migGpu[1] as string, false));
    if (parent === undefined) return null;
    const gi = Number(migGpu[2]);
    const ci = Number(migGpu[3]);
    return parent.migDevices().find((mig) => mig.gpuInstanceId() === gi && mig.computeInstanceId() === ci) ?? null;
  }
  const candidates: Visible[] = [];
  for (const device of devices) candidates.push(device, ...device.migDevices());
  const matches = candidates.filter((device) => uuidMatches(device.uuid(), token, device.isMigDevice()));
  return matches.length === 1 ? (matches[0] as Visible) : null;
}

function pureParse(value: string | null, devices: readonly VisibleGpu[]): Visible[] {
  const chosen: Visible[] = [];
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
      let device: Visible | null;
      if (integer !== null) device = integer >= 0 && integer < devices.length ? (devices[integer] as VisibleGpu) : null;
      else device = findByUuid(token, devices);
      if (device === null) break;
      if (seen.has(device.displayIndex)) return [];
      seen.add(device.displayIndex);
      chosen.push(device);
    }
  }
  // MIG: at most one MIG device is visible to a CUDA process, the first one listed.
  const migAware = chosen.map((device) => (isGpu(device) && device.isMigModeEnabled() ? (device.migDevices()[0] ?? device) : device));
  const firstMig = migAware.find((device) => device.isMigDevice());
  if (firstMig !== undefined) return [firstMig];
  return migAware;
}

function isGpu(device: Visible): device is VisibleGpu {
  return !device.isMigDevice();
}

/**
 * The NVML indices of the devices `cudaVisibleDevices` makes visible among `gpus` (called only
 * when the answer is not cached), in CUDA order. `parseCudaVisibleDevices` is this over
 * `PhysicalDevice.all()`.
 *
 * @internal
 */
export function visibleIndices(cudaVisibleDevices: string | null | undefined, gpus: () => readonly VisibleGpu[]): NvmlIndex[] {
  const value = resolveArgument(cudaVisibleDevices);
  const order = (process.env.CUDA_DEVICE_ORDER ?? 'FASTEST_FIRST').toUpperCase();
  const key = `${order}\u0000${value ?? '\u0001unset'}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached.map((index) => (typeof index === 'number' ? index : [index[0], index[1]]));
  const devices = gpus();
  let result: Visible[] | null = null;
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
