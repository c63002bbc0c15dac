/**
 * nvitop's `add_scalar_dict` helper.
 *
 * @module
 */

import { isNA } from '../../core/na.js';
import { metricEntries } from '../row.js';
import type { Metrics } from '../sink.js';

/**
 * Anything with tensorboardX's `addScalar(tag, value, step, walltime)` (our `SummaryWriter`, or yours).
 *
 * @example
 * ```ts
 * const printer: ScalarWriter = { addScalar: (tag, value, step) => console.log(step, tag, value) };
 * addScalarDict(printer, 'resources', { 'host/cpu_percent (%)/mean': 12.5 }, 1);
 * ```
 */
export interface ScalarWriter {
  /** Adds one scalar; `walltime` in seconds since the epoch. */
  addScalar(tag: string, value: number, step?: number, walltime?: number): unknown;
}

/**
 * Adds every metric as the scalar `${mainTag}/${key}` (nvitop's `add_scalar_dict`). `NA`
 * values are skipped; `walltime` is in seconds since the epoch.
 *
 * @example
 * ```ts
 * const writer = new SummaryWriter('runs/exp1');
 * addScalarDict(writer, 'resources', collector.collect(), step); // tags 'resources/train/...'
 * ```
 */
export function addScalarDict(
  writer: ScalarWriter,
  mainTag: string,
  metrics: Metrics,
  step?: number,
  walltime?: number,
): void {
  for (const [key, value] of metricEntries(metrics)) {
    if (!isNA(value)) writer.addScalar(`${mainTag}/${key}`, value, step, walltime);
  }
}
