/**
 * NVLink throughput from the change of NVML's per-link data counters between two reads.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, isNA, type Maybe } from '../na.js';
import type { ThroughputInfo } from '../snapshot-types.js';
import { nvmlQuery } from './nvml-query.js';

/** One link's counters at one read. */
interface LinkReading {
  tx: Maybe<number>;
  rx: Maybe<number>;
  t: Maybe<number>;
}

/** Reads the TX and RX data counters of links `0..links-1` in one NVML call. */
function readCounters(handle: N.NvmlDeviceHandle, links: number): Map<number, LinkReading> {
  const requests: N.FieldRequest[] = [];
  for (let link = 0; link < links; link += 1) requests.push({ fieldId: N.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, scopeId: link });
  for (let link = 0; link < links; link += 1) requests.push({ fieldId: N.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, scopeId: link });
  const values = nvmlQuery(() => N.deviceGetFieldValues(handle, requests));
  const result = new Map<number, LinkReading>();
  for (let link = 0; link < links; link += 1) {
    const tx = isNA(values) ? undefined : values[link];
    const rx = isNA(values) ? undefined : values[links + link];
    result.set(link, { tx: tx?.value ?? NA, rx: rx?.value ?? NA, t: tx === undefined || isNA(tx.value) ? NA : tx.timestamp });
  }
  return result;
}

/**
 * Per-device NVLink counter state: each {@link NvlinkMeter.measure} returns the throughput since
 * the previous one (the first reads twice, 20 ms apart, as nvitop does).
 */
export class NvlinkMeter {
  private last: Map<number, LinkReading> | null = null;

  /** Per-link throughput in KiB/s over links `0..links-1` of `handle`. */
  measure(handle: N.NvmlDeviceHandle, links: number): ThroughputInfo[] {
    if (this.last === null) {
      this.last = readCounters(handle, links);
      const until = Date.now() + 20;
      while (Date.now() < until) {
        // The first call measures over 20 ms, as nvitop does.
      }
    }
    const previous = this.last;
    const current = readCounters(handle, links);
    this.last = current;
    const out: ThroughputInfo[] = [];
    for (let link = 0; link < links; link += 1) {
      const a = previous.get(link);
      const b = current.get(link);
      const rate = (x: Maybe<number> | undefined, y: Maybe<number> | undefined): Maybe<number> => {
        if (a === undefined || b === undefined || x === undefined || y === undefined || isNA(x) || isNA(y) || isNA(a.t) || isNA(b.t) || b.t <= a.t) return NA;
        return Math.round((1e6 * (y - x)) / (b.t - a.t));
      };
      out.push({ tx: rate(a?.tx, b?.tx), rx: rate(a?.rx, b?.rx) });
    }
    return out;
  }
}

/** Sum over links of `key` (NA when no link has a value). */
export function sumThroughput(links: readonly ThroughputInfo[], key: 'tx' | 'rx'): Maybe<number> {
  const values = links.map((link) => link[key]).filter((v): v is number => !isNA(v));
  return values.length === 0 ? NA : values.reduce((a, b) => a + b, 0);
}

/** Rounded mean over links of `key` (NA when no link has a value). */
export function meanThroughput(links: readonly ThroughputInfo[], key: 'tx' | 'rx'): Maybe<number> {
  const values = links.map((link) => link[key]).filter((v): v is number => !isNA(v));
  return values.length === 0 ? NA : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}
