/**
 * Test helpers for the fake NVML library (test/fake-nvml/).
 *
 * - `fakeLibraryPath(hide?)`: path of the fake libnvidia-ml.so.1 (built on demand and cached),
 *   optionally a variant with some NVML symbols hidden (an older driver).
 * - `scenarioPath(name)`, `loadScenario(name)`: the scenarios in test/fake-nvml/scenarios/.
 * - `writeScenario(obj, dir?)`: a scenario object written to a temp file (path returned);
 *   `updateScenario(path, obj)` rewrites one atomically (the fake reloads it within ~100 ms).
 * - `fakeNvmlEnv(scenario, extra?)`: the environment for a child process that should see the fake
 *   (NVITOP_NVML_LIBRARY = the variant the scenario's `missingSymbols` needs,
 *   NVITOP_FAKE_NVML_SCENARIO = the scenario file).
 * - `withPids(scenario, pids)`: the scenario with its placeholder PIDs replaced by real ones.
 * - `readCallCounts(path)`: the `{"nvmlDeviceGetName": 8, ...}` file the fake writes.
 *
 * The scenario format is documented in test/fake-nvml/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildFakeNvml } from '../fake-nvml/build.mjs';

/** test/fake-nvml (C sources, build script, scenarios). */
export const FAKE_NVML_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fake-nvml');

/** test/fake-nvml/scenarios. */
export const SCENARIO_DIR = join(FAKE_NVML_DIR, 'scenarios');

/** A PID in a scenario: a number, the loading process (`"self"`) or its parent (`"parent"`). */
export type FakePid = number | 'self' | 'parent';

/** One entry of `computeProcesses` / `graphicsProcesses`. */
export interface FakeProcess {
  pid: FakePid;
  /** Bytes; `null` (or absent) = NVML_VALUE_NOT_AVAILABLE (ULLONG_MAX). */
  usedGpuMemory?: number | null;
  gpuInstanceId?: number;
  computeInstanceId?: number;
  usedGpuCcProtectedMemory?: number;
}

/** One entry of `processUtilization`. */
export interface FakeSample {
  pid: FakePid;
  smUtil?: number;
  memUtil?: number;
  encUtil?: number;
  decUtil?: number;
  /** Absolute sample time (µs since the epoch); default: the time of the call. */
  timeStamp?: number;
  /** Sample age in µs relative to the time of the call. */
  ageUs?: number;
}

/** A GPU (or a MIG device inside `migDevices`). Absent fields answer NOT_SUPPORTED. */
export interface FakeDevice {
  name?: string;
  uuid?: string;
  serial?: string;
  pci?: {
    domain?: number;
    bus?: number;
    device?: number;
    pciDeviceId?: number | string;
    pciSubSystemId?: number | string;
  };
  memory?: { total?: number; reserved?: number; used?: number };
  bar1?: { total?: number; used?: number };
  utilization?: { gpu?: number; memory?: number };
  encoder?: number | { utilization: number; samplingPeriodUs?: number };
  decoder?: number | { utilization: number; samplingPeriodUs?: number };
  clocks?: { graphics?: number; sm?: number; memory?: number; video?: number };
  maxClocks?: { graphics?: number; sm?: number; memory?: number; video?: number };
  fanSpeed?: number;
  temperature?: number;
  powerUsage?: number;
  powerLimit?: number;
  enforcedPowerLimit?: number;
  pcie?: { tx?: number; rx?: number };
  /** Cumulative PCIe bytes (`NVML_FI_DEV_PCIE_COUNT_TX_BYTES`/`RX_BYTES`, field values 197/198). */
  pcieBytes?: { tx?: number; rx?: number };
  /** Energy since the driver loaded, mJ (`NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION`, field value 83). */
  energyConsumption?: number;
  displayActive?: number | boolean;
  displayMode?: number | boolean;
  persistenceMode?: number | boolean;
  performanceState?: number;
  eccVolatileUncorrected?: number;
  eccVolatileCorrected?: number;
  eccAggregateUncorrected?: number;
  eccAggregateCorrected?: number;
  computeMode?: number;
  cudaComputeCapability?: [number, number];
  driverModel?: number | { current: number; pending?: number };
  migMode?: number | { current: number; pending?: number };
  maxMigDeviceCount?: number;
  migDevices?: FakeDevice[];
  gpuInstanceId?: number;
  computeInstanceId?: number;
  nvlink?: { linkCount: number; txRateKiBps?: number | number[]; rxRateKiBps?: number | number[] };
  confComputeMemSizeInfo?: { protectedMemSizeKib?: number; unprotectedMemSizeKib?: number };
  computeProcesses?: FakeProcess[];
  graphicsProcesses?: FakeProcess[];
  processUtilization?: FakeSample[];
  /** Code (or name such as "GPU_IS_LOST") nvmlDeviceGetHandleBy* return for this GPU. */
  handleError?: number | string;
  /** `{ "nvmlDeviceGetFanSpeed": 3, "*": 15 }`: that call on this device returns that code. */
  errors?: Record<string, number | string>;
  [comment: `_${string}`]: unknown;
}

/** A whole scenario file. */
export interface FakeScenario {
  description?: string;
  driverVersion?: string;
  nvmlVersion?: string;
  cudaDriverVersion?: number;
  initError?: number | string;
  processInfoV3Stride?: 24 | 32;
  missingSymbols?: string[];
  pcieSampleDelayMs?: number;
  errors?: Record<string, number | string>;
  devices: FakeDevice[];
  [comment: `_${string}`]: unknown;
}

/**
 * Path of the fake libnvidia-ml.so.1, built if missing or stale. With `hide`, a variant whose
 * dynamic symbol table lacks those NVML functions (cached per set of names).
 */
export function fakeLibraryPath(hide: readonly string[] = []): string {
  return buildFakeNvml({ hide: [...hide] });
}

/** Path of a bundled scenario: `scenarioPath('eight-gpu')` (a `.json` suffix is optional). */
export function scenarioPath(name: string): string {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  const path = join(SCENARIO_DIR, file);
  if (!existsSync(path)) throw new Error(`no fake NVML scenario named ${JSON.stringify(name)} (${path})`);
  return path;
}

/** Resolve a scenario reference: a bundled name, or a path to a JSON file. */
function resolveScenarioFile(scenario: string): string {
  if (isAbsolute(scenario) || scenario.includes('/') || scenario.includes('\\')) {
    if (!existsSync(scenario)) throw new Error(`scenario file not found: ${scenario}`);
    return resolve(scenario);
  }
  return scenarioPath(scenario);
}

/** Parsed scenario (a fresh copy each call): a bundled name or a path to a JSON file. */
export function loadScenario(name: string): FakeScenario {
  return JSON.parse(readFileSync(resolveScenarioFile(name), 'utf8')) as FakeScenario;
}

let tempDir: string | undefined;
let tempCounter = 0;

function scenarioTempDir(): string {
  if (!tempDir) {
    tempDir = mkdtempSync(join(tmpdir(), 'nvitop-fake-nvml-'));
    const dir = tempDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

/** Write `text` to `path` atomically (temp file + rename: a reader never sees half a file). */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${tempCounter++}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Write a scenario object to a new JSON file and return its path. The default folder is a
 * per-process temp folder removed when the process exits; pass `dir` to keep the file elsewhere.
 */
export function writeScenario(obj: object, dir?: string): string {
  const folder = dir ?? scenarioTempDir();
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `scenario-${process.pid}-${tempCounter++}.json`);
  writeAtomic(path, `${JSON.stringify(obj, null, 2)}\n`);
  return path;
}

/**
 * Replace the contents of a scenario file atomically. A process that loaded the fake picks the
 * change up on its next NVML call once 100 ms have passed since its last check.
 */
export function updateScenario(path: string, obj: object): void {
  writeAtomic(path, `${JSON.stringify(obj, null, 2)}\n`);
}

/**
 * Environment for a child process that uses the fake: the current environment plus
 * NVITOP_NVML_LIBRARY (the library variant the scenario's `missingSymbols` needs) and
 * NVITOP_FAKE_NVML_SCENARIO, then `extra` (for example `{ NVITOP_FAKE_NVML_COUNTS: file }`).
 * `scenario` is a bundled name (`'eight-gpu'`), a path to a JSON file, or a scenario object
 * (written to a temp file).
 */
export function fakeNvmlEnv(scenario: string | object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  let file: string;
  let parsed: Partial<FakeScenario>;
  if (typeof scenario === 'string') {
    file = resolveScenarioFile(scenario);
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<FakeScenario>;
  } else {
    parsed = scenario as Partial<FakeScenario>;
    file = writeScenario(scenario);
  }
  const missing = Array.isArray(parsed.missingSymbols) ? parsed.missingSymbols : [];
  return {
    ...process.env,
    NVITOP_NVML_LIBRARY: fakeLibraryPath(missing),
    NVITOP_FAKE_NVML_SCENARIO: file,
    ...extra,
  };
}

/** Real PIDs in order of first appearance, or an explicit `{ scenarioPid: realPid }` map. */
export type PidSubstitution = readonly number[] | Readonly<Record<string, number>>;

function pidKey(pid: unknown): string {
  return typeof pid === 'number' ? `n:${pid}` : `s:${String(pid)}`;
}

/**
 * A copy of `scenario` with PIDs replaced. With an array, the distinct PIDs of the scenario
 * (numbers and "self"/"parent" alike) are taken in order of first appearance and replaced by
 * `pids[0]`, `pids[1]`, ...; the same scenario PID always maps to the same real PID (a process in
 * both lists, or on several GPUs, stays one process), and PIDs beyond `pids.length` are kept.
 * With an object, `{ 4900001: 1234, self: 5678 }` maps those PIDs explicitly.
 *
 * Order of appearance: devices in order; within a device its `computeProcesses`, then
 * `graphicsProcesses`, then each of its `migDevices` (same order, recursively), then its
 * `processUtilization`.
 */
export function withPids(scenario: string, pids: PidSubstitution): FakeScenario;
export function withPids<T extends object>(scenario: T, pids: PidSubstitution): T;
export function withPids(scenario: object | string, pids: PidSubstitution): object {
  const copy = typeof scenario === 'string' ? loadScenario(scenario) : structuredClone(scenario);
  const map = new Map<string, number>();
  const ordered = Array.isArray(pids);
  if (!ordered) {
    for (const [k, v] of Object.entries(pids as Record<string, number>)) {
      map.set(/^\d+$/.test(k) ? `n:${k}` : `s:${k}`, v);
    }
  }
  let next = 0;
  const substitute = (entry: { pid?: unknown }): void => {
    const key = pidKey(entry.pid);
    if (ordered && !map.has(key) && next < (pids as readonly number[]).length) {
      map.set(key, (pids as readonly number[])[next++]!);
    }
    const real = map.get(key);
    if (real !== undefined) entry.pid = real;
  };
  const visit = (device: FakeDevice): void => {
    for (const p of device.computeProcesses ?? []) substitute(p);
    for (const p of device.graphicsProcesses ?? []) substitute(p);
    for (const m of device.migDevices ?? []) visit(m);
    for (const s of device.processUtilization ?? []) substitute(s);
  };
  for (const device of (copy as Partial<FakeScenario>).devices ?? []) visit(device);
  return copy;
}

/** Parse the call-count file the fake writes (`NVITOP_FAKE_NVML_COUNTS`); {} when absent. */
export function readCallCounts(path: string): Record<string, number> {
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
}
