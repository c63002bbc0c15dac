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
import { ExporterFamilies, type NvitopInfo } from './families.js';
import { ExpositionWriter } from './exposition.js';
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

/**
 * Families that write their own exposition text (what {@link startMetricsServer} serves before
 * its registry's metrics, with the `source` option).
 */
export interface ExpositionSource {
  /** The names of the families, in the order they are written. */
  readonly familyNames: readonly string[];
  /**
   * Collects unless the last collection is younger than the interval, then resolves with the
   * text of every family (or of the families named that it has), in the Prometheus text format:
   * blocks separated by an empty line, ending with a newline; `''` when none is named.
   */
  exposition(names?: readonly string[]): Promise<string>;
}

/** A running exporter: its registry, devices and collection state. */
export interface Exporter<R extends PromRegistry = PromRegistry> extends ExpositionSource {
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

  const source = createExpositionSource({ devices, interval, hostname, kubernetes: options.kubernetes });

  // The gauges are filled from a sample when the registry reads them (their collect hook), once
  // per sample: a program that serves exposition() instead never pays for them.
  let applied: ExporterSample | undefined;
  const families: ExporterFamilies = new ExporterFamilies(
    registry,
    hostname,
    source.info,
    async () => {
      const sample = await source.sample();
      if (sample !== applied) {
        families.apply(sample);
        applied = sample;
      }
    },
    source.podResources !== undefined,
  );
  return {
    registry,
    devices,
    hostname,
    interval,
    get collections() {
      return source.collections;
    },
    podResources: source.podResources,
    familyNames: source.familyNames,
    exposition: (names) => source.exposition(names),
    refresh: () => source.sample().then(() => undefined),
    close: () => {
      for (const { name, gauge } of families.gauges) {
        if (registry.getSingleMetric(name) === gauge) registry.removeSingleMetric(name);
      }
    },
  };
}

/** Options of {@link createExpositionSource}: {@link ExporterOptions} without the registry. */
export interface ExpositionSourceOptions {
  /** The devices, checked by the caller. */
  readonly devices: readonly Device[];
  /** Minimum seconds between collections. */
  readonly interval: number;
  /** The `hostname` label value. */
  readonly hostname: string;
  /** As {@link ExporterOptions.kubernetes}. */
  readonly kubernetes?: boolean | KubeletPodResources | undefined;
}

/** The collections of an exporter and the text written from them, without a registry. */
export interface ExporterSampleSource extends ExpositionSource {
  /** The facts of `nvitop_info`. */
  readonly info: NvitopInfo;
  /** The kubelet source of the workload labels (undefined without `kubernetes`). */
  readonly podResources: KubeletPodResources | undefined;
  /** Number of collections so far. */
  readonly collections: number;
  /** The latest sample, collected now when the last one is older than the interval. */
  sample(): Promise<ExporterSample>;
}

/**
 * The collections of nvitop-exporter (at most one per interval, shared by concurrent readers)
 * and the exposition text written directly from each sample: what `createExporter` fills its
 * gauges from, and what the `nvitop-exporter` command serves without registering gauges.
 *
 * @example
 * ```ts
 * const source = createExpositionSource({ devices: exportableDevices(), interval: 1, hostname: 'node-1' });
 * const text = await source.exposition();
 * ```
 */
export function createExpositionSource(options: ExpositionSourceOptions): ExporterSampleSource {
  const { devices, interval, hostname } = options;
  const info = {
    deviceCount: Device.count(),
    driverVersion: String(Device.driverVersion()),
    cudaDriverVersion: String(Device.cudaDriverVersion()),
  };
  const kubelet =
    options.kubernetes === undefined || options.kubernetes === false
      ? undefined
      : options.kubernetes === true
        ? new KubeletPodResources({ maxAgeMs: Math.max(5000, interval * 1000) })
        : options.kubernetes;
  kubelet?.current(); // starts the first fetch unless one is fresh or under way

  const flight = new SingleFlight<ExporterSample>(() => collectSample(devices, kubelet), interval * 1000);
  const writer = new ExpositionWriter(hostname, info, kubelet !== undefined);
  const familyNames = writer.names;
  return {
    info,
    podResources: kubelet,
    familyNames,
    get collections() {
      return flight.loads;
    },
    sample: () => flight.get(),
    exposition: async (names) => {
      const sample = await flight.get();
      if (names === undefined) return writer.text(sample);
      const blocks = [...new Set(names)].flatMap((name) => writer.family(sample, name) ?? []);
      return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
    },
  };
}
