/**
 * `GpuMetrics`: NVIDIA GPU instruments for an OpenTelemetry `MeterProvider`, in the shape of
 * `@opentelemetry/host-metrics` (`new GpuMetrics({ meterProvider }).start()`).
 *
 * @module
 */
import { ValueType, diag, metrics, type Attributes, type BatchObservableResult, type Meter, type MeterProvider, type Observable } from '@opentelemetry/api';

import { packageVersion } from '../cli/version.js';
import { Device, InvalidInputError, isNA, type Maybe } from '../core/index.js';
import { checkOptions, is } from '../core/options.js';
import { GPU_INSTRUMENTS, type GpuAttributes, type GpuComponent, type GpuInstrumentSpec } from './instruments.js';
import { identify, readGpu, type GpuIdentity, type GpuReading } from './reading.js';

/**
 * Options of {@link GpuMetrics}.
 *
 * @example
 * ```ts
 * const options: GpuMetricsOptions = { meterProvider, processMemory: true };
 * ```
 */
export interface GpuMetricsOptions {
  /** Where the instruments are created (default: the global one, `metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /** The meter's (instrumentation scope's) name (default `'nvitop-node'`). */
  readonly name?: string;
  /**
   * The devices to instrument: physical GPUs and MIG devices (default: every GPU, each followed
   * by its MIG devices, as they are when {@link GpuMetrics.start} runs).
   */
  readonly devices?: readonly Device[];
  /** Also report `nvidia.gpu.process.memory.usage` per process (default false: one series per PID). */
  readonly processMemory?: boolean;
}

/** Attribute sets of one device, built once at start. */
interface DeviceAttributes {
  readonly gpu: GpuAttributes;
  readonly temperature: GpuAttributes;
  readonly fan: GpuAttributes;
}

function deviceAttributes(identity: GpuIdentity, driverVersion: Maybe<string>): DeviceAttributes {
  const gpu: Record<string, string> = {
    'hw.id': identity.id,
    'hw.name': identity.name,
    'hw.vendor': 'NVIDIA',
    'hw.model': identity.name,
    'nvidia.gpu.index': identity.index,
  };
  if (identity.parentId !== null) gpu['hw.parent'] = identity.parentId;
  if (!isNA(driverVersion)) gpu['hw.driver_version'] = driverVersion;
  if (identity.serial !== null) gpu['hw.serial_number'] = identity.serial;
  const sensor = (kind: 'temperature' | 'fan'): GpuAttributes => ({
    'hw.id': `${identity.id}:${kind}`,
    'hw.name': `${identity.name} ${kind}`,
    'hw.parent': identity.id,
    'hw.sensor_location': 'gpu',
    'nvidia.gpu.index': identity.index,
  });
  return { gpu, temperature: sensor('temperature'), fan: sensor('fan') };
}

function createInstrument(meter: Meter, spec: GpuInstrumentSpec): Observable {
  const options = { description: spec.description, unit: spec.unit, valueType: spec.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
  switch (spec.kind) {
    case 'gauge':
      return meter.createObservableGauge(spec.name, options);
    case 'updowncounter':
      return meter.createObservableUpDownCounter(spec.name, options);
    case 'counter':
      return meter.createObservableCounter(spec.name, options);
  }
}

/**
 * NVIDIA GPU metrics for OpenTelemetry. {@link GpuMetrics.start} creates observable instruments
 * named after OpenTelemetry's hardware semantic conventions (`hw.gpu.utilization`,
 * `hw.gpu.memory.usage`, `hw.gpu.memory.limit`, `hw.gpu.memory.utilization`, `hw.gpu.io`,
 * `hw.power`, `hw.energy`, `hw.errors`, `hw.status`, `hw.temperature`, `hw.fan.speed_ratio`)
 * plus `nvidia.gpu.*` ones for what the conventions lack (see docs/opentelemetry.md). Values are
 * read when the SDK collects, in one NVML pass for all instruments (a batch observable
 * callback); a value the GPU cannot give is not reported; a GPU that falls off the bus reports
 * `hw.status{hw.state="failed"} 1` and nothing else.
 *
 * Import it from `nvitop-node/opentelemetry` (which needs `@opentelemetry/api`); importing
 * `nvitop-node` itself never loads OpenTelemetry.
 *
 * @example
 * ```ts
 * import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
 * import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
 * import { GpuMetrics } from 'nvitop-node/opentelemetry';
 *
 * const meterProvider = new MeterProvider({
 *   readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 10_000 })],
 * });
 * const gpuMetrics = new GpuMetrics({ meterProvider });
 * gpuMetrics.start();
 * ```
 */
export class GpuMetrics {
  private readonly options: GpuMetricsOptions;
  private meter: Meter | null = null;
  private observables: Observable[] = [];
  private readonly callback = (result: BatchObservableResult): void => this.collect(result);
  private identities: GpuIdentity[] = [];
  private attributes = new Map<GpuIdentity, DeviceAttributes>();
  private specs: GpuInstrumentSpec[] = [];
  private collected = 0;

  /**
   * Prepares the instrumentation; nothing is read or registered before {@link GpuMetrics.start}.
   *
   * @throws `InvalidInputError` for an option of the wrong type, or `devices` holding something
   *   other than physical GPUs and MIG devices; `UnknownOptionError` for an unknown option.
   */
  constructor(options: GpuMetricsOptions = {}) {
    const checked = checkOptions<GpuMetricsOptions>('new GpuMetrics()', options, {
      meterProvider: is.custom('an OpenTelemetry MeterProvider', (v) => typeof (v as { getMeter?: unknown } | null)?.getMeter === 'function'),
      name: is.string({ nonEmpty: true }),
      devices: is.iterable,
      processMemory: is.boolean,
    });
    const devices = checked.devices === undefined ? undefined : [...checked.devices];
    for (const device of devices ?? []) {
      if (!(device instanceof Device) || (device.kind !== 'physical' && device.kind !== 'mig')) {
        throw new InvalidInputError('devices', device, 'PhysicalDevice or MigDevice objects (Device.all(), device.migDevices())');
      }
    }
    this.options = devices === undefined ? checked : { ...checked, devices };
  }

  /** How many collections have read the GPUs so far (one per metric reader's collection). */
  get collections(): number {
    return this.collected;
  }

  /**
   * Creates the instruments and registers the collection callback. Calling it again does nothing.
   *
   * @throws `NvmlLibraryNotFoundError` or another `NvmlError` when NVML cannot be used (check
   *   `Device.isAvailable()` first on machines that may have no GPU).
   */
  start(): void {
    if (this.meter !== null) return;
    const devices = this.options.devices ?? Device.all().flatMap((device) => [device, ...device.migDevices()]);
    const driverVersion = Device.driverVersion();
    this.identities = identify(devices);
    this.attributes = new Map(this.identities.map((identity) => [identity, deviceAttributes(identity, driverVersion)]));
    const meterProvider = this.options.meterProvider ?? metrics.getMeterProvider();
    const meter = meterProvider.getMeter(this.options.name ?? 'nvitop-node', packageVersion());
    this.specs = GPU_INSTRUMENTS.filter((spec) => spec.optIn === undefined || this.options[spec.optIn] === true);
    this.observables = this.specs.map((spec) => createInstrument(meter, spec));
    meter.addBatchObservableCallback(this.callback, this.observables);
    this.meter = meter;
  }

  /** Unregisters the collection callback: later collections report no GPU values. */
  stop(): void {
    if (this.meter === null) return;
    this.meter.removeBatchObservableCallback(this.callback, this.observables);
    this.meter = null;
    this.observables = [];
  }

  private collect(result: BatchObservableResult): void {
    this.collected += 1;
    const processes = this.options.processMemory === true;
    for (const identity of this.identities) {
      // One device's failure (a bug, not an NVML error: those are NA) must not cost the others
      // their values, nor break the application's metric pipeline.
      let reading: GpuReading;
      try {
        reading = readGpu(identity, { processes });
      } catch (error) {
        diag.error(`nvitop-node GpuMetrics: reading GPU ${identity.index} failed`, error);
        continue;
      }
      const sets = this.attributes.get(identity) as DeviceAttributes;
      this.specs.forEach((spec, i) => {
        const observable = this.observables[i] as Observable;
        spec.observe(reading, (value: Maybe<number>, extra?: GpuAttributes, component: GpuComponent = 'gpu') => {
          if (isNA(value) || !Number.isFinite(value)) return;
          const base = sets[component];
          result.observe(observable, value, (extra === undefined ? base : { ...base, ...extra }) as Attributes);
        });
      });
    }
  }
}
