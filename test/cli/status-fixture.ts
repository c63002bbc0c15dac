// Hand-written StatusData for the renderer unit tests (no NVML involved).
import { NA, type DeviceSnapshot, type GpuProcessSnapshot, type HostSnapshot, type Maybe } from '../../src/core/index.js';
import type { RenderOptions, StatusData, StatusDevice } from '../../src/cli/render/types.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const OPTIONS: RenderOptions = {
  width: 79,
  ascii: false,
  colorful: false,
  light: false,
  gpuUtilThresholds: [10, 75],
  memUtilThresholds: [10, 80],
};

const human = (bytes: Maybe<number>): Maybe<string> => {
  if (bytes === NA) return NA;
  const b = bytes as number;
  if (b < 100 * MiB) return `${(b / MiB).toFixed(2)}MiB`;
  if (b < 1000 * MiB) return `${(b / MiB).toFixed(1)}MiB`;
  if (b < 20 * GiB) return `${Math.round(b / MiB)}MiB`;
  return `${(b / GiB).toFixed(2)}GiB`;
};

export interface DeviceSpec {
  index: number | [number, number];
  name?: Maybe<string>;
  total?: Maybe<number>;
  used?: Maybe<number>;
  gpu?: Maybe<number>;
  memoryUtilization?: Maybe<number>;
  fan?: Maybe<number>;
  temperature?: Maybe<number>;
  powerUsage?: Maybe<number>;
  powerLimit?: Maybe<number>;
  migMode?: Maybe<string>;
  computeMode?: Maybe<string>;
  smClock?: Maybe<number>;
  memoryClock?: Maybe<number>;
}

export function device(spec: DeviceSpec): DeviceSnapshot {
  const mig = typeof spec.index !== 'number';
  const physicalIndex = typeof spec.index === 'number' ? spec.index : spec.index[0];
  const total = spec.total ?? 80 * GiB;
  const used = spec.used ?? 10 * GiB;
  const percent = total === NA || used === NA ? NA : Math.round((1000 * (used as number)) / (total as number)) / 10;
  const usage = `${String(human(used))} / ${String(human(total))}`;
  const watts = (v: Maybe<number>) => (v === NA ? 'N/A' : `${Math.round((v as number) / 1000)}W`);
  const powerUsage = spec.powerUsage ?? (mig ? NA : 100_000);
  const powerLimit = spec.powerLimit ?? (mig ? NA : 400_000);
  const clocks = { graphics: NA, sm: spec.smClock ?? NA, memory: spec.memoryClock ?? NA, video: NA };
  return {
    kind: mig ? 'mig' : 'physical',
    index: spec.index,
    physicalIndex,
    migIndex: mig ? (spec.index as [number, number])[1] : NA,
    cudaIndex: NA,
    displayIndex: mig ? `${physicalIndex}:${(spec.index as [number, number])[1]}` : `${physicalIndex}`,
    isMigDevice: mig,
    name: spec.name ?? (mig ? 'NVIDIA A100-SXM4-40GB MIG 1g.5gb' : 'NVIDIA A100-SXM4-80GB'),
    uuid: NA,
    busId: mig ? NA : `00000000:0${physicalIndex}:00.0`,
    serial: NA,
    memoryInfo: { total, used, free: total === NA || used === NA ? NA : (total as number) - (used as number), reserved: NA },
    memoryTotal: total,
    memoryUsed: used,
    memoryFree: NA,
    memoryTotalHuman: human(total),
    memoryUsedHuman: human(used),
    memoryFreeHuman: NA,
    memoryPercent: percent,
    memoryUsage: usage,
    bar1MemoryInfo: { total: NA, used: NA, free: NA },
    bar1MemoryUsedHuman: mig ? '1.00MiB' : NA,
    bar1MemoryPercent: mig ? 0.4 : NA,
    utilizationRates: { gpu: spec.gpu ?? NA, memory: spec.memoryUtilization ?? NA, encoder: NA, decoder: NA },
    gpuUtilization: spec.gpu ?? (mig ? NA : 50),
    memoryUtilization: spec.memoryUtilization ?? NA,
    encoderUtilization: NA,
    decoderUtilization: NA,
    clockInfos: clocks,
    maxClockInfos: { graphics: NA, sm: NA, memory: NA, video: NA },
    clockSpeedInfos: { current: clocks, max: { graphics: NA, sm: NA, memory: NA, video: NA } },
    smClock: clocks.sm,
    memoryClock: clocks.memory,
    fanSpeed: spec.fan ?? NA,
    temperature: spec.temperature ?? (mig ? NA : 40),
    powerUsage,
    powerLimit,
    powerStatus: `${watts(powerUsage)} / ${watts(powerLimit)}`,
    pcieThroughput: { tx: NA, rx: NA },
    pcieTxThroughput: NA,
    pcieRxThroughput: NA,
    pcieTxThroughputHuman: NA,
    pcieRxThroughputHuman: NA,
    displayActive: mig ? NA : 'Disabled',
    displayMode: NA,
    currentDriverModel: NA,
    persistenceMode: mig ? NA : 'Enabled',
    performanceState: mig ? NA : 'P0',
    totalVolatileUncorrectedEccErrors: mig ? NA : 0,
    computeMode: spec.computeMode ?? (mig ? NA : 'Default'),
    cudaComputeCapability: NA,
    migMode: spec.migMode ?? NA,
    gpuInstanceId: mig ? 3 : NA,
    computeInstanceId: mig ? 0 : NA,
    timestamp: 0,
  };
}

export interface ProcessSpec {
  pid: number;
  device: string;
  user?: Maybe<string>;
  type?: Maybe<'C' | 'G' | 'C+G'>;
  gpuMemory?: Maybe<number>;
  command?: string;
  cmdline?: string[];
  running?: boolean;
  cpu?: Maybe<number>;
  mem?: Maybe<number>;
  time?: Maybe<string>;
  hidden?: boolean;
  container?: GpuProcessSnapshot['container'];
}

export function proc(spec: ProcessSpec): GpuProcessSnapshot {
  const cmdline = spec.cmdline ?? (spec.command ?? 'python train.py').split(' ');
  return {
    pid: spec.pid,
    deviceIndex: spec.device,
    devicePhysicalIndex: Number(spec.device.split(':')[0]),
    deviceUuid: NA,
    isRunning: spec.running ?? true,
    status: 'running',
    username: spec.user ?? 'alice',
    name: NA,
    cmdline,
    command: cmdline.join(' '),
    cpuPercent: spec.cpu ?? 12.5,
    memoryPercent: spec.mem ?? 0.7,
    hostMemory: NA,
    hostMemoryHuman: NA,
    runningTime: NA,
    runningTimeHuman: spec.time ?? '1:02',
    createTime: NA,
    type: spec.type ?? 'C',
    gpuInstanceId: NA,
    computeInstanceId: NA,
    gpuMemory: spec.gpuMemory ?? 2 * GiB,
    gpuMemoryHuman: human(spec.gpuMemory ?? 2 * GiB),
    gpuMemoryPercent: NA,
    gpuSmUtilization: 40,
    gpuMemoryUtilization: 20,
    gpuEncoderUtilization: 0,
    gpuDecoderUtilization: 0,
    hostInfoHidden: spec.hidden ?? false,
    container: spec.container ?? NA,
    timestamp: 0,
  };
}

export const HOST: HostSnapshot = {
  hostname: 'gpu-node',
  username: 'alice',
  cpuPercent: 12.3,
  cpuCount: 8,
  virtualMemory: { total: 64 * GiB, available: 48 * GiB, used: 14 * GiB, free: 40 * GiB, percent: 25 },
  swapMemory: { total: 8 * GiB, used: 0, free: 8 * GiB, percent: 0 },
  loadAverage: [0.52, 1.5, 12.25],
  uptime: 3 * 86400 + 3600,
  timestamp: 0,
};

export function status(devices: StatusDevice[], processes: GpuProcessSnapshot[] = [], extra: Partial<StatusData> = {}): StatusData {
  return {
    version: '9.8.7',
    driverVersion: '560.35.03',
    cudaDriverVersion: '12.6',
    devices,
    processes,
    host: HOST,
    currentUser: 'alice',
    hostname: 'gpu-node',
    missingFunctions: [],
    timestamp: Date.UTC(2026, 4, 20, 12, 0, 0),
    ...extra,
  };
}

export { GiB, MiB };
