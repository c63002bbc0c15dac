/**
 * What {@link Device.asSnapshot} includes, and the text forms its fields share with the queries.
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';
import { bytes2human } from '../units.js';
import type { Device } from './device.js';

/**
 * Groups of queries that {@link Device.asSnapshot} can leave out (all are included by default):
 * `pcie` (PCIe throughput), `clocks` (SM and memory clocks), `otherClocks` (graphics and video
 * clocks), `maxClocks`, `encoderDecoder`, `bar1` (BAR1 memory),
 * `serial`, `sensors` (fan, temperature, power), `modes` (display, persistence, performance
 * state, ECC, compute mode), `displayMode`, `driverModel`, `computeCapability`.
 */
export type SnapshotGroup =
  | 'pcie'
  | 'clocks'
  | 'otherClocks'
  | 'maxClocks'
  | 'encoderDecoder'
  | 'bar1'
  | 'serial'
  | 'sensors'
  | 'modes'
  | 'displayMode'
  | 'driverModel'
  | 'computeCapability';

/** Options of {@link Device.asSnapshot}. */
export interface SnapshotOptions {
  /** Set a group to `false` to leave its queries out (their fields are NA). */
  readonly include?: Partial<Record<SnapshotGroup, boolean>>;
}

/** `'66W / 250W'` from milliwatts (rounded watts, `N/A` parts where unknown). */
export function powerStatusOf(usage: Maybe<number>, limit: Maybe<number>): string {
  const watts = (value: Maybe<number>) => (isNA(value) ? 'N/A' : `${Math.round(value / 1000)}W`);
  return `${watts(usage)} / ${watts(limit)}`;
}

/** KiB/s as human text (`'1000KiB/s'`), NA when unknown. */
export function throughputHuman(value: Maybe<number>): Maybe<string> {
  const human = bytes2human(isNA(value) ? NA : value * 1024);
  return isNA(human) ? NA : `${human}/s`;
}
