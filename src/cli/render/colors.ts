/**
 * nvitop's load-intensity colours: a value below the first threshold is light (green), below
 * the second moderate (yellow), else heavy (red); an unknown value counts as moderate.
 *
 * @module
 */
import { isNA, type DeviceSnapshot, type Maybe } from '../../core/index.js';
import type { ColorName, RenderOptions } from './types.js';

/**
 * Load intensity of a value against two thresholds.
 *
 * @example
 * ```ts
 * const intensity: LoadIntensity = loadIntensity(42, [10, 75]); // 'moderate'
 * ```
 */
export type LoadIntensity = 'light' | 'moderate' | 'heavy';

const RANK: Readonly<Record<LoadIntensity, number>> = { light: 0, moderate: 1, heavy: 2 };
const COLOR: Readonly<Record<LoadIntensity, ColorName>> = { light: 'green', moderate: 'yellow', heavy: 'red' };

/**
 * The load intensity of `value` (percent) for thresholds `[th1, th2]`: `< th1` light,
 * `< th2` moderate, else heavy; NA (or NaN) is moderate, as in nvitop.
 *
 * @example
 * ```ts
 * loadIntensity(5, [10, 75]);  // 'light'
 * loadIntensity(75, [10, 75]); // 'heavy'
 * loadIntensity(NA, [10, 75]); // 'moderate'
 * ```
 */
export function loadIntensity(value: Maybe<number>, thresholds: readonly [number, number]): LoadIntensity {
  if (isNA(value) || Number.isNaN(value)) return 'moderate';
  if (value >= thresholds[1]) return 'heavy';
  if (value >= thresholds[0]) return 'moderate';
  return 'light';
}

/**
 * The colour of a load intensity: green, yellow or red.
 *
 * @example
 * ```ts
 * intensityColor('heavy'); // 'red'
 * ```
 */
export function intensityColor(intensity: LoadIntensity): ColorName {
  return COLOR[intensity];
}

/**
 * The heavier of two intensities.
 *
 * @example
 * ```ts
 * maxIntensity('light', 'moderate'); // 'moderate'
 * ```
 */
export function maxIntensity(a: LoadIntensity, b: LoadIntensity): LoadIntensity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether a device snapshot stands for a GPU that could not be reached (`ERROR: GPU is Lost`). */
function isErrorDevice(device: DeviceSnapshot): boolean {
  return !isNA(device.name) && device.name.startsWith('ERROR:');
}

/**
 * Colour of a device's memory figures (memory percent vs the memory thresholds).
 *
 * @example
 * ```ts
 * memoryColor(snapshot, options); // 'green' below 10 %
 * ```
 */
export function memoryColor(device: DeviceSnapshot, options: Pick<RenderOptions, 'memUtilThresholds'>): ColorName {
  if (isErrorDevice(device)) return 'red';
  return intensityColor(loadIntensity(device.memoryPercent, options.memUtilThresholds));
}

/**
 * Colour of a device's GPU utilization (vs the GPU thresholds).
 *
 * @example
 * ```ts
 * gpuColor(snapshot, options); // 'red' at 75 % and above by default
 * ```
 */
export function gpuColor(device: DeviceSnapshot, options: Pick<RenderOptions, 'gpuUtilThresholds'>): ColorName {
  if (isErrorDevice(device)) return 'red';
  return intensityColor(loadIntensity(device.gpuUtilization, options.gpuUtilThresholds));
}

/**
 * Colour of a whole device row: the heavier of memory and GPU intensity (memory only for a MIG
 * device); red for a GPU that could not be reached.
 *
 * @example
 * ```ts
 * deviceColor(snapshot, options); // 'yellow'
 * ```
 */
export function deviceColor(device: DeviceSnapshot, options: Pick<RenderOptions, 'gpuUtilThresholds' | 'memUtilThresholds'>): ColorName {
  if (isErrorDevice(device)) return 'red';
  const memory = loadIntensity(device.memoryPercent, options.memUtilThresholds);
  if (device.isMigDevice) return intensityColor(memory);
  return intensityColor(maxIntensity(memory, loadIntensity(device.gpuUtilization, options.gpuUtilThresholds)));
}

/**
 * A 256-colour index on a green → yellow → red scale for `fraction` in 0..1 (the `--colorful`
 * gradient bars).
 *
 * @example
 * ```ts
 * gradientColor(0); // 46 (green)
 * gradientColor(1); // 196 (red)
 * ```
 */
export function gradientColor(fraction: number): number {
  const scale = [46, 82, 118, 154, 190, 226, 220, 214, 208, 202, 196] as const;
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return scale[Math.round(clamped * (scale.length - 1))] as number;
}
