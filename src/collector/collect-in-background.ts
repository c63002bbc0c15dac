/**
 * `collectInBackground()`: nvitop's `collect_in_background`, over a given or a default collector.
 *
 * @module
 */
import { InvalidInputError } from '../core/index.js';
import { checkOptions } from '../core/options.js';
import { BACKGROUND_RULES, type BackgroundCollection, type BackgroundOptions, type OnCollect } from './background.js';
import { ResourceMetricCollector } from './collector.js';

/**
 * Calls `onCollect(metrics)` every `interval` seconds in the background until it returns
 * `false` or the returned handle's `stop()` is called (nvitop's `collect_in_background`). The
 * metrics are the collector's under the tag `options.tag` (default `'metrics-daemon'`), a
 * top-level tag of its own, independent of the tags the program activates. The first call comes
 * at once; later calls keep a fixed cadence (missed ticks are skipped, never bunched).
 *
 * The loop runs on `unref()`ed timers: it never keeps the process alive, and when the program
 * ends the loop simply ends with it (`onStop` does not run at exit; the sinks in this package
 * flush their buffers at exit on their own).
 *
 * Differences from nvitop: only an explicit `false` stops the loop (a function that returns
 * nothing keeps going), and the interval is used as given (nvitop caps it at the collector's).
 *
 * @param collector - default: a new collector of every device and this process's descendants.
 * @throws {@link InvalidInputError} for an `onCollect` that is not a function, options that are
 *   not an object, an interval that is not a number > 0, or a collector that is not one;
 *   {@link UnknownOptionError} for an unknown option.
 *
 * @example
 * ```ts
 * import { collectInBackground, ResourceMetricCollector, Device, JsonlLogger } from 'nvitop-node';
 *
 * const sink = new JsonlLogger('gpu.jsonl');
 * const handle = collectInBackground(
 *   (metrics) => { sink.write(metrics); },
 *   new ResourceMetricCollector({ devices: Device.cuda.all() }),
 *   { interval: 5, onStop: () => sink.close() },
 * );
 * // ... training ...
 * await handle.stop();
 * ```
 */
export function collectInBackground(
  onCollect: OnCollect,
  collector?: ResourceMetricCollector,
  options: BackgroundOptions<ResourceMetricCollector> = {},
): BackgroundCollection<ResourceMetricCollector> {
  if (typeof onCollect !== 'function') throw new InvalidInputError('onCollect', onCollect, 'a function');
  checkOptions('collectInBackground', options, BACKGROUND_RULES); // before a default collector asks NVML
  if (collector !== undefined && !(collector instanceof ResourceMetricCollector)) {
    throw new InvalidInputError('collector', collector, 'a ResourceMetricCollector (or nothing for a default one)');
  }
  return (collector ?? new ResourceMetricCollector()).daemonize(onCollect, options);
}
