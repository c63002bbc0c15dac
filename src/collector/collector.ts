/**
 * `ResourceMetricCollector`: running statistics of host, GPU and GPU-process metrics under
 * nested tags, sampled in the background (nvitop's collector).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import { EventEmitter } from 'node:events';

import {
  Device,
  InvalidInputError,
  KubeletPodResources,
  StateError,
  isNA,
  kubeletPodResources,
  type DeviceFieldKey,
  type DeviceSnapshot,
  type GpuProcess,
} from '../core/index.js';
import { checkOptions } from '../core/options.js';
import { MetricBuffer, type CollectedMetrics, type Sample } from './buffer.js';
import { systemClock, type CollectorClock } from './clock.js';
import { DescendantFilter } from './descendants.js';
import { expandDevices } from './devices.js';
import { DEFAULT_DEVICE_FIELDS, containerScope, deviceMetrics, deviceScope, type DeviceMetric } from './keys.js';
import {
  ContainerTotals,
  addDeviceValues,
  addHostValues,
  addProcessValues,
  deviceKeys,
  failsafeSnapshots,
  processReadingFromSnapshot,
  readProcess,
  type HostReading,
} from './sampling.js';
import type { SnapshotResult } from './snapshots.js';
import { startBackground, type BackgroundCollection, type BackgroundOptions, type DetachedCollection, type OnCollect } from './background.js';
import { COLLECTOR_RULES, type CollectorEvents, type ResourceMetricCollectorOptions } from './collector-options.js';

export type { CollectorEvents, ResourceMetricCollectorOptions } from './collector-options.js';

interface Frame {
  buffer: MetricBuffer | null;
}

interface ScopedProcess {
  readonly process: GpuProcess;
  readonly scope: string;
}

const NOT_STARTED = 'Resource metric collector has not been started yet.';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Collects host, GPU and GPU-process metrics while tags are active and returns their running
 * statistics (nvitop's `ResourceMetricCollector`).
 *
 * - **Tags** nest: `activate('train')` then `activate('batch')` gives keys `train/batch/…`;
 *   `deactivate()` pops the innermost, `deactivate('train')` pops `train` and everything inside
 *   it. `context(tag, fn)` activates around a sync or async function (deactivating on throw).
 *   Contexts that run concurrently (`Promise.all`) are siblings, each with its own chain of tags
 *   (tracked with `AsyncLocalStorage`), so `collect()` inside each returns that context's metrics.
 *   On Node 20 an enabled `AsyncLocalStorage` makes every `await` in the process slower (about
 *   0.3 µs each), so it is enabled only while a `context()` runs; `activate()`/`deactivate()`
 *   never use it.
 * - **Keys** are nvitop's: `<tags>/<scope>/<metric (unit)>/<mean|min|max|last>` with scopes
 *   `host`, `gpu:N` (MIG: `gpu:(N, M)`, Python's tuple repr kept for compatibility),
 *   `cuda:C (gpu:N)`, `pid:P/host`, `pid:P/<device scope>`; plus `<tags>/duration (s)`,
 *   `<tags>/timestamp` and `<tags>/last_timestamp` (seconds since the epoch). The process
 *   running time is reported as `pid:P/host/running_time (min)` (its maximum) and `…/last`.
 *   See docs/metric-keys.md.
 * - **Statistics** are running aggregates (O(1) memory per metric): time-weighted trapezoidal
 *   mean, min, max, last; missing values are skipped (see `RunningStatistics`); a
 *   statistic without any value is {@link NA}.
 * - **Sampling** happens every `interval` seconds on an `unref()`ed timer while any tag is
 *   active (never keeping the process alive), and in `collect()` when the last sample is older
 *   than `interval / 2`. A sample never throws: failures become missing values and `'error'`
 *   events. NVML calls are synchronous; if a sample takes longer than half the interval, the
 *   next one waits at least as long as it took, so sampling never takes more than half of the
 *   thread's time.
 * - **Processes**: only GPU processes descending from `rootPids` (default: this process).
 *
 * @example
 * ```ts
 * import { ResourceMetricCollector, Device } from 'nvitop-node';
 *
 * const collector = new ResourceMetricCollector({ devices: Device.cuda.all(), interval: 1 });
 * await collector.context('train', async () => {
 *   for (let epoch = 0; epoch < 3; epoch += 1) {
 *     await trainOneEpoch();
 *     const metrics = collector.collect();
 *     console.log(metrics['train/cuda:0 (gpu:0)/gpu_utilization (%)/mean']);
 *   }
 * });
 * ```
 */
export class ResourceMetricCollector extends EventEmitter<CollectorEvents> {
  /** Seconds between background samples. */
  readonly interval: number;
  /** The devices given (or `Device.all()`). */
  readonly devices: readonly Device[];
  /** The devices and their MIG devices: every device whose metrics are recorded. */
  readonly allDevices: readonly Device[];
  /** The devices whose processes are listed (MIG devices where MIG is on). */
  readonly leafDevices: readonly Device[];
  /** The root PIDs whose descendant GPU processes are recorded. */
  readonly rootPids: ReadonlySet<number>;
  /** The clock the collector reads. */
  readonly clock: CollectorClock;

  readonly #filter: DescendantFilter;
  readonly #scopes: readonly string[];
  readonly #deviceMetrics: readonly DeviceMetric[];
  readonly #deviceFields: readonly DeviceFieldKey[];
  readonly #deviceKeys: readonly (readonly string[])[];
  readonly #leafScopes: ReadonlyMap<Device, string>;
  /** The kubelet that names containers, or false when containers are not recorded. */
  readonly #containers: false | KubeletPodResources;
  readonly #root: Frame = { buffer: null };
  #als: AsyncLocalStorage<Frame> | undefined;
  #contexts = 0;
  readonly #active = new Set<MetricBuffer>();
  #lastSampleTime = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #nextDueMs = 0;
  readonly #errorMemo = new Map<string, string>();

  /**
   * @throws {@link InvalidInputError} for an options argument that is not an object, an
   *   interval that is not a number > 0 (`null` included), devices that are not Device objects,
   *   or a root PID that is not a non-negative integer; {@link UnknownOptionError} for an
   *   unknown option.
   * @throws {@link NvmlLibraryNotFoundError} when `devices` is not given and NVML cannot be
   *   loaded.
   */
  constructor(options: ResourceMetricCollectorOptions = {}) {
    super();
    checkOptions('ResourceMetricCollector', options, COLLECTOR_RULES);
    this.interval = options.interval ?? 1;
    const rootPids = options.rootPids === undefined ? [process.pid] : [...options.rootPids];
    for (const pid of rootPids) {
      if (!Number.isSafeInteger(pid) || pid < 0) throw new InvalidInputError('root PID', pid, 'a non-negative integer process id');
    }
    this.#filter = new DescendantFilter(rootPids);
    this.rootPids = this.#filter.roots;
    this.clock = options.clock ?? systemClock;
    const given = options.devices;
    this.devices = given === undefined ? Device.all() : given instanceof Device ? [given] : [...given];
    const notDevice = this.devices.find((device) => !(device instanceof Device));
    if (notDevice !== undefined) throw new InvalidInputError('devices', notDevice, 'Device objects (from Device.all(), Device.cuda.all(), …)');
    const expanded = expandDevices(this.devices);
    this.allDevices = expanded.all;
    this.leafDevices = expanded.leaves;
    this.#scopes = this.allDevices.map((device) => deviceScope(device));
    this.#deviceMetrics = deviceMetrics([...(options.deviceFields ?? DEFAULT_DEVICE_FIELDS)]);
    this.#deviceFields = this.#deviceMetrics.map((metric) => metric.field);
    this.#deviceKeys = this.#scopes.map((scope) => deviceKeys(scope, this.#deviceMetrics));
    const leafScopes = new Map<Device, string>();
    for (const leaf of this.leafDevices) leafScopes.set(leaf, this.#scopes[this.allDevices.indexOf(leaf)] ?? deviceScope(leaf));
    this.#leafScopes = leafScopes;
    this.#containers = options.containers === true ? kubeletPodResources() : (options.containers ?? false);
  }

  // ------------------------------------------------------------------------------ tags

  /**
   * Starts a collection under `tag`, nested inside the current one (key prefix
   * `<outer>/<tag>`), and starts background sampling.
   *
   * @throws {@link StateError} when `tag` is already active in the current chain.
   *
   * @example
   * ```ts
   * collector.activate('train');  // key prefix 'train'
   * collector.activate('batch');  // key prefix 'train/batch'
   * collector.deactivate();       // back to 'train'
   * ```
   */
  activate(tag: string): this {
    if (typeof tag !== 'string' || tag.length === 0) throw new InvalidInputError('tag', tag, 'a non-empty string');
    const frame = this.#frame();
    const parent = activeTop(frame);
    for (let b = parent; b !== null; b = b.parent) {
      if (b.tag === tag) throw new StateError(`Resource metric collector is already started with tag "${tag}"`);
    }
    const buffer = new MetricBuffer(tag, parent, this.clock.monotonic(), this.clock.epoch());
    frame.buffer = buffer;
    this.#active.add(buffer);
    this.#lastSampleTime = Number.NEGATIVE_INFINITY; // the next collect() samples
    this.#ensureTimer();
    return this;
  }

  /**
   * Alias of {@link ResourceMetricCollector.activate} (nvitop's `start`).
   *
   * @example
   * ```ts
   * collector.start('train');
   * ```
   */
  start(tag: string): this {
    return this.activate(tag);
  }

  /**
   * Stops the collection `tag` (default: the innermost) and every collection inside it. Without
   * a tag and with nothing active, does nothing. Background sampling stops when no tag is left.
   *
   * @throws {@link StateError} when `tag` is not active in the current chain.
   *
   * @example
   * ```ts
   * collector.deactivate('train'); // also stops 'train/batch'
   * ```
   */
  deactivate(tag?: string): this {
    const frame = this.#frame();
    const top = activeTop(frame);
    if (top === null) {
      if (tag !== undefined) throw new StateError(NOT_STARTED);
      return this;
    }
    const target = this.#find(top, tag);
    this.#deactivateTree(target);
    frame.buffer = activeAncestor(target.parent);
    return this;
  }

  /**
   * Alias of {@link ResourceMetricCollector.deactivate} (nvitop's `stop`).
   *
   * @example
   * ```ts
   * collector.stop();
   * ```
   */
  stop(tag?: string): this {
    return this.deactivate(tag);
  }

  /**
   * Runs `fn` with `tag` active (nvitop's `with collector(tag=...)`) and deactivates it when
   * `fn` returns, throws, or (for an async `fn`) settles. Returns what `fn` returns.
   *
   * @example
   * ```ts
   * const loss = await collector.context('train', async () => {
   *   const result = await train();
   *   writer.write(collector.collect(), step);
   *   return result;
   * });
   * ```
   */
  context<T>(tag: string, fn: (collector: this) => Promise<T>): Promise<T>;
  /** Sync form of {@link ResourceMetricCollector.context}. */
  context<T>(tag: string, fn: (collector: this) => T): T;
  context<T>(tag: string, fn: (collector: this) => T | Promise<T>): T | Promise<T> {
    if (typeof fn !== 'function') throw new InvalidInputError('context function', fn, 'a function');
    const als = (this.#als ??= new AsyncLocalStorage<Frame>());
    const frame: Frame = { buffer: activeTop(this.#frame()) };
    this.#contexts += 1;
    let own: MetricBuffer | null = null;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      if (own !== null && own.active) this.#deactivateTree(own);
      // Node 20's AsyncLocalStorage slows every await in the process while enabled: keep it
      // enabled only while a context runs.
      this.#contexts -= 1;
      if (this.#contexts === 0) als.disable();
    };
    let result: T | Promise<T>;
    try {
      result = als.run(frame, () => {
        this.activate(tag);
        own = frame.buffer;
        return fn(this);
      });
    } catch (error) {
      end();
      throw error;
    }
    if (isPromiseLike(result)) return Promise.resolve(result).finally(end);
    end();
    return result;
  }

  /**
   * Restarts the statistics of `tag` (default: the innermost) and of every collection inside
   * it: durations and means start again now.
   *
   * @throws {@link StateError} when `tag` is not active in the current chain.
   *
   * @example
   * ```ts
   * collector.clear();        // the innermost tag starts over
   * collector.clear('train'); // 'train' and 'train/batch' start over
   * ```
   */
  clear(tag?: string): void {
    const top = activeTop(this.#frame());
    if (top === null) {
      if (tag !== undefined) throw new StateError(NOT_STARTED);
      return;
    }
    const target = this.#find(top, tag);
    const now = this.clock.monotonic();
    const epoch = this.clock.epoch();
    for (const buffer of this.#active) if (isWithin(buffer, target)) buffer.clear(now, epoch);
  }

  /**
   * Alias of {@link ResourceMetricCollector.clear} (nvitop's `reset`).
   *
   * @example
   * ```ts
   * collector.reset('train');
   * ```
   */
  reset(tag?: string): void {
    this.clear(tag);
  }

  /** The active tags of the current chain, outermost first. */
  get activeTags(): string[] {
    const tags: string[] = [];
    for (let b = activeTop(this.#frame()); b !== null; b = b.parent) tags.unshift(b.tag);
    return tags;
  }

  /** Whether background sampling is running (some tag is active). */
  get sampling(): boolean {
    return this.#timer !== null;
  }

  // ------------------------------------------------------------------------------ collecting

  /**
   * The statistics of the innermost active tag since it was activated (or cleared), taking a
   * fresh sample first when the last one is older than `interval / 2`.
   *
   * @throws {@link StateError} when no tag is active.
   *
   * @example
   * ```ts
   * collector.activate('train');
   * const metrics = collector.collect();
   * metrics['train/host/cpu_percent (%)/mean'];
   * metrics['train/duration (s)'];
   * ```
   */
  collect(): CollectedMetrics {
    const buffer = activeTop(this.#frame());
    if (buffer === null) throw new StateError(NOT_STARTED);
    return this.#collectBuffer(buffer);
  }

  /**
   * Takes one sample with full snapshots (nvitop's `ResourceMetricCollector.take_snapshots`):
   * adds host, device and process metrics to every active tag and returns the device and
   * (filtered) GPU-process snapshots.
   *
   * @example
   * ```ts
   * const { devices, gpuProcesses } = collector.takeSnapshots();
   * ```
   */
  takeSnapshots(): SnapshotResult {
    const processes = this.#processes();
    const time = this.clock.monotonic();
    const epoch = this.clock.epoch();
    const values = new Map<string, number>();
    const devices: DeviceSnapshot[] = [];
    this.#guard('host', () => addHostValues(values));
    this.allDevices.forEach((device, i) => {
      const keys = this.#deviceKeys[i] as readonly string[];
      const scope = this.#scopes[i] as string;
      const snapshot = this.#guard(scope, () => device.asSnapshot());
      if (snapshot !== undefined) devices.push(snapshot);
      addDeviceValues(values, keys, this.#deviceMetrics, snapshot ?? null);
    });
    const snapshots = this.#guard('processes', () => failsafeSnapshots(processes.map((p) => p.process), this.#containers)) ?? [];
    const containers = this.#containers === false ? null : new ContainerTotals();
    snapshots.forEach((snapshot, i) => {
      const scope = (processes[i] as ScopedProcess).scope;
      const reading = processReadingFromSnapshot(snapshot);
      addProcessValues(values, snapshot.pid, scope, reading);
      const container = containers === null || isNA(snapshot.container) ? null : containerScope(snapshot.container);
      if (container !== null) containers?.add(container, scope, reading);
    });
    containers?.addTo(values);
    this.#record({ time, epoch, values });
    return { devices, gpuProcesses: snapshots };
  }

  /**
   * Runs `onCollect(metrics)` every `interval` seconds in the background under its own tag
   * (default `'metrics-daemon'`), as {@link collectInBackground} with this collector.
   *
   * @example
   * ```ts
   * const daemon = collector.daemonize((metrics) => sink.write(metrics), { interval: 5, onStop: () => sink.close() });
   * // ... later
   * await daemon.stop();
   * ```
   */
  daemonize(onCollect: OnCollect, options: BackgroundOptions<ResourceMetricCollector> = {}): BackgroundCollection<ResourceMetricCollector> {
    return startBackground<ResourceMetricCollector>(onCollect, this, (tag) => this.#detached(tag), this.interval, options);
  }

  // ------------------------------------------------------------------------------ internals for the background loop

  /** A top-level collection under `tag` that belongs to no chain (a background loop's). */
  #detached(tag: string): DetachedCollection {
    let buffer: MetricBuffer | undefined;
    const opened = (): MetricBuffer => {
      if (buffer === undefined) throw new StateError(NOT_STARTED);
      return buffer;
    };
    return {
      open: () => {
        buffer = new MetricBuffer(tag, null, this.clock.monotonic(), this.clock.epoch());
        this.#active.add(buffer);
        this.#lastSampleTime = Number.NEGATIVE_INFINITY;
        this.#ensureTimer();
      },
      collect: () => this.#collectBuffer(opened()),
      clear: () => opened().clear(this.clock.monotonic(), this.clock.epoch()),
      close: () => {
        if (buffer?.active === true) this.#deactivateTree(buffer);
      },
      // node:events throws an 'error' event that has no listener: a report nobody listens to is dropped.
      reportError: (error) => {
        if (this.listenerCount('error') > 0) this.emit('error', error, 'background');
      },
    };
  }

  /** `collect()` for a given collection. */
  #collectBuffer(buffer: MetricBuffer): CollectedMetrics {
    if (!buffer.active) throw new StateError(NOT_STARTED);
    if (this.clock.monotonic() - this.#lastSampleTime > this.interval / 2) this.sample();
    const metrics = buffer.collect(this.clock.monotonic(), this.clock.epoch());
    if (this.listenerCount('collect') > 0) this.#emit('collect', metrics, buffer.prefix);
    return metrics;
  }

  /**
   * Takes one lean sample (only the recorded values) and adds it to every active collection.
   * Never throws. @internal
   */
  sample(): Sample {
    const processes = this.#processes();
    const time = this.clock.monotonic();
    const epoch = this.clock.epoch();
    const values = new Map<string, number>();
    this.#guard('host', () => addHostValues(values));
    for (let i = 0; i < this.allDevices.length; i += 1) {
      const device = this.allDevices[i] as Device;
      const reading = this.#guard(this.#scopes[i] as string, () => device.read(this.#deviceFields));
      addDeviceValues(values, this.#deviceKeys[i] as readonly string[], this.#deviceMetrics, reading ?? null);
    }
    this.#guard('processes', () => {
      const hostCache = new Map<number, HostReading>();
      const kubelet = this.#containers;
      if (kubelet === false) {
        for (const { process, scope } of processes) addProcessValues(values, process.pid, scope, readProcess(process, hostCache));
        return;
      }
      const containers = new ContainerTotals();
      for (const { process, scope } of processes) {
        const reading = readProcess(process, hostCache);
        addProcessValues(values, process.pid, scope, reading);
        const container = this.#containerOf(process, kubelet);
        if (container !== null) containers.add(container, scope, reading);
      }
      containers.addTo(values);
    });
    const sample: Sample = { time, epoch, values };
    this.#record(sample);
    return sample;
  }

  // ------------------------------------------------------------------------------ private

  #frame(): Frame {
    return this.#als?.getStore() ?? this.#root;
  }

  #find(top: MetricBuffer, tag: string | undefined): MetricBuffer {
    if (tag === undefined) return top;
    for (let b: MetricBuffer | null = top; b !== null; b = b.parent) if (b.tag === tag) return b;
    throw new StateError(`Resource metric collector has not been started with tag "${tag}".`);
  }

  #deactivateTree(target: MetricBuffer): void {
    for (const buffer of this.#active) {
      if (isWithin(buffer, target)) {
        buffer.active = false;
        this.#active.delete(buffer);
      }
    }
    if (this.#active.size === 0) this.#stopTimer();
  }

  #processes(): ScopedProcess[] {
    const listed: ScopedProcess[] = [];
    for (const [leaf, scope] of this.#leafScopes) {
      this.#guard(`${scope}/processes`, () => {
        for (const process of leaf.processes().values()) listed.push({ process, scope });
      });
    }
    return this.#guard('processes', () => this.#filter.filter(listed)) ?? [];
  }

  /** The container scope of a process, or null (outside any, or its cgroup cannot be read). */
  #containerOf(process: GpuProcess, kubelet: KubeletPodResources): string | null {
    try {
      return containerScope(process.container(kubelet));
    } catch {
      return null; // gone, or its cgroup unreadable: its own keys say NaN already
    }
  }

  #record(sample: Sample): void {
    if (this.#active.size === 0) return;
    for (const buffer of this.#active) buffer.add(sample);
    this.#lastSampleTime = sample.time;
    if (this.listenerCount('sample') > 0) this.#emit('sample', sample);
  }

  /** Runs `fn`; a thrown error is reported once per scope (until `fn` succeeds again). */
  #guard<T>(scope: string, fn: () => T): T | undefined {
    try {
      const result = fn();
      if (this.#errorMemo.size > 0) this.#errorMemo.delete(scope);
      return result;
    } catch (error) {
      this.#report(scope, error);
      return undefined;
    }
  }

  #report(scope: string, error: unknown): void {
    const err = toError(error);
    const message = `${err.name}: ${err.message}`;
    if (this.#errorMemo.get(scope) === message) return;
    this.#errorMemo.set(scope, message);
    this.#emit('error', err, scope);
  }

  /** Emits without letting a listener's exception escape into a timer or a sample. */
  #emit<K extends keyof CollectorEvents>(event: K, ...args: CollectorEvents[K]): void {
    // node:events throws an 'error' that nobody listens to; the collector's errors are reports.
    if (this.listenerCount(event) === 0) return;
    try {
      (this.emit as (event: K, ...args: CollectorEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      process.emitWarning(`a ResourceMetricCollector '${event}' listener threw: ${String(error)}`, 'NvitopWarning');
    }
  }

  #ensureTimer(): void {
    if (this.#timer !== null) return;
    this.#nextDueMs = performance.now() + this.interval * 1000;
    this.#schedule(this.interval * 1000);
  }

  #schedule(delayMs: number): void {
    const timer = setTimeout(() => this.#tick(), Math.max(0, delayMs));
    timer.unref();
    this.#timer = timer;
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.#timer = null;
    if (this.#active.size === 0) return;
    const started = performance.now();
    try {
      if (this.clock.monotonic() - this.#lastSampleTime > this.interval / 2) this.sample();
    } catch (error) {
      this.#report('timer', error);
    }
    if (this.#active.size === 0 || this.#timer !== null) return;
    const intervalMs = this.interval * 1000;
    const now = performance.now();
    const took = now - started;
    this.#nextDueMs += intervalMs;
    if (this.#nextDueMs < now) this.#nextDueMs += Math.ceil((now - this.#nextDueMs) / intervalMs) * intervalMs;
    this.#schedule(Math.max(this.#nextDueMs - now, took));
  }
}

/** The innermost active buffer of a frame (its buffer, or the nearest active ancestor). */
function activeTop(frame: Frame): MetricBuffer | null {
  return activeAncestor(frame.buffer);
}

function activeAncestor(buffer: MetricBuffer | null): MetricBuffer | null {
  let b = buffer;
  while (b !== null && !b.active) b = b.parent;
  return b;
}

/** Whether `buffer` is `ancestor` or lies inside it. */
function isWithin(buffer: MetricBuffer, ancestor: MetricBuffer): boolean {
  for (let b: MetricBuffer | null = buffer; b !== null; b = b.parent) if (b === ancestor) return true;
  return false;
}

