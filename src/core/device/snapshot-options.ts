/**
 * The text forms the snapshot's fields share with the queries (power status, throughput).
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';
import { bytes2human } from '../units.js';

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
