/**
 * Which devices a {@link GpuStatsLogger} watches: CUDA ordinals, tf-style device names
 * (`'/gpu:0'`, `'/device:GPU:0'`) or Device objects; default the CUDA-visible devices.
 *
 * @module
 */
import { Device, InvalidInputError, NvitopError, NvmlLibraryNotFoundError, isNA, type CudaDevice } from '../../core/index.js';

/**
 * A device for {@link GpuStatsLogger}: a CUDA ordinal (`0`), a TensorFlow device name
 * (`'/gpu:0'`, `'/device:GPU:0'`, case-insensitive), a numeric string (`'0'`), or a Device.
 *
 * @example
 * ```ts
 * const gpus: GpuSpec[] = [0, '/gpu:1', Device.cuda.fromCudaIndex(2)];
 * ```
 */
export type GpuSpec = number | string | Device;

/** nvitop's `GPU_NAME_PATTERN`. */
const GPU_NAME = /^\/(\w*device:)?GPU:(\d+)$/i;

/**
 * A device a {@link GpuStatsLogger} reads, with the key prefix nvitop gives it.
 *
 * @example
 * ```ts
 * for (const { device, prefix } of logger.devices) console.log(prefix, device.name());
 * // gpu_id: 0 (physical index: 3) NVIDIA A100-SXM4-80GB
 * ```
 */
export interface LoggedDevice {
  /** The device. */
  readonly device: Device;
  /** `gpu_id: 0`, or `gpu_id: 0 (physical index: 3)` when the CUDA ordinal differs from the NVML index. */
  readonly prefix: string;
}

function cudaOrdinal(spec: GpuSpec): number | null {
  if (typeof spec === 'number') return Number.isSafeInteger(spec) && spec >= 0 ? spec : null;
  if (typeof spec === 'string') {
    const match = GPU_NAME.exec(spec.trim());
    const digits = match !== null ? match[2] : /^\d+$/.test(spec.trim()) ? spec.trim() : null;
    return digits === null || digits === undefined ? null : Number(digits);
  }
  return null;
}

function prefixOf(device: Device): string {
  const cuda = (device as Partial<CudaDevice>).cudaIndex;
  const id = typeof cuda === 'number' ? cuda : device.displayIndex;
  const physical = device.physicalIndex;
  return String(id) === String(physical) ? `gpu_id: ${id}` : `gpu_id: ${id} (physical index: ${physical})`;
}

/**
 * Resolves the `devices` option of {@link GpuStatsLogger} (nvitop's `gpus` argument): a count
 * `N` means CUDA ordinals `0..N-1`; a list is de-duplicated and ordered by CUDA ordinal; Device
 * objects are kept as given. Default: every CUDA-visible device.
 *
 * @throws {@link NvitopError} when NVML cannot be used (no driver).
 * @throws {@link InvalidInputError} when a device is not visible or not understood.
 * @internal
 */
export function resolveDevices(devices: number | Iterable<GpuSpec> | undefined): LoggedDevice[] {
  let visible: CudaDevice[];
  try {
    visible = Device.cuda.all();
  } catch (error) {
    // nvitop's words when there is no driver; the cause's own when there is a damaged one or NVML fails.
    const missing = error instanceof NvmlLibraryNotFoundError && error.damaged.length === 0;
    const why = error instanceof Error ? error.message : String(error);
    throw new NvitopError(missing ? 'Cannot use the GpuStatsLogger callback because the NVIDIA driver is not installed.' : `Cannot use the GpuStatsLogger callback: ${why}`, {
      cause: error,
    });
  }
  if (devices === undefined) return visible.map((device) => ({ device, prefix: prefixOf(device) }));
  if (typeof devices === 'number' && (!Number.isSafeInteger(devices) || devices < 0)) {
    throw new InvalidInputError('GpuStatsLogger devices', devices, 'a device count >= 0, or a list of CUDA ordinals, "/gpu:N" names or Device objects');
  }
  if (typeof devices === 'number' && devices > visible.length) {
    throw new InvalidInputError('GpuStatsLogger devices', devices, `a device count of at most ${visible.length} (the CUDA-visible devices)`);
  }
  const specs: GpuSpec[] = typeof devices === 'number' ? Array.from({ length: devices }, (_, i) => i) : [...devices];
  const ordinals = new Set<number>();
  const objects: Device[] = [];
  for (const spec of specs) {
    if (spec instanceof Device) {
      if (!objects.includes(spec)) objects.push(spec);
      continue;
    }
    const ordinal = cudaOrdinal(spec);
    if (ordinal === null || ordinal >= visible.length) {
      throw new InvalidInputError(
        'GpuStatsLogger devices',
        typeof devices === 'number' ? devices : specs.map((s) => (s instanceof Device ? s.toString() : s)),
        `CUDA ordinals of visible devices (${visible.length === 0 ? 'none are visible' : `0..${visible.length - 1}`}), "/gpu:N" or "/device:GPU:N" names, or Device objects`,
      );
    }
    ordinals.add(ordinal);
  }
  const chosen: Device[] = [...ordinals].sort((a, b) => a - b).map((i) => visible[i] as CudaDevice);
  for (const device of objects) {
    const uuid = device.uuid();
    if (!chosen.some((d) => d === device || (!isNA(uuid) && d.uuid() === uuid && d.kind === device.kind))) chosen.push(device);
  }
  return chosen.map((device) => ({ device, prefix: prefixOf(device) }));
}
