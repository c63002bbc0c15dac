// What GpuMetrics must report for a fake scenario, derived from the scenario file alone (written
// independently of src/opentelemetry): metric name, the attributes that tell its data points
// apart, and the value in the conventions' units.
import type { FakeDevice, FakeScenario } from '../helpers/fake-nvml.js';

export type Attr = Record<string, string | number | boolean>;

/** One expected data point. `value: 'grows'` for counters that move with time (NVLink). */
export interface ExpectedPoint {
  readonly name: string;
  readonly attributes: Attr;
  readonly value: number | 'grows';
}

/** Instrument kinds as an SDK or OTLP reports them. */
export const EXPECTED_KINDS: Record<string, { type: 'gauge' | 'sum'; monotonic?: boolean; unit: string }> = {
  'hw.gpu.utilization': { type: 'gauge', unit: '1' },
  'hw.gpu.memory.utilization': { type: 'gauge', unit: '1' },
  'hw.gpu.memory.usage': { type: 'sum', monotonic: false, unit: 'By' },
  'hw.gpu.memory.limit': { type: 'sum', monotonic: false, unit: 'By' },
  'hw.gpu.io': { type: 'sum', monotonic: true, unit: 'By' },
  'hw.power': { type: 'gauge', unit: 'W' },
  'hw.energy': { type: 'sum', monotonic: true, unit: 'J' },
  'hw.errors': { type: 'sum', monotonic: true, unit: '{error}' },
  'hw.status': { type: 'sum', monotonic: false, unit: '1' },
  'hw.temperature': { type: 'gauge', unit: 'Cel' },
  'hw.fan.speed_ratio': { type: 'gauge', unit: '1' },
  'nvidia.gpu.power.limit': { type: 'gauge', unit: 'W' },
  'nvidia.gpu.memory_controller.utilization': { type: 'gauge', unit: '1' },
  'nvidia.gpu.clock.frequency': { type: 'gauge', unit: 'Hz' },
  'nvidia.gpu.nvlink.io': { type: 'sum', monotonic: true, unit: 'By' },
  'nvidia.gpu.process.memory.usage': { type: 'sum', monotonic: false, unit: 'By' },
};

const percent = (v: number | { utilization: number } | undefined): number | undefined => (v === undefined ? undefined : typeof v === 'number' ? v : v.utilization);

/** The GPU attributes every `hw.gpu.*` point of device `gpu` (NVML index `index`) carries. */
export function gpuAttributes(gpu: FakeDevice, index: string, driverVersion: string): Attr {
  const attrs: Attr = { 'hw.id': gpu.uuid!, 'hw.name': gpu.name!, 'hw.vendor': 'NVIDIA', 'hw.model': gpu.name!, 'nvidia.gpu.index': index, 'hw.driver_version': driverVersion };
  if (gpu.serial !== undefined) attrs['hw.serial_number'] = gpu.serial;
  return attrs;
}

/** Expected points of one physical GPU without MIG. */
export function expectedForGpu(gpu: FakeDevice, index: number): ExpectedPoint[] {
  const id = { 'hw.id': gpu.uuid! };
  const out: ExpectedPoint[] = [];
  const add = (name: string, attributes: Attr, value: number | undefined | 'grows'): void => {
    if (value !== undefined) out.push({ name, attributes: { ...id, ...attributes }, value });
  };
  add('hw.gpu.utilization', { 'hw.gpu.task': 'general' }, gpu.utilization?.gpu === undefined ? undefined : gpu.utilization.gpu / 100);
  const encoder = percent(gpu.encoder);
  const decoder = percent(gpu.decoder);
  add('hw.gpu.utilization', { 'hw.gpu.task': 'encoder' }, encoder === undefined ? undefined : encoder / 100);
  add('hw.gpu.utilization', { 'hw.gpu.task': 'decoder' }, decoder === undefined ? undefined : decoder / 100);
  const { total, used } = gpu.memory!;
  add('hw.gpu.memory.utilization', {}, used! / total!);
  add('hw.gpu.memory.usage', {}, used);
  add('hw.gpu.memory.limit', {}, total);
  add('hw.gpu.io', { 'network.io.direction': 'receive' }, gpu.pcieBytes?.rx);
  add('hw.gpu.io', { 'network.io.direction': 'transmit' }, gpu.pcieBytes?.tx);
  add('hw.power', { 'hw.type': 'gpu' }, gpu.powerUsage === undefined ? undefined : gpu.powerUsage / 1000);
  add('hw.energy', { 'hw.type': 'gpu' }, gpu.energyConsumption === undefined ? undefined : gpu.energyConsumption / 1000);
  add('hw.errors', { 'hw.type': 'gpu', 'error.type': 'corrected' }, gpu.eccVolatileCorrected);
  add('hw.errors', { 'hw.type': 'gpu', 'error.type': 'uncorrected' }, gpu.eccVolatileUncorrected);
  add('hw.status', { 'hw.type': 'gpu', 'hw.state': 'ok' }, 1);
  add('hw.status', { 'hw.type': 'gpu', 'hw.state': 'failed' }, 0);
  const sensor = (kind: string): Attr => ({ 'hw.id': `${gpu.uuid!}:${kind}`, 'hw.parent': gpu.uuid!, 'hw.sensor_location': 'gpu', 'nvidia.gpu.index': String(index) });
  if (gpu.temperature !== undefined) out.push({ name: 'hw.temperature', attributes: sensor('temperature'), value: gpu.temperature });
  if (gpu.fanSpeed !== undefined) out.push({ name: 'hw.fan.speed_ratio', attributes: sensor('fan'), value: gpu.fanSpeed / 100 });
  add('nvidia.gpu.power.limit', {}, gpu.powerLimit === undefined ? undefined : gpu.powerLimit / 1000);
  add('nvidia.gpu.memory_controller.utilization', {}, gpu.utilization?.memory === undefined ? undefined : gpu.utilization.memory / 100);
  for (const domain of ['graphics', 'sm', 'memory', 'video'] as const) {
    const mhz = gpu.clocks?.[domain];
    add('nvidia.gpu.clock.frequency', { 'nvidia.gpu.clock.domain': domain }, mhz === undefined ? undefined : mhz * 1e6);
  }
  if (gpu.nvlink !== undefined) {
    // The fake's link counters grow at the scenario's rates from when it loaded.
    const moving = (rate: number | number[] | undefined): boolean => (Array.isArray(rate) ? rate.some((r) => r > 0) : (rate ?? 0) > 0);
    add('nvidia.gpu.nvlink.io', { 'network.io.direction': 'receive' }, moving(gpu.nvlink.rxRateKiBps) ? 'grows' : 0);
    add('nvidia.gpu.nvlink.io', { 'network.io.direction': 'transmit' }, moving(gpu.nvlink.txRateKiBps) ? 'grows' : 0);
  }
  return out;
}

/** Expected points of a scenario without MIG. */
export function expectedForScenario(scenario: FakeScenario): ExpectedPoint[] {
  return scenario.devices.flatMap((gpu, i) => expectedForGpu(gpu, i));
}

/** A reported data point, whatever carried it (SDK in-memory or OTLP). */
export interface SeenPoint {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly value: number;
}

/** Whether `point` carries every attribute of `attributes` with the same value. */
export function hasAttributes(point: SeenPoint, attributes: Attr): boolean {
  return Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);
}

/**
 * Checks `seen` against `expected`: every expected point is there exactly once with its value
 * (relative error below 1e-9, or > 0 for 'grows'), and no metric of `names` has other points.
 * Returns the problems (empty when all is well), so a failing test shows them all.
 */
export function compare(seen: readonly SeenPoint[], expected: readonly ExpectedPoint[], names: readonly string[] = Object.keys(EXPECTED_KINDS)): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const matches = seen.filter((p) => p.name === want.name && hasAttributes(p, want.attributes));
    if (matches.length !== 1) {
      problems.push(`${want.name} ${JSON.stringify(want.attributes)}: ${matches.length} points`);
      continue;
    }
    const got = matches[0]!.value;
    if (want.value === 'grows' ? !(got > 0) : Math.abs(got - want.value) > Math.abs(want.value) * 1e-9) {
      problems.push(`${want.name} ${JSON.stringify(want.attributes)}: ${got}, expected ${want.value}`);
    }
  }
  for (const name of names) {
    const wanted = expected.filter((e) => e.name === name).length;
    const got = seen.filter((p) => p.name === name).length;
    if (got !== wanted) problems.push(`${name}: ${got} points, expected ${wanted}`);
  }
  return problems;
}
