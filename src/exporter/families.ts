/**
 * The prom-client gauges of nvitop-exporter in one registry, and how a sample fills them.
 *
 * Each collection replaces every label set of the dynamic families: a process, interface, disk
 * or mount point that is gone from the sample is gone from the next exposition (nvitop-exporter
 * removes vanished processes' label sets the same way).
 *
 * @module
 */
import type { Gauge, Registry } from 'prom-client';
import { promClient, type PromRegistry } from './prom.js';

import { orNaN, type host } from '../core/index.js';
import {
  ALLOCATION_INFO,
  ALLOCATION_LABELS,
  DEVICE_GAUGES,
  DEVICE_LABELS,
  DISK_IO_GAUGES,
  DISK_IO_LABELS,
  DISK_USAGE_GAUGES,
  DISK_USAGE_LABELS,
  HOST_GAUGES,
  HOST_LABELS,
  LINK_GAUGES,
  LINK_LABELS,
  NET_GAUGES,
  NET_LABELS,
  NVITOP_INFO,
  NVITOP_INFO_LABELS,
  PROCESS_GAUGES,
  PROCESS_INFO,
  PROCESS_INFO_LABELS,
  PROCESS_LABELS,
  WORKLOAD_LABELS,
  exposedName,
  type DeviceFacts,
  type GaugeSpec,
  type HostFacts,
  type LinkFacts,
  type ProcessFacts,
} from './metrics.js';
import type { ExporterSample } from './sample.js';

/** Static facts for `nvitop_info`. */
export interface NvitopInfo {
  /** Number of physical GPUs. */
  readonly deviceCount: number;
  /** Driver version (`'N/A'` when unknown). */
  readonly driverVersion: string;
  /** Highest CUDA version the driver supports (`'N/A'` when unknown). */
  readonly cudaDriverVersion: string;
}

type Labels = Record<string, string>;

interface Bound<S> {
  readonly spec: GaugeSpec<S>;
  readonly gauge: Gauge;
}

/**
 * The registered gauges. `collect` runs before any of them is read (prom-client calls it from
 * each gauge's `collect` hook); it is expected to call {@link ExporterFamilies.apply} when it
 * has a new sample.
 *
 * @example
 * ```ts
 * const families = new ExporterFamilies(registry, 'node-1', info, () => refresh());
 * families.apply(collectSample(devices));
 * ```
 */
export class ExporterFamilies {
  readonly #hostname: string;
  readonly #all: Array<{ readonly name: string; readonly gauge: Gauge }> = [];
  readonly #host: Bound<HostFacts>[];
  readonly #net: Bound<host.NetIoCounters>[];
  readonly #diskIo: Bound<host.DiskIoCounters>[];
  readonly #diskUsage: Bound<host.DiskUsage>[];
  readonly #device: Bound<DeviceFacts>[];
  readonly #link: Bound<LinkFacts>[];
  readonly #process: Bound<ProcessFacts>[];
  readonly #processInfo: Gauge;
  readonly #allocation: Gauge | undefined;
  readonly #info: Gauge;

  /**
   * `kubernetes` adds the {@link WORKLOAD_LABELS} to the process families and registers
   * `gpu_allocation_info`; without it the exposition is nvitop-exporter's, unchanged.
   */
  constructor(
    registry: PromRegistry,
    hostname: string,
    info: NvitopInfo,
    collect: () => void | Promise<void>,
    kubernetes = false,
  ) {
    this.#hostname = hostname;
    const make = (name: string, help: string, labelNames: readonly string[], withCollect = true): Gauge => {
      const gauge = new (promClient().Gauge)({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry as Registry],
        ...(withCollect ? { collect: () => collect() } : {}),
      });
      this.#all.push({ name, gauge });
      return gauge;
    };
    const bind = <S>(specs: readonly GaugeSpec<S>[], labels: readonly string[]): Bound<S>[] =>
      specs.map((spec) => ({ spec, gauge: make(exposedName(spec), spec.help, labels) }));

    this.#info = make(NVITOP_INFO.name, NVITOP_INFO.help, NVITOP_INFO_LABELS, false);
    this.#info.set(
      {
        hostname,
        device_count: String(info.deviceCount),
        driver_version: info.driverVersion,
        cuda_driver_version: info.cudaDriverVersion,
      },
      1,
    );
    this.#host = bind(HOST_GAUGES, HOST_LABELS);
    this.#net = bind(NET_GAUGES, NET_LABELS);
    this.#diskIo = bind(DISK_IO_GAUGES, DISK_IO_LABELS);
    this.#diskUsage = bind(DISK_USAGE_GAUGES, DISK_USAGE_LABELS);
    this.#device = bind(DEVICE_GAUGES, DEVICE_LABELS);
    this.#link = bind(LINK_GAUGES, LINK_LABELS);
    const workload = kubernetes ? WORKLOAD_LABELS : [];
    this.#processInfo = make(PROCESS_INFO.name, PROCESS_INFO.help, [...PROCESS_LABELS, ...workload, ...PROCESS_INFO_LABELS.slice(PROCESS_LABELS.length)]);
    this.#process = bind(PROCESS_GAUGES, [...PROCESS_LABELS, ...workload]);
    this.#allocation = kubernetes ? make(ALLOCATION_INFO.name, ALLOCATION_INFO.help, ALLOCATION_LABELS) : undefined;
  }

  /** Every gauge this object registered, with its name (to unregister them). */
  get gauges(): ReadonlyArray<{ readonly name: string; readonly gauge: Gauge }> {
    return this.#all;
  }

  /** Replaces every dynamic label set with the sample's values (NA → NaN). */
  apply(sample: ExporterSample): void {
    const hostname = this.#hostname;
    const fill = <S>(bound: readonly Bound<S>[], rows: Iterable<readonly [Labels, S]>): void => {
      for (const { gauge } of bound) gauge.reset();
      for (const [labels, source] of rows) {
        for (const { spec, gauge } of bound) gauge.set(labels, orNaN(spec.read(source)));
      }
    };
    fill(this.#host, [[{ hostname }, sample.host]]);
    fill(this.#net, [...sample.net].map(([iface, c]) => [{ hostname, interface: iface }, c] as const));
    fill(this.#diskIo, [...sample.diskIo].map(([partition, c]) => [{ hostname, partition }, c] as const));
    fill(this.#diskUsage, [...sample.diskUsage].map(([mountpoint, u]) => [{ hostname, mountpoint }, u] as const));

    const deviceRows = sample.devices.map((d) => [{ hostname, ...d.labels }, d.facts] as const);
    fill(this.#device, deviceRows);
    fill(
      this.#link,
      sample.devices.flatMap((d) => d.links.map((link, i) => [{ hostname, ...d.labels, link: String(i) }, link] as const)),
    );
    const processRows = sample.devices.flatMap((d) =>
      d.processes.map((p) => [{ hostname, ...d.labels, pid: String(p.pid), username: String(p.username), ...p.workload }, p] as const),
    );
    fill(this.#process, processRows);
    this.#processInfo.reset();
    for (const [labels, p] of processRows) {
      this.#processInfo.set({ ...labels, status: String(p.status), command: p.command }, 1);
    }
    if (this.#allocation !== undefined) {
      this.#allocation.reset();
      for (const d of sample.devices) {
        for (const a of d.allocations) {
          this.#allocation.set({ hostname, ...d.labels, ...d.dcgm, pod: a.pod, namespace: a.namespace, container: a.container, resource: a.resourceName }, 1);
        }
      }
    }
  }
}
