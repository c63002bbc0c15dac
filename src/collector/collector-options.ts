/**
 * The options and events of {@link ResourceMetricCollector}, and the rules its constructor
 * checks the options against.
 *
 * @module
 */
import { Device, KubeletPodResources, type DeviceFieldKey, type kubeletPodResources } from '../core/index.js';
import { is } from '../core/options.js';
import type { CollectedMetrics, Sample } from './buffer.js';
import type { CollectorClock } from './clock.js';
import type { ResourceMetricCollector } from './collector.js';
import type { containerScope } from './keys.js';

/**
 * Options of {@link ResourceMetricCollector}.
 *
 * @example
 * ```ts
 * const options: ResourceMetricCollectorOptions = { devices: Device.cuda.all(), rootPids: [1], interval: 2 };
 * ```
 */
export interface ResourceMetricCollectorOptions {
  /**
   * The devices to record (physical, MIG or CUDA devices); MIG devices of MIG-enabled GPUs are
   * added. Default: `Device.all()`.
   */
  readonly devices?: Device | Iterable<Device>;
  /**
   * Only GPU processes descending from these PIDs are recorded. Default: this process
   * (`[process.pid]`). `[1]` records every GPU process; `[]` none.
   */
  readonly rootPids?: Iterable<number>;
  /** Seconds between background samples (> 0). Default 1. */
  readonly interval?: number;
  /**
   * Where times come from (monotonic and wall clock, in seconds). For tests and for replaying
   * recorded samples; the background timer itself always runs on real time.
   */
  readonly clock?: CollectorClock;
  /**
   * The device fields to record (keys of `DeviceSnapshot` whose value is a number with a unit).
   * Default: nvitop's nine, `['memoryUsed', 'memoryFree', 'memoryTotal', 'memoryPercent',
   * 'gpuUtilization', 'memoryUtilization', 'fanSpeed', 'temperature', 'powerUsage']`. Each is
   * recorded as `<scope>/<snake_case name> (<unit>)`, e.g. `'encoderUtilization'` as
   * `gpu:0/encoder_utilization (%)`.
   */
  readonly deviceFields?: readonly DeviceFieldKey[];
  /**
   * Also record the GPU metrics of each container, Kubernetes pod or Slurm job that holds recorded
   * processes (off by default: no cgroup read, no kubelet call): the sums over its processes per
   * device, `container:<namespace>/<pod>/<container>/<device scope>/gpu_memory (MiB)` and
   * `gpu_memory_percent (%)`, `gpu_memory_utilization (%)`, `gpu_sm_utilization (%)` (see
   * {@link containerScope} for containers the kubelet does not name). `true` joins the cgroups
   * with the shared {@link kubeletPodResources} (cached, never waited for; `await
   * kubeletPodResources().fetch()` first to have names in the first sample); a
   * {@link KubeletPodResources} uses that one. Only processes the collector records are counted:
   * `rootPids: [1]` for every container on the machine.
   */
  readonly containers?: boolean | KubeletPodResources;
}

/**
 * Events of {@link ResourceMetricCollector} (a `node:events` EventEmitter). An `'error'` with no
 * listener is dropped, not thrown: a sample never throws.
 *
 * @example
 * ```ts
 * collector.on('error', (error, scope) => console.warn(`collector: ${scope}: ${error.message}`));
 * collector.on('sample', (sample) => console.log(sample.values.get('host/cpu_percent (%)')));
 * ```
 */
export interface CollectorEvents {
  /**
   * A part of a sample failed (`scope` is `host`, `processes`, a device scope such as `gpu:0`,
   * `gpu:0/processes`, `timer`, or `background` for a background loop's callback); its values are recorded as missing. Emitted once per scope while the
   * same error repeats. Failed NVML queries are not errors: they give NA values.
   */
  error: [error: Error, scope: string];
  /** A sample was taken and added to the active tags. */
  sample: [sample: Sample];
  /** `collect()` returned metrics (the innermost tag's key prefix is given). */
  collect: [metrics: CollectedMetrics, prefix: string];
}

/** The option rules of the collector (see `checkOptions`). */
export const COLLECTOR_RULES = {
  devices: is.anyOf(is.instance(Device, 'a Device'), is.iterable),
  rootPids: is.iterable,
  interval: is.number({ above: 0, unit: 'seconds' }),
  deviceFields: is.iterable,
  containers: is.anyOf(is.boolean, is.instance(KubeletPodResources, 'a KubeletPodResources')),
  clock: is.custom('an object with monotonic() and epoch() methods', (v) => {
    const clock = v as Partial<CollectorClock> | null;
    return typeof clock === 'object' && clock !== null && typeof clock.monotonic === 'function' && typeof clock.epoch === 'function';
  }),
};
