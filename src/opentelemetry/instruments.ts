/**
 * The GPU instruments, one table entry each: name, kind, unit and where the value comes from.
 * Names follow OpenTelemetry's hardware semantic conventions (`hw.gpu.*`, and the common
 * `hw.power`, `hw.energy`, `hw.errors`, `hw.status`, `hw.temperature`, `hw.fan.speed_ratio`
 * with a GPU's sensors as components whose `hw.parent` is the GPU); what the conventions do not
 * cover lives under `nvidia.gpu.*`. Units are the conventions' (UCUM): ratios `1` (0–1), bytes
 * `By`, watts `W`, joules `J`, Celsius `Cel`, hertz `Hz`.
 *
 * @module
 */
import { isNA, type Maybe } from '../core/index.js';
import type { GpuReading } from './reading.js';

/** An attribute value. */
export type AttributeValue = string | number | boolean;

/** Attributes of one data point. */
export type GpuAttributes = Readonly<Record<string, AttributeValue>>;

/**
 * Which component a data point describes: the GPU itself, or its temperature sensor or fan
 * (components of their own in the conventions, with `hw.parent` = the GPU's `hw.id`).
 */
export type GpuComponent = 'gpu' | 'temperature' | 'fan';

/** Reports one value (NA and non-finite values are skipped) with extra attributes. */
export type GpuEmit = (value: Maybe<number>, attributes?: GpuAttributes, component?: GpuComponent) => void;

/** The OpenTelemetry instrument kinds the table uses (all asynchronous: read at collection). */
export type GpuInstrumentKind = 'gauge' | 'updowncounter' | 'counter';

/**
 * One instrument of {@link GPU_INSTRUMENTS}.
 *
 * @example
 * ```ts
 * GPU_INSTRUMENTS.find((spec) => spec.name === 'hw.gpu.utilization')?.unit; // '1'
 * ```
 */
export interface GpuInstrumentSpec {
  /** Metric name. */
  readonly name: string;
  /** Observable gauge, up-down counter or counter. */
  readonly kind: GpuInstrumentKind;
  /** UCUM unit. */
  readonly unit: string;
  /** Description (the conventions' brief where they have one). */
  readonly description: string;
  /** Integer or floating-point values. */
  readonly valueType: 'int' | 'double';
  /** Only with this option of `GpuMetrics` (per-process memory is opt-in). */
  readonly optIn?: 'processMemory';
  /** Observes the instrument's values of one device reading. */
  readonly observe: (reading: GpuReading, emit: GpuEmit) => void;
}

const ratio = (percent: Maybe<number>): Maybe<number> => (isNA(percent) ? percent : percent / 100);
const per1000 = (value: Maybe<number>): Maybe<number> => (isNA(value) ? value : value / 1000);
const fraction = (part: Maybe<number>, whole: Maybe<number>): Maybe<number> => (isNA(part) || isNA(whole) || whole <= 0 ? NaN : part / whole);
const MHZ = 1e6;

/**
 * Every GPU instrument, in the order they are created.
 *
 * @example
 * ```ts
 * GPU_INSTRUMENTS.map((spec) => spec.name); // ['hw.gpu.utilization', 'hw.gpu.memory.utilization', …]
 * ```
 */
export const GPU_INSTRUMENTS: readonly GpuInstrumentSpec[] = [
  {
    name: 'hw.gpu.utilization',
    kind: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Fraction of time spent in a specific task.',
    observe: (r, emit) => {
      emit(ratio(r.utilization.general), { 'hw.gpu.task': 'general' });
      emit(ratio(r.utilization.encoder), { 'hw.gpu.task': 'encoder' });
      emit(ratio(r.utilization.decoder), { 'hw.gpu.task': 'decoder' });
    },
  },
  {
    name: 'hw.gpu.memory.utilization',
    kind: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Fraction of GPU memory used.',
    observe: (r, emit) => emit(fraction(r.memory.used, r.memory.total)),
  },
  {
    name: 'hw.gpu.memory.usage',
    kind: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'GPU memory used.',
    observe: (r, emit) => emit(r.memory.used),
  },
  {
    name: 'hw.gpu.memory.limit',
    kind: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Size of the GPU memory.',
    observe: (r, emit) => emit(r.memory.total),
  },
  {
    name: 'hw.gpu.io',
    kind: 'counter',
    unit: 'By',
    valueType: 'int',
    description: 'Received and transmitted bytes by the GPU (over PCIe; NVIDIA driver R555 or later).',
    observe: (r, emit) => {
      emit(r.counters.pcieBytes.rx, { 'network.io.direction': 'receive' });
      emit(r.counters.pcieBytes.tx, { 'network.io.direction': 'transmit' });
    },
  },
  {
    name: 'hw.power',
    kind: 'gauge',
    unit: 'W',
    valueType: 'double',
    description: 'Instantaneous power consumed by the component.',
    observe: (r, emit) => emit(per1000(r.power.usage), { 'hw.type': 'gpu' }),
  },
  {
    name: 'hw.energy',
    kind: 'counter',
    unit: 'J',
    valueType: 'double',
    description: 'Energy consumed by the component (since the driver was loaded).',
    observe: (r, emit) => emit(per1000(r.counters.energyConsumption), { 'hw.type': 'gpu' }),
  },
  {
    name: 'hw.errors',
    kind: 'counter',
    unit: '{error}',
    valueType: 'int',
    description: 'Number of errors encountered by the GPU (ECC errors since the driver was loaded).',
    observe: (r, emit) => {
      emit(r.counters.eccErrors.corrected, { 'hw.type': 'gpu', 'error.type': 'corrected' });
      emit(r.counters.eccErrors.uncorrected, { 'hw.type': 'gpu', 'error.type': 'uncorrected' });
    },
  },
  {
    name: 'hw.status',
    kind: 'updowncounter',
    unit: '1',
    valueType: 'int',
    description: 'Operational status: `1` (true) or `0` (false) for each of the possible states.',
    observe: (r, emit) => {
      if (r.identity.parentId !== null) return; // a MIG device's status is its GPU's
      const lost = r.counters.gpuLost;
      emit(lost ? 0 : 1, { 'hw.type': 'gpu', 'hw.state': 'ok' });
      emit(lost ? 1 : 0, { 'hw.type': 'gpu', 'hw.state': 'failed' });
    },
  },
  {
    name: 'hw.temperature',
    kind: 'gauge',
    unit: 'Cel',
    valueType: 'double',
    description: 'Temperature in degrees Celsius.',
    observe: (r, emit) => emit(r.temperature, undefined, 'temperature'),
  },
  {
    name: 'hw.fan.speed_ratio',
    kind: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Fan speed expressed as a fraction of its maximum speed (may exceed 1).',
    observe: (r, emit) => emit(ratio(r.fanSpeed), undefined, 'fan'),
  },
  {
    name: 'nvidia.gpu.power.limit',
    kind: 'gauge',
    unit: 'W',
    valueType: 'double',
    description: 'Power management limit of the GPU.',
    observe: (r, emit) => emit(per1000(r.power.limit)),
  },
  {
    name: 'nvidia.gpu.memory_controller.utilization',
    kind: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Fraction of time the GPU memory was being read or written (NVML memory utilization).',
    observe: (r, emit) => emit(ratio(r.memoryControllerUtilization)),
  },
  {
    name: 'nvidia.gpu.clock.frequency',
    kind: 'gauge',
    unit: 'Hz',
    valueType: 'int',
    description: 'Current clock frequency of a GPU clock domain.',
    observe: (r, emit) => {
      for (const domain of ['graphics', 'sm', 'memory', 'video'] as const) {
        const mhz = r.clocks[domain];
        emit(isNA(mhz) ? mhz : mhz * MHZ, { 'nvidia.gpu.clock.domain': domain });
      }
    },
  },
  {
    name: 'nvidia.gpu.nvlink.io',
    kind: 'counter',
    unit: 'By',
    valueType: 'int',
    description: 'Data bytes received and transmitted over all NVLink links of the GPU.',
    observe: (r, emit) => {
      emit(r.counters.nvlinkBytes.rx, { 'network.io.direction': 'receive' });
      emit(r.counters.nvlinkBytes.tx, { 'network.io.direction': 'transmit' });
    },
  },
  {
    name: 'nvidia.gpu.process.memory.usage',
    kind: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'GPU memory used by a process.',
    optIn: 'processMemory',
    observe: (r, emit) => {
      for (const process of r.processes) {
        emit(process.memory, isNA(process.name) ? { 'process.pid': process.pid } : { 'process.pid': process.pid, 'process.executable.name': process.name });
      }
    },
  },
];
