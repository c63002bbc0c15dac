/**
 * Small value helpers shared by the Device queries and the snapshot builder.
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';
import { virtualMemory } from '../host/index.js';
import type { ClockInfos, MemoryInfo } from '../snapshot-types.js';

/** `'Enabled'`/`'Disabled'` from an NVML 0/1 state. */
export const enabled = (value: Maybe<number>): Maybe<string> => (isNA(value) ? NA : value !== 0 ? 'Enabled' : 'Disabled');

/** `part / total` in percent, one decimal (NA when either is unknown or total is 0). */
export const percentOf = (part: Maybe<number>, total: Maybe<number>): Maybe<number> =>
  isNA(part) || isNA(total) || total === 0 ? NA : Math.round((1000 * part) / total) / 10;

/** Clocks with every value NA. */
export const NA_CLOCKS: ClockInfos = Object.freeze({ graphics: NA, sm: NA, memory: NA, video: NA });

/** The host's memory, as an integrated GPU that shares it reports it. */
export function hostMemoryInfo(): MemoryInfo {
  const host = virtualMemory();
  return { total: host.total, free: host.available, used: host.total - host.available, reserved: NA };
}
