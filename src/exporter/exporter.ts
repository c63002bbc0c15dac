/**
 * `createExporter()`: nvitop-exporter's metrics in a prom-client registry, collected when the
 * registry is read (at scrape time), at most once per `interval`, one collection shared by
 * concurrent scrapes.
 *
 * @module
 */
import { promClient, type PromRegistry } from './prom.js';

import { Device, InvalidInputError, KubeletPodResources } from '../core/index.js';
import { checkOptions, is } from '../core/options.js';
import { ExporterFamilies } from './families.js';
import { guessIpAddress } from './ip-address.js';
import { checkExportable, collectSample, exportableDevices, type ExporterSample } from './sample.js';
import { SingleFlight } from './single-flight.js';

/** Options of {@link createExporter}. */
export interface ExporterOptions<R extends PromRegistry = PromRegistry> {
  /**
   * Where to register the metrics (default: the global `register` of the application's
   * prom-client, 14 or 15).
   */
  readonly registry?: R;
  /** Devices to export (default: every GPU followed by its MIG devices). */
  readonly devices?: readonly Device[];
  /**
   * Minimum seconds between two collections (default 1.0): scrapes within this time of the last
   * collection get its values. `0` collects on every scrape (concurrent scrapes still share one).
   */
  readonly interval?: number;
  /** Value of the `hostname` label (default: this machine's IP address, see `guessIpAddress`). */
  readonly hostname?: string;
  /**
   * Kubernetes workload labels (default off): `true` (or a {@link KubeletPodResources} to use)
   * adds `pod`, `namespace` and `container` labels to the process series, from each process's
   * cgroup joined with the kubelet's pod-resources API, and the `gpu_allocation_info` series
   * (one per GPU and container the kubelet allocated it to). The kubelet is asked in the
   * background, never during a scrape.
   */
  readonly kubernetes?: boolean | KubeletPodResources;
}

/** A running exporter: its registry, devices and collection state. */
export interface Exporter<R extends PromRegistry = PromRegistry> {
  /** The registry the metrics live in. */
  readonly registry: R;
  /** The exported devices, in order. */
  readonly devices: readonly Device[];
  /** The `hostname` label value. */
  readonly hostname: string;
  /** Minimum seconds between collections. */
  readonly interval: number;
  /** Number of collections so far. */
  readonly collections: number;
  /** The kubelet source of the workload labels (undefined without `kubernetes`). */
  readonly podResources: KubeletPodResources | undefined;
  /**
   * Collects now unless the last collection is younger than `interval` (or one is running), and
   * resolves once the metrics show it.
   */
  refresh(): Promise<void>;
  /** Removes this exporter's metrics from the registry. */
  close(): void;
}

const EXPORTER_RULES = {
  registry: is.custom('a prom-client Registry', (v) => {
    const registry = v as { registerMetric?: unknown; metrics?: unknown } | null;
    return typeof registry === 'object' && registry !== null && typeof registry.registerMetric === 'function' && typeof registry.metrics === 'function';
  }),
  devices: is.iterable,
  interval: is.number({ min: 0, unit: 'seconds' }),
  hostname: is.string(),
  kubernetes: is.custom('true, false or a KubeletPodResources', (v) => typeof v === 'boolean' || v instanceof KubeletPodResources),
};

/**
 * Registers nvitop-exporter's metrics (same names, units, labels and help texts) in `registry`.
 * Values are read from NVML and /proc when the registry is scraped, at most once per
 * `interval`; label sets of processes that exited are dropped at the next collection.
 *
 * @throws {@link NvmlLibraryNotFoundError} (or another {@link NvmlError}) when NVML cannot be
 *   used and `devices` is not given; {@link InvalidInputError} for a bad interval or device;
 *   {@link UnknownOptionError} for an unknown option.
 * @example
 * ```ts
 * import express from 'express';
 * import { Registry } from 'prom-client';
 * import { createExporter } from 'nvitop-node';
 *
 * const registry = new Registry();
 * createExporter({ registry, interval: 2 });
 * app.get('/metrics', async (_req, res) => {
 *   res.set('Content-Type', registry.contentType).send(await registry.metrics());
 * });
 * ```
 */
export function createExporter<R extends PromRegistry = PromRegistry>(options: ExporterOptions<R> = {}): Exporter<R> {
  checkOptions('createExporter', options, EXPORTER_RULES);
  const registry = options.registry ?? (promClient().register as unknown as R);
  const interval = options.interval ?? 1.0;
  const devices = [...(options.devices ?? exportableDevices())];
  checkExportable(devices);
  const hostname = options.hostname ?? guessIpAddress();

  const driverVersion = Device.driverVersion();
  const cudaDriverVersion = Device.cudaDriverVersion();
  const info = { deviceCount: Device.count(), driverVersion: String(driverVersion), cudaDriverVersion: String(cudaDriverVersion) };

  const kubelet =
    options.kubernetes === undefined || options.kubernetes === false
      ? undefined
      : options.kubernetes === true
        ? new KubeletPodResources({ maxAgeMs: Math.max(5000, interval * 1000) })
        : options.kubernetes;
  kubelet?.current(); // starts the first fetch unless one is fresh or under way

  let families: ExporterFamilies | undefined;
  const flight = new SingleFlight<ExporterSample>(() => {
    const sample = collectSample(devices, kubelet);
    families?.apply(sample);
    return sample;
  }, interval * 1000);
  families = new ExporterFamilies(
    registry,
    hostname,
    info,
    async () => {
      await flight.get();
    },
    kubelet !== undefined,
  );
  const registered = families;

  return {
    registry,
    devices,
    hostname,
    interval,
    get collections() {
      return flight.loads;
    },
    podResources: kubelet,
    refresh: () => flight.get().then(() => undefined),
    close: () => {
      for (const { name, gauge } of registered.gauges) {
        if (registry.getSingleMetric(name) === gauge) registry.removeSingleMetric(name);
      }
    },
  };
}
