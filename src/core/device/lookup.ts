/**
 * Matching device identifiers: UUID prefixes and PCI bus ids.
 *
 * @module
 */
import { isNA, type Maybe } from '../na.js';
import { InvalidInputError } from '../errors.js';

/** Whether `full` is `wanted` or starts with it (`GPU-`/`MIG-` prefixes may be left out). */
export function uuidMatches(full: Maybe<string>, wanted: string, isMig: boolean): boolean {
  if (isNA(full) || wanted.length === 0) return false;
  if (full === wanted || full.startsWith(wanted)) return true;
  if (/^GPU-/i.test(wanted) && isMig) return false;
  if (/^MIG-/i.test(wanted) && !isMig) return false;
  const bare = (text: string) => text.replace(/^MIG-/i, '').replace(/^GPU-/i, '').toLowerCase();
  return bare(wanted).length > 0 && bare(full).startsWith(bare(wanted));
}

/** Normalises a PCI bus id to NVML's `%08X:%02X:%02X.0` form. */
export function normalizeBusId(busId: string): string {
  const match = /^(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i.exec(busId.trim());
  if (match === null) throw new InvalidInputError('PCI bus id', busId, 'a bus id such as 00000000:01:00.0 or 01:00.0');
  const [, domain = '0', bus = '0', device = '0', fn = '0'] = match;
  return `${domain.toUpperCase().padStart(8, '0')}:${bus.toUpperCase().padStart(2, '0')}:${device.toUpperCase().padStart(2, '0')}.${fn}`;
}
