/**
 * Tests of the fake libnvidia-ml itself (test/fake-nvml/), loaded directly with koffi: the ABI
 * (struct sizes seen through what each call writes), the protocols, error injection, symbol
 * hiding, scenario reloading and call counting. The binding's own tests build on these facts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import koffi from 'koffi';
import { afterAll, describe, expect, it } from 'vitest';

import { generateScenario } from './fake-nvml/generate-scenario.mjs';
import {
  type FakeScenario,
  fakeLibraryPath,
  fakeNvmlEnv,
  loadScenario,
  readCallCounts,
  scenarioPath,
  updateScenario,
  withPids,
  writeScenario,
} from './helpers/fake-nvml.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const ULLONG_MAX = 0xffffffffffffffffn;
const NO_ID = 0xffffffff;
const SENTINEL = 0xa5;

// NVML return codes used below.
const SUCCESS = 0;
const UNINITIALIZED = 1;
const INVALID_ARGUMENT = 2;
const NOT_SUPPORTED = 3;
const NOT_FOUND = 6;
const INSUFFICIENT_SIZE = 7;
const GPU_IS_LOST = 15;
const ARGUMENT_VERSION_MISMATCH = 25;
const UNKNOWN = 999;

koffi.pointer('nvmlDevice_t', koffi.opaque());

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fake-nvml-test-'));
  tempDirs.push(d);
  return d;
}

/** A private copy of a library: dlopen of a new path gives a new instance with its own state. */
function freshCopy(src: string = fakeLibraryPath()): string {
  const p = join(tempDir(), 'libnvidia-ml.so.1');
  copyFileSync(src, p);
  return p;
}

type Fn = (...args: unknown[]) => number;

function bind(path: string) {
  const lib = koffi.load(path);
  // A symbol the library lacks (a variant imitating an old driver) becomes a function that throws.
  const f = (decl: string): Fn => {
    try {
      return lib.func(decl) as unknown as Fn;
    } catch (err) {
      return () => {
        throw err;
      };
    }
  };
  return {
    lib,
    init: f('int nvmlInit_v2(void)'),
    initV1: f('int nvmlInit(void)'),
    initWithFlags: f('int nvmlInitWithFlags(unsigned int flags)'),
    shutdown: f('int nvmlShutdown(void)'),
    errorString: lib.func('const char *nvmlErrorString(int result)') as unknown as (c: number) => string,
    driverVersion: f('int nvmlSystemGetDriverVersion(void *version, unsigned int length)'),
    nvmlVersion: f('int nvmlSystemGetNVMLVersion(void *version, unsigned int length)'),
    cudaVersion: f('int nvmlSystemGetCudaDriverVersion(_Out_ int *v)'),
    cudaVersionV2: f('int nvmlSystemGetCudaDriverVersion_v2(_Out_ int *v)'),
    count: f('int nvmlDeviceGetCount_v2(_Out_ unsigned int *n)'),
    countV1: f('int nvmlDeviceGetCount(_Out_ unsigned int *n)'),
    byIndex: f('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)'),
    byIndexV1: f('int nvmlDeviceGetHandleByIndex(unsigned int index, _Out_ nvmlDevice_t *device)'),
    byUuid: f('int nvmlDeviceGetHandleByUUID(const char *uuid, _Out_ nvmlDevice_t *device)'),
    byBusId: f('int nvmlDeviceGetHandleByPciBusId_v2(const char *busId, _Out_ nvmlDevice_t *device)'),
    index: f('int nvmlDeviceGetIndex(nvmlDevice_t d, _Out_ unsigned int *i)'),
    name: f('int nvmlDeviceGetName(nvmlDevice_t d, void *name, unsigned int length)'),
    uuid: f('int nvmlDeviceGetUUID(nvmlDevice_t d, void *uuid, unsigned int length)'),
    serial: f('int nvmlDeviceGetSerial(nvmlDevice_t d, void *serial, unsigned int length)'),
    pciV3: f('int nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, void *pci)'),
    pciV1: f('int nvmlDeviceGetPciInfo(nvmlDevice_t d, void *pci)'),
    mem: f('int nvmlDeviceGetMemoryInfo(nvmlDevice_t d, void *memory)'),
    memV2: f('int nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, void *memory)'),
    bar1: f('int nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t d, void *bar1)'),
    util: f('int nvmlDeviceGetUtilizationRates(nvmlDevice_t d, void *util)'),
    encoder: f('int nvmlDeviceGetEncoderUtilization(nvmlDevice_t d, _Out_ unsigned int *u, _Out_ unsigned int *p)'),
    clock: f('int nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, _Out_ unsigned int *clock)'),
    maxClock: f('int nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, int type, _Out_ unsigned int *clock)'),
    fan: f('int nvmlDeviceGetFanSpeed(nvmlDevice_t d, _Out_ unsigned int *speed)'),
    temp: f('int nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, _Out_ unsigned int *t)'),
    tempV: f('int nvmlDeviceGetTemperatureV(nvmlDevice_t d, void *t)'),
    power: f('int nvmlDeviceGetPowerUsage(nvmlDevice_t d, _Out_ unsigned int *p)'),
    powerLimit: f('int nvmlDeviceGetPowerManagementLimit(nvmlDevice_t d, _Out_ unsigned int *p)'),
    enforcedLimit: f('int nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, _Out_ unsigned int *p)'),
    pcie: f('int nvmlDeviceGetPcieThroughput(nvmlDevice_t d, int counter, _Out_ unsigned int *v)'),
    displayActive: f('int nvmlDeviceGetDisplayActive(nvmlDevice_t d, _Out_ int *v)'),
    pstate: f('int nvmlDeviceGetPerformanceState(nvmlDevice_t d, _Out_ int *v)'),
    ecc: f('int nvmlDeviceGetTotalEccErrors(nvmlDevice_t d, int type, int counter, _Out_ unsigned long long *n)'),
    computeMode: f('int nvmlDeviceGetComputeMode(nvmlDevice_t d, _Out_ int *v)'),
    cc: f('int nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, _Out_ int *major, _Out_ int *minor)'),
    driverModelV2: f('int nvmlDeviceGetDriverModel_v2(nvmlDevice_t d, _Out_ int *current, _Out_ int *pending)'),
    isMig: f('int nvmlDeviceIsMigDeviceHandle(nvmlDevice_t d, _Out_ unsigned int *isMig)'),
    migMode: f('int nvmlDeviceGetMigMode(nvmlDevice_t d, _Out_ unsigned int *cur, _Out_ unsigned int *pend)'),
    maxMig: f('int nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t d, _Out_ unsigned int *n)'),
    migByIndex: f('int nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t d, unsigned int i, _Out_ nvmlDevice_t *m)'),
    parentOf: f('int nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t m, _Out_ nvmlDevice_t *d)'),
    giId: f('int nvmlDeviceGetGpuInstanceId(nvmlDevice_t d, _Out_ unsigned int *id)'),
    ciId: f('int nvmlDeviceGetComputeInstanceId(nvmlDevice_t d, _Out_ unsigned int *id)'),
    compute: f('int nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, _Inout_ unsigned int *n, void *infos)'),
    computeV2: f('int nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, _Inout_ unsigned int *n, void *infos)'),
    computeV3: f('int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, _Inout_ unsigned int *n, void *infos)'),
    graphicsV3: f('int nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t d, _Inout_ unsigned int *n, void *infos)'),
    detailList: f('int nvmlDeviceGetRunningProcessDetailList(nvmlDevice_t d, void *plist)'),
    procUtil: f(
      'int nvmlDeviceGetProcessUtilization(nvmlDevice_t d, void *samples, _Inout_ unsigned int *n, unsigned long long lastSeen)',
    ),
    fields: f('int nvmlDeviceGetFieldValues(nvmlDevice_t d, int count, void *values)'),
    nvlinkState: f('int nvmlDeviceGetNvLinkState(nvmlDevice_t d, unsigned int link, _Out_ int *active)'),
    loadScenario: f('int fakeNvml_loadScenario(const char *path)'),
    resetCounts: lib.func('void fakeNvml_resetCallCounts(void)') as unknown as () => void,
    getCount: lib.func('unsigned long long fakeNvml_getCallCount(const char *name)') as unknown as (
      n: string,
    ) => number | bigint,
    writeCounts: f('int fakeNvml_writeCallCounts(const char *path)'),
  };
}

type Api = ReturnType<typeof bind>;

/** A fresh library instance with `scenario` (name, path or object) loaded and initialized. */
function open(scenario: string | object, libPath?: string): Api {
  const api = bind(freshCopy(libPath));
  const path = typeof scenario === 'string' ? (scenario.includes('/') ? scenario : scenarioPath(scenario)) : writeScenario(scenario);
  expect(api.loadScenario(path)).toBe(0);
  expect(api.init()).toBe(SUCCESS);
  return api;
}

function handle(api: Api, index: number): unknown {
  const h: unknown[] = [null];
  expect(api.byIndex(index, h)).toBe(SUCCESS);
  return h[0];
}

function cstr(buf: Buffer, offset = 0, length = buf.length - offset): string {
  const slice = buf.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.toString('latin1', 0, end < 0 ? slice.length : end);
}

/** Bytes of `buf` from `from` on that still hold the sentinel (nothing was written there). */
function untouchedFrom(buf: Buffer, from: number): boolean {
  return buf.subarray(from).every((b) => b === SENTINEL);
}

function sentinelBuffer(size: number): Buffer {
  return Buffer.alloc(size, SENTINEL);
}

function nowUs(): bigint {
  return BigInt(Date.now()) * 1000n;
}

describe('lifecycle', () => {
  it('nvmlErrorString words codes as NVML does, without init', () => {
    const api = bind(freshCopy());
    expect(api.errorString(0)).toBe('Success');
    expect(api.errorString(1)).toBe('Uninitialized');
    expect(api.errorString(2)).toBe('Invalid Argument');
    expect(api.errorString(3)).toBe('Not Supported');
    expect(api.errorString(4)).toBe('Insufficient Permissions');
    expect(api.errorString(6)).toBe('Not Found');
    expect(api.errorString(7)).toBe('Insufficient Size');
    expect(api.errorString(9)).toBe('Driver Not Loaded');
    expect(api.errorString(10)).toBe('Timeout');
    expect(api.errorString(13)).toBe('Function Not Found');
    expect(api.errorString(15)).toBe('GPU is lost');
    expect(api.errorString(25)).toBe('Argument version mismatch');
    expect(api.errorString(999)).toBe('Unknown Error');
    expect(api.errorString(12345)).toBe('Unknown Error');
  });

  it('answers UNINITIALIZED before init and after the last shutdown (reference counted)', () => {
    const api = bind(freshCopy());
    const n = [0];
    expect(api.count(n)).toBe(UNINITIALIZED);
    expect(api.shutdown()).toBe(UNINITIALIZED);
    expect(api.loadScenario(scenarioPath('one-gpu'))).toBe(0);
    expect(api.init()).toBe(SUCCESS);
    expect(api.initWithFlags(0)).toBe(SUCCESS);
    const h = handle(api, 0);
    expect(api.shutdown()).toBe(SUCCESS);
    expect(api.count(n)).toBe(SUCCESS); // still one reference
    expect(api.shutdown()).toBe(SUCCESS);
    expect(api.count(n)).toBe(UNINITIALIZED);
    expect(api.fan(h, [0])).toBe(UNINITIALIZED);
    expect(api.shutdown()).toBe(UNINITIALIZED);
  });

  it('fails init with UNKNOWN when the scenario is unset, missing, invalid JSON or malformed', () => {
    const saved = process.env.NVITOP_FAKE_NVML_SCENARIO;
    try {
      delete process.env.NVITOP_FAKE_NVML_SCENARIO;
      expect(bind(freshCopy()).init()).toBe(UNKNOWN);
      process.env.NVITOP_FAKE_NVML_SCENARIO = join(tempDir(), 'does-not-exist.json');
      expect(bind(freshCopy()).init()).toBe(UNKNOWN);
      const bad = join(tempDir(), 'bad.json');
      writeFileSync(bad, '{"devices": [ {"name": "x",} ]}');
      process.env.NVITOP_FAKE_NVML_SCENARIO = bad;
      expect(bind(freshCopy()).init()).toBe(UNKNOWN);
      process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario({ devices: [{ nmae: 'typo' }] });
      expect(bind(freshCopy()).init()).toBe(UNKNOWN);
      process.env.NVITOP_FAKE_NVML_SCENARIO = scenarioPath('no-gpu');
      const api = bind(freshCopy());
      expect(api.init()).toBe(SUCCESS);
      const n = [99];
      expect(api.count(n)).toBe(SUCCESS);
      expect(n[0]).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NVITOP_FAKE_NVML_SCENARIO;
      else process.env.NVITOP_FAKE_NVML_SCENARIO = saved;
    }
  });

  it('returns initError from init and stays uninitialized', () => {
    const api = bind(freshCopy());
    expect(api.loadScenario(writeScenario({ initError: 'DRIVER_NOT_LOADED', devices: [] }))).toBe(0);
    expect(api.init()).toBe(9);
    expect(api.count([0])).toBe(UNINITIALIZED);
    expect(api.loadScenario(writeScenario({ initError: 18, devices: [] }))).toBe(0);
    expect(api.initWithFlags(0)).toBe(18);
  });

  it('legacy nvmlInit fails on a lost GPU while nvmlInit_v2 attaches lazily', () => {
    const api = bind(freshCopy());
    expect(api.loadScenario(scenarioPath('lost-gpu'))).toBe(0);
    expect(api.initV1()).toBe(GPU_IS_LOST);
    expect(api.init()).toBe(SUCCESS);
  });
});

describe('system queries and enumeration', () => {
  const api = open('eight-gpu');

  it('gives versions with NVML string-buffer rules', () => {
    const buf = Buffer.alloc(80);
    expect(api.driverVersion(buf, 80)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('560.35.03');
    expect(api.driverVersion(buf, 9)).toBe(INSUFFICIENT_SIZE); // needs 10 with the NUL
    expect(api.driverVersion(buf, 10)).toBe(SUCCESS);
    expect(api.driverVersion(null, 80)).toBe(INVALID_ARGUMENT);
    expect(api.nvmlVersion(buf, 80)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('12.560.35.03');
    const v = [0];
    expect(api.cudaVersion(v)).toBe(SUCCESS);
    expect(v[0]).toBe(12060);
    expect(api.cudaVersionV2(v)).toBe(SUCCESS);
    expect(api.cudaVersion(null)).toBe(INVALID_ARGUMENT);
  });

  it('enumerates devices; bad index or NULL output is INVALID_ARGUMENT', () => {
    const n = [0];
    expect(api.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(8);
    expect(api.count(null)).toBe(INVALID_ARGUMENT);
    const h: unknown[] = [null];
    expect(api.byIndex(8, h)).toBe(INVALID_ARGUMENT);
    expect(api.byIndex(0, null)).toBe(INVALID_ARGUMENT);
    const idx = [99];
    expect(api.index(handle(api, 5), idx)).toBe(SUCCESS);
    expect(idx[0]).toBe(5);
    expect(api.fan(null, [0])).toBe(INVALID_ARGUMENT);
    expect(api.fan(123456n, [0])).toBe(INVALID_ARGUMENT); // not a handle of ours
  });

  it('finds handles by UUID and PCI bus id (NOT_FOUND otherwise)', () => {
    const h6 = handle(api, 6);
    const h: unknown[] = [null];
    expect(api.byUuid('GPU-6c819557-a3b4-c0d1-e2f3-6e7f8091a2b3', h)).toBe(SUCCESS);
    expect(h[0]).toBe(h6);
    expect(api.byUuid('GPU-nope', h)).toBe(NOT_FOUND);
    expect(api.byBusId('00000000:B7:00.0', h)).toBe(SUCCESS);
    expect(h[0]).toBe(h6);
    expect(api.byBusId('0000:b7:00.0', h)).toBe(SUCCESS);
    expect(api.byBusId('b7:00.0', h)).toBe(SUCCESS);
    expect(api.byBusId('00000000:B8:00.0', h)).toBe(NOT_FOUND);
    expect(api.byBusId('garbage', h)).toBe(INVALID_ARGUMENT);
  });

  it('lost-gpu: the lost GPU is counted but its handle lookup fails with GPU_IS_LOST', () => {
    const lost = open('lost-gpu');
    const n = [0];
    expect(lost.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(2);
    const h: unknown[] = [null];
    expect(lost.byIndex(1, h)).toBe(GPU_IS_LOST);
    expect(lost.byIndex(0, h)).toBe(SUCCESS);
    expect(lost.byUuid('GPU-d358accf-1a2b-3748-596a-d5e6f708192a', h)).toBe(GPU_IS_LOST);
  });

  it('the legacy count and index space leave out GPUs without permission', () => {
    const api2 = open({ devices: [{ name: 'a' }, { name: 'b', handleError: 'NO_PERMISSION' }, { name: 'c' }] });
    const n = [0];
    expect(api2.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(3);
    expect(api2.countV1(n)).toBe(SUCCESS);
    expect(n[0]).toBe(2);
    const h: unknown[] = [null];
    expect(api2.byIndex(1, h)).toBe(4);
    expect(api2.byIndexV1(1, h)).toBe(SUCCESS);
    const buf = Buffer.alloc(96);
    expect(api2.name(h[0], buf, 96)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('c');
  });
});

describe('struct layouts and device queries', () => {
  const api = open('one-gpu');
  const h = handle(api, 0);
  const dev = loadScenario('one-gpu').devices[0]!;
  const mem = dev.memory as { total: number; reserved: number; used: number };

  it('strings: name, UUID, INSUFFICIENT_SIZE, NOT_SUPPORTED serial on GeForce', () => {
    const buf = Buffer.alloc(96);
    expect(api.name(h, buf, 96)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('NVIDIA GeForce RTX 4090');
    expect(api.name(h, buf, 10)).toBe(INSUFFICIENT_SIZE);
    expect(api.uuid(h, buf, 96)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('GPU-5b4c1a6e-3f0a-8d2b-9c71-2e6f4a8b0d13');
    expect(api.serial(h, buf, 30)).toBe(NOT_SUPPORTED);
  });

  it('nvmlPciInfo_t is 68 bytes; v3 formats busId with NVML_DEVICE_PCI_BUS_ID_FMT', () => {
    const buf = sentinelBuffer(68 + 16);
    expect(api.pciV3(h, buf)).toBe(SUCCESS);
    expect(untouchedFrom(buf, 68)).toBe(true);
    expect(cstr(buf, 0, 16)).toBe('0000:01:00.0');
    expect(buf.readUInt32LE(16)).toBe(0); // domain
    expect(buf.readUInt32LE(20)).toBe(1); // bus
    expect(buf.readUInt32LE(24)).toBe(0); // device
    expect(buf.readUInt32LE(28)).toBe(0x268410de);
    expect(buf.readUInt32LE(32)).toBe(0x167c10de);
    expect(cstr(buf, 36, 32)).toBe('00000000:01:00.0');
    const v1 = sentinelBuffer(68);
    expect(api.pciV1(h, v1)).toBe(SUCCESS);
    expect(untouchedFrom(v1, 52)).toBe(true); // the legacy struct was 52 bytes
    expect(v1.readUInt32LE(28)).toBe(0x268410de);
  });

  it('nvmlMemory_v2_t: 40 bytes, version word 0x02000028, used excludes reserved', () => {
    const buf = sentinelBuffer(40 + 8);
    buf.writeUInt32LE(0, 0);
    expect(api.memV2(h, buf)).toBe(ARGUMENT_VERSION_MISMATCH);
    buf.writeUInt32LE(0x01000028, 0);
    expect(api.memV2(h, buf)).toBe(ARGUMENT_VERSION_MISMATCH);
    buf.writeUInt32LE(0x02000028, 0);
    expect(api.memV2(h, buf)).toBe(SUCCESS);
    expect(untouchedFrom(buf, 40)).toBe(true);
    expect(buf.readBigUInt64LE(8)).toBe(BigInt(mem.total));
    expect(buf.readBigUInt64LE(16)).toBe(BigInt(mem.reserved));
    expect(buf.readBigUInt64LE(24)).toBe(BigInt(mem.total - mem.reserved - mem.used));
    expect(buf.readBigUInt64LE(32)).toBe(BigInt(mem.used));
    expect(api.memV2(h, null)).toBe(INVALID_ARGUMENT);
  });

  it('nvmlMemory_t: 24 bytes, v1 used = used + reserved, same free', () => {
    const buf = sentinelBuffer(24 + 8);
    expect(api.mem(h, buf)).toBe(SUCCESS);
    expect(untouchedFrom(buf, 24)).toBe(true);
    expect(buf.readBigUInt64LE(0)).toBe(BigInt(mem.total));
    expect(buf.readBigUInt64LE(8)).toBe(BigInt(mem.total - mem.reserved - mem.used));
    expect(buf.readBigUInt64LE(16)).toBe(BigInt(mem.used + mem.reserved));
  });

  it('BAR1 (24 bytes) and utilization (8 bytes)', () => {
    const b = sentinelBuffer(32);
    expect(api.bar1(h, b)).toBe(SUCCESS);
    expect(untouchedFrom(b, 24)).toBe(true);
    expect(b.readBigUInt64LE(0)).toBe(268435456n);
    expect(b.readBigUInt64LE(8)).toBe(268435456n - 14680064n);
    expect(b.readBigUInt64LE(16)).toBe(14680064n);
    const u = sentinelBuffer(16);
    expect(api.util(h, u)).toBe(SUCCESS);
    expect(untouchedFrom(u, 8)).toBe(true);
    expect([u.readUInt32LE(0), u.readUInt32LE(4)]).toEqual([67, 41]);
  });

  it('temperature: V (12 bytes, version 0x0100000C) and the base call', () => {
    const t = sentinelBuffer(16);
    t.writeUInt32LE(0x0100000c, 0);
    t.writeInt32LE(0, 4);
    expect(api.tempV(h, t)).toBe(SUCCESS);
    expect(untouchedFrom(t, 12)).toBe(true);
    expect(t.readInt32LE(8)).toBe(63);
    t.writeUInt32LE(0x0200000c, 0);
    expect(api.tempV(h, t)).toBe(ARGUMENT_VERSION_MISMATCH);
    const v = [0];
    expect(api.temp(h, 0, v)).toBe(SUCCESS);
    expect(v[0]).toBe(63);
    expect(api.temp(h, 1, v)).toBe(INVALID_ARGUMENT);
  });

  it('scalar queries, enums and NOT_SUPPORTED for absent fields', () => {
    const v = [0];
    const p = [0];
    expect(api.encoder(h, v, p)).toBe(SUCCESS);
    expect([v[0], p[0]]).toEqual([0, 167000]);
    expect(api.clock(h, 2, v)).toBe(SUCCESS);
    expect(v[0]).toBe(10501);
    expect(api.clock(h, 4, v)).toBe(INVALID_ARGUMENT);
    expect(api.maxClock(h, 0, v)).toBe(SUCCESS);
    expect(v[0]).toBe(3105);
    expect(api.fan(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(47);
    expect(api.power(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(312456);
    expect(api.powerLimit(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(450000);
    expect(api.enforcedLimit(h, v)).toBe(SUCCESS);
    expect(api.pcie(h, 1, v)).toBe(SUCCESS);
    expect(v[0]).toBe(11264);
    expect(api.pcie(h, 2, v)).toBe(INVALID_ARGUMENT);
    expect(api.displayActive(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(1);
    expect(api.pstate(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(2);
    expect(api.computeMode(h, v)).toBe(SUCCESS);
    const maj = [0];
    const min = [0];
    expect(api.cc(h, maj, min)).toBe(SUCCESS);
    expect([maj[0], min[0]]).toEqual([8, 9]);
    const n = [0n];
    expect(api.ecc(h, 1, 0, n)).toBe(NOT_SUPPORTED); // GeForce: no ECC
    expect(api.ecc(h, 5, 0, n)).toBe(INVALID_ARGUMENT);
    expect(api.driverModelV2(h, v, p)).toBe(NOT_SUPPORTED); // Linux
    expect(api.driverModelV2(h, null, null)).toBe(INVALID_ARGUMENT);
    expect(api.migMode(h, v, p)).toBe(NOT_SUPPORTED);
    expect(api.isMig(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(0);
    expect(api.giId(h, v)).toBe(NOT_SUPPORTED);
  });

  it('old-gpu: most queries are NOT_SUPPORTED by absence', () => {
    const old = open('old-gpu', fakeLibraryPath(loadScenario('old-gpu').missingSymbols));
    const g = handle(old, 0);
    const v = [0];
    expect(old.power(g, v)).toBe(NOT_SUPPORTED);
    expect(old.util(g, Buffer.alloc(8))).toBe(NOT_SUPPORTED);
    expect(old.computeV2(g, [0], null)).toBe(NOT_SUPPORTED);
    expect(old.fan(g, v)).toBe(SUCCESS);
    const k80 = handle(old, 1);
    expect(old.fan(k80, v)).toBe(NOT_SUPPORTED);
    const m = Buffer.alloc(24);
    expect(old.mem(k80, m)).toBe(SUCCESS);
    expect(m.readBigUInt64LE(16)).toBe(2052n * 1024n * 1024n);
  });
});

/** Read `n` process entries of `stride` bytes. */
function readProcs(buf: Buffer, n: number, stride: number) {
  return Array.from({ length: n }, (_, i) => {
    const o = i * stride;
    return {
      pid: buf.readUInt32LE(o),
      mem: buf.readBigUInt64LE(o + 8),
      gi: stride >= 24 ? buf.readUInt32LE(o + 16) : undefined,
      ci: stride >= 24 ? buf.readUInt32LE(o + 20) : undefined,
      cc: stride >= 32 ? buf.readBigUInt64LE(o + 24) : undefined,
    };
  });
}

describe('process lists (two-call protocol)', () => {
  const api = open('one-gpu');
  const h = handle(api, 0);

  it('count 0 + NULL gives INSUFFICIENT_SIZE and the count; a small buffer too', () => {
    const n = [0];
    expect(api.computeV3(h, n, null)).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(2);
    n[0] = 1;
    expect(api.computeV3(h, n, Buffer.alloc(24))).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(2);
    n[0] = 5;
    expect(api.computeV3(h, n, null)).toBe(INVALID_ARGUMENT);
    expect(api.computeV3(h, null, null)).toBe(INVALID_ARGUMENT);
  });

  it('v3 and v2 write 24-byte entries, the base call 16-byte ones; self/parent PIDs resolve', () => {
    for (const [fn, stride] of [
      [api.computeV3, 24],
      [api.computeV2, 24],
      [api.compute, 16],
    ] as const) {
      const cap = 2 * 2 + 5;
      const buf = sentinelBuffer(cap * stride);
      const n = [cap];
      expect(fn(h, n, buf)).toBe(SUCCESS);
      expect(n[0]).toBe(2);
      expect(untouchedFrom(buf, 2 * stride)).toBe(true);
      const procs = readProcs(buf, 2, stride);
      expect(procs.map((p) => p.pid)).toEqual([process.pid, 4999999]);
      expect(procs[0]!.mem).toBe(3758096384n);
      if (stride === 24) expect([procs[0]!.gi, procs[0]!.ci]).toEqual([NO_ID, NO_ID]);
    }
    const n = [4];
    const buf = sentinelBuffer(4 * 24);
    expect(api.graphicsV3(h, n, buf)).toBe(SUCCESS);
    expect(n[0]).toBe(1);
    expect(readProcs(buf, 1, 24)[0]!.pid).toBe(process.ppid);
  });

  it('an empty list is SUCCESS with 0; usedGpuMemory null is ULLONG_MAX', () => {
    const api2 = open({
      devices: [{ computeProcesses: [], graphicsProcesses: [{ pid: 7, usedGpuMemory: null }] }],
    });
    const g = handle(api2, 0);
    const n = [0];
    expect(api2.computeV3(g, n, null)).toBe(SUCCESS);
    expect(n[0]).toBe(0);
    const buf = Buffer.alloc(24);
    n[0] = 1;
    expect(api2.graphicsV3(g, n, buf)).toBe(SUCCESS);
    expect(readProcs(buf, 1, 24)[0]!.mem).toBe(ULLONG_MAX);
  });

  it('one-gpu-r535: _v3 writes 32-byte entries', () => {
    const r535 = open('one-gpu-r535', fakeLibraryPath(loadScenario('one-gpu-r535').missingSymbols));
    const g = handle(r535, 0);
    const n = [0];
    expect(r535.computeV3(g, n, null)).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(3);
    const buf = sentinelBuffer(3 * 32 + 8);
    expect(r535.computeV3(g, n, buf)).toBe(SUCCESS);
    expect(untouchedFrom(buf, 96)).toBe(true);
    const procs = readProcs(buf, 3, 32);
    expect(procs.map((p) => p.pid)).toEqual([4900401, 4900402, 4900403]);
    expect(procs.map((p) => p.mem)).toEqual([30208n, 2048n, 512n].map((m) => m * 1024n * 1024n));
    expect(procs[2]!.cc).toBe(0n);
    // _v2 still writes 24-byte entries on that driver.
    const b2 = sentinelBuffer(3 * 24 + 8);
    n[0] = 3;
    expect(r535.computeV2(g, n, b2)).toBe(SUCCESS);
    expect(untouchedFrom(b2, 72)).toBe(true);
  });

  it('nvmlDeviceGetRunningProcessDetailList checks its version and follows the protocol', () => {
    const list = Buffer.alloc(24);
    list.writeUInt32LE(0x01000018, 0); // nvmlProcessDetailList_v1
    list.writeUInt32LE(0, 4); // compute
    list.writeUInt32LE(0, 8);
    expect(api.detailList(h, list)).toBe(INSUFFICIENT_SIZE);
    expect(list.readUInt32LE(8)).toBe(2);
    list.writeUInt32LE(0x01000020, 0);
    expect(api.detailList(h, list)).toBe(ARGUMENT_VERSION_MISMATCH);
  });
});

describe('MIG', () => {
  const api = open('mig');
  const parent = handle(api, 0);

  it('walks MIG devices like nvitop: NOT_FOUND after the last, INVALID_ARGUMENT past the max', () => {
    const v = [0];
    const p = [0];
    expect(api.migMode(parent, v, p)).toBe(SUCCESS);
    expect([v[0], p[0]]).toEqual([1, 1]);
    expect(api.maxMig(parent, v)).toBe(SUCCESS);
    expect(v[0]).toBe(7);
    const names: string[] = [];
    const m: unknown[] = [null];
    for (let i = 0; i < 7; i++) {
      const r = api.migByIndex(parent, i, m);
      if (r !== SUCCESS) {
        expect(r).toBe(NOT_FOUND);
        break;
      }
      const buf = Buffer.alloc(96);
      expect(api.name(m[0], buf, 96)).toBe(SUCCESS);
      names.push(cstr(buf));
      expect(api.isMig(m[0], v)).toBe(SUCCESS);
      expect(v[0]).toBe(1);
      const back: unknown[] = [null];
      expect(api.parentOf(m[0], back)).toBe(SUCCESS);
      expect(back[0]).toBe(parent);
    }
    expect(names).toEqual([
      'NVIDIA A100-SXM4-40GB MIG 1g.5gb',
      'NVIDIA A100-SXM4-40GB MIG 2g.10gb',
      'NVIDIA A100-SXM4-40GB MIG 3g.20gb',
    ]);
    expect(api.migByIndex(parent, 7, m)).toBe(INVALID_ARGUMENT);
    expect(api.parentOf(parent, m)).toBe(INVALID_ARGUMENT);
    expect(api.maxMig(handle(api, 1), v)).toBe(SUCCESS);
    expect(v[0]).toBe(0);
  });

  it('MIG handles have GI/CI ids, their own processes; the parent aggregates them', () => {
    const m: unknown[] = [null];
    expect(api.migByIndex(parent, 2, m)).toBe(SUCCESS);
    const id = [0];
    expect(api.giId(m[0], id)).toBe(SUCCESS);
    expect(id[0]).toBe(2);
    expect(api.ciId(m[0], id)).toBe(SUCCESS);
    expect(id[0]).toBe(0);
    const buf = Buffer.alloc(10 * 24);
    const n = [10];
    expect(api.computeV3(m[0], n, buf)).toBe(SUCCESS);
    expect(readProcs(buf, n[0]!, 24).map((p) => [p.pid, p.gi, p.ci])).toEqual([
      [4900103, 2, 0],
      [4900104, 2, 0],
    ]);
    n[0] = 10;
    expect(api.computeV3(parent, n, buf)).toBe(SUCCESS);
    const all = readProcs(buf, n[0]!, 24);
    expect(all.map((p) => [p.pid, p.gi])).toEqual([
      [4900101, 13],
      [4900102, 5],
      [4900103, 2],
      [4900104, 2],
    ]);
    expect(all[0]!.mem).toBe(ULLONG_MAX);
    // Physical-GPU-wide utilization is not available with MIG on.
    expect(api.util(parent, Buffer.alloc(8))).toBe(NOT_SUPPORTED);
    expect(api.procUtil(parent, null, [0], 0n)).toBe(NOT_SUPPORTED);
    // UUID lookup reaches MIG devices.
    const h: unknown[] = [null];
    expect(api.byUuid('MIG-3c4d5e6f-7081-5c9d-aebf-2a3b4c5d6e7f', h)).toBe(SUCCESS);
    expect(h[0]).toBe(m[0]);
  });
});

describe('per-process utilization', () => {
  const api = open('one-gpu');
  const h = handle(api, 0);

  it('two calls; only samples newer than lastSeenTimeStamp; NOT_FOUND when none', () => {
    const n = [0];
    const since = nowUs() - 1_000_000n;
    expect(api.procUtil(h, null, n, since)).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(3);
    const buf = sentinelBuffer(3 * 32 + 8);
    expect(api.procUtil(h, buf, n, since)).toBe(SUCCESS);
    expect(n[0]).toBe(3);
    expect(untouchedFrom(buf, 96)).toBe(true);
    const s0 = { pid: buf.readUInt32LE(0), ts: buf.readBigUInt64LE(8), sm: buf.readUInt32LE(16), mem: buf.readUInt32LE(20) };
    expect(s0.pid).toBe(process.pid);
    expect([s0.sm, s0.mem]).toEqual([55, 30]);
    expect(s0.ts > since).toBe(true);
    expect(s0.ts - nowUs() < 5_000_000n).toBe(true);
    expect(buf.readUInt32LE(64)).toBe(process.ppid);
    n[0] = 0;
    expect(api.procUtil(h, null, n, nowUs() + 60_000_000n)).toBe(NOT_FOUND);
  });

  it('honours per-sample timeStamp and ageUs', () => {
    const t0 = Number(nowUs()) - 10_000_000;
    const api2 = open({
      devices: [
        {
          processUtilization: [
            { pid: 1, smUtil: 1, timeStamp: t0 },
            { pid: 2, smUtil: 2, ageUs: 5_000_000 },
            { pid: 3, smUtil: 3 },
          ],
        },
      ],
    });
    const g = handle(api2, 0);
    const n = [0];
    expect(api2.procUtil(g, null, n, 0n)).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(3);
    expect(api2.procUtil(g, null, n, nowUs() - 1_000_000n)).toBe(INSUFFICIENT_SIZE);
    expect(n[0]).toBe(1);
    const buf = Buffer.alloc(32);
    expect(api2.procUtil(g, buf, n, nowUs() - 1_000_000n)).toBe(SUCCESS);
    expect(buf.readUInt32LE(0)).toBe(3);
  });
});

describe('field values (NVLink)', () => {
  const api = open('eight-gpu');

  function readFields(h: unknown, req: Array<[number, number]>) {
    const buf = sentinelBuffer(req.length * 40);
    req.forEach(([id, scope], i) => {
      buf.writeUInt32LE(id, i * 40);
      buf.writeUInt32LE(scope, i * 40 + 4);
    });
    expect(api.fields(h, req.length, buf)).toBe(SUCCESS);
    return req.map((_, i) => {
      const o = i * 40;
      return {
        ts: buf.readBigInt64LE(o + 8),
        type: buf.readInt32LE(o + 24),
        ret: buf.readInt32LE(o + 28),
        ui: buf.readUInt32LE(o + 32),
        ull: buf.readBigUInt64LE(o + 32),
      };
    });
  }

  it('link count, per-entry errors, counters that grow at the scenario rate', async () => {
    const a100 = handle(api, 0);
    const [count, bad, unknownField] = readFields(a100, [
      [91, 0],
      [138, 12],
      [12345, 0],
    ]);
    expect(count).toMatchObject({ ret: SUCCESS, type: 1, ui: 12 });
    expect(bad!.ret).toBe(INVALID_ARGUMENT);
    expect(unknownField!.ret).toBe(NOT_SUPPORTED);
    const req: Array<[number, number]> = [
      [138, 0],
      [139, 0],
      [138, 11],
    ];
    const first = readFields(a100, req);
    await new Promise((r) => setTimeout(r, 60));
    const second = readFields(a100, req);
    for (const f of [...first, ...second]) expect(f).toMatchObject({ ret: SUCCESS, type: 3 });
    const rate = (i: number) =>
      (1e6 * Number(second[i]!.ull - first[i]!.ull)) / Number(second[i]!.ts - first[i]!.ts);
    expect(rate(0)).toBeGreaterThan(2150000 * 0.98);
    expect(rate(0)).toBeLessThan(2150000 * 1.02);
    expect(rate(1)).toBeGreaterThan(2100000 * 0.98);
    expect(rate(1)).toBeLessThan(2100000 * 1.02);
    // No NVLink on an RTX 3090 here.
    expect(readFields(handle(api, 4), [[91, 0]])[0]!.ret).toBe(NOT_SUPPORTED);
    const active = [0];
    expect(api.nvlinkState(a100, 3, active)).toBe(SUCCESS);
    expect(active[0]).toBe(1);
    expect(api.nvlinkState(a100, 12, active)).toBe(INVALID_ARGUMENT);
  });
});

describe('error injection', () => {
  it('per-call errors; a family name covers every version; system errors', () => {
    const scenario = loadScenario('one-gpu');
    scenario.devices[0]!.errors = {
      nvmlDeviceGetFanSpeed: 3,
      nvmlDeviceGetMemoryInfo: 'UNKNOWN',
      nvmlDeviceGetComputeRunningProcesses: 4,
      nvmlDeviceGetComputeRunningProcesses_v2: 10,
    };
    scenario.errors = { nvmlSystemGetDriverVersion: 'NO_PERMISSION' };
    const api = open(scenario);
    const h = handle(api, 0);
    expect(api.fan(h, [0])).toBe(NOT_SUPPORTED);
    const m = Buffer.alloc(40);
    m.writeUInt32LE(0x02000028, 0);
    expect(api.memV2(h, m)).toBe(UNKNOWN);
    expect(api.mem(h, m)).toBe(UNKNOWN);
    expect(api.computeV3(h, [0], null)).toBe(4);
    expect(api.compute(h, [0], null)).toBe(4);
    expect(api.computeV2(h, [0], null)).toBe(10);
    expect(api.power(h, [0])).toBe(SUCCESS);
    expect(api.driverVersion(Buffer.alloc(80), 80)).toBe(4);
  });

  it('"*" fails every call on that device (lost after its handle was obtained), MIG children too', () => {
    const api = open('lost-gpu-star');
    const h0 = handle(api, 0); // the lookup itself still works
    expect(api.fan(h0, [0])).toBe(GPU_IS_LOST);
    expect(api.name(h0, Buffer.alloc(96), 96)).toBe(GPU_IS_LOST);
    expect(api.isMig(h0, [0])).toBe(GPU_IS_LOST);
    expect(api.fan(handle(api, 1), [0])).toBe(SUCCESS);

    const mig = loadScenario('mig');
    mig.devices[0]!.errors = { '*': 'GPU_IS_LOST' };
    const api2 = open(mig);
    const parent = handle(api2, 0);
    expect(api2.migByIndex(parent, 0, [null])).toBe(GPU_IS_LOST);
    const m: unknown[] = [null];
    expect(api2.byUuid('MIG-1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d', m)).toBe(SUCCESS);
    expect(api2.name(m[0], Buffer.alloc(96), 96)).toBe(GPU_IS_LOST);
  });

  it('rejects unknown function names in "errors"', () => {
    const api = bind(freshCopy());
    expect(api.loadScenario(writeScenario({ devices: [{ errors: { nvmlDeviceGetFanSpeeed: 3 } }] }))).toBe(-1);
  });
});

describe('symbol-hiding variants', () => {
  it('a variant really lacks the hidden symbols (koffi lib.func throws)', () => {
    const hidden = ['nvmlDeviceGetMemoryInfo_v2', 'nvmlDeviceGetTemperatureV'];
    const lib = koffi.load(fakeLibraryPath(hidden));
    expect(() => lib.func('int nvmlDeviceGetMemoryInfo_v2(void *d, void *m)')).toThrow();
    expect(() => lib.func('int nvmlDeviceGetTemperatureV(void *d, void *t)')).toThrow();
    expect(() => lib.func('int nvmlDeviceGetMemoryInfo(void *d, void *m)')).not.toThrow();
    expect(() => lib.func('int fakeNvml_loadScenario(const char *p)')).not.toThrow();
    expect(fakeLibraryPath([...hidden].reverse())).toBe(fakeLibraryPath(hidden));
    expect(() => fakeLibraryPath(['bad name; }'])).toThrow(/not a C symbol/);
  });

  it('fakeNvmlEnv picks the variant for the scenario’s missingSymbols', () => {
    const env = fakeNvmlEnv('old-gpu');
    expect(env.NVITOP_FAKE_NVML_SCENARIO).toBe(scenarioPath('old-gpu'));
    expect(env.PATH).toBe(process.env.PATH);
    const lib = koffi.load(env.NVITOP_NVML_LIBRARY!);
    for (const sym of loadScenario('old-gpu').missingSymbols!) {
      expect(() => lib.func(`int ${sym}(void *a, void *b)`), sym).toThrow();
    }
    expect(() => lib.func('int nvmlDeviceGetComputeRunningProcesses_v2(void *a, void *b, void *c)')).not.toThrow();
    expect(fakeNvmlEnv('one-gpu').NVITOP_NVML_LIBRARY).toBe(fakeLibraryPath());
    const objEnv = fakeNvmlEnv({ devices: [] }, { NVITOP_FAKE_NVML_COUNTS: '/tmp/x.json' });
    expect(JSON.parse(readFileSync(objEnv.NVITOP_FAKE_NVML_SCENARIO!, 'utf8'))).toEqual({ devices: [] });
    expect(objEnv.NVITOP_FAKE_NVML_COUNTS).toBe('/tmp/x.json');
  });
});

describe('scenario reloading', () => {
  it('re-reads the file when its mtime changes (checked at most every 100 ms); handles stay valid', async () => {
    const scenario = loadScenario('eight-gpu');
    const path = writeScenario(scenario);
    const api = open(path);
    const h = handle(api, 4);
    const a100 = handle(api, 0);
    const v = [0];
    expect(api.fan(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(61);
    const txCounter = (): bigint => {
      const b = Buffer.alloc(40);
      b.writeUInt32LE(138, 0); // NVLink TX, link 0
      expect(api.fields(a100, 1, b)).toBe(SUCCESS);
      return b.readBigUInt64LE(32);
    };
    const before = txCounter();
    const changed = structuredClone(scenario) as FakeScenario;
    changed.devices[4]!.fanSpeed = 99;
    changed.devices[0]!.nvlink = { linkCount: 12, txRateKiBps: 0, rxRateKiBps: 0 };
    changed.devices.pop();
    updateScenario(path, changed);
    await new Promise((r) => setTimeout(r, 150));
    expect(api.fan(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(99);
    const n = [0];
    expect(api.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(7);
    // NVLink counters never go backwards across a reload.
    expect(txCounter() >= before).toBe(true);
    // A broken rewrite keeps the previous scenario.
    writeFileSync(path, '{ not json');
    await new Promise((r) => setTimeout(r, 150));
    expect(api.fan(h, v)).toBe(SUCCESS);
    expect(v[0]).toBe(99);
  });

  it('fakeNvml_loadScenario switches scenarios in-process; a bad file keeps the old one', () => {
    const api = open('one-gpu');
    const h = handle(api, 0);
    const n = [0];
    expect(api.loadScenario(scenarioPath('eight-gpu'))).toBe(0);
    expect(api.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(8);
    const buf = Buffer.alloc(96);
    expect(api.name(h, buf, 96)).toBe(SUCCESS);
    expect(cstr(buf)).toBe('NVIDIA A100-SXM4-80GB'); // same slot, new contents
    expect(api.loadScenario(join(tempDir(), 'missing.json'))).toBe(-1);
    expect(api.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(8);
    expect(api.loadScenario(scenarioPath('no-gpu'))).toBe(0);
    expect(api.name(h, buf, 96)).toBe(GPU_IS_LOST); // the GPU went away
  });

  it('loads a generated 64-device scenario', () => {
    const api = open(generateScenario({ devices: 64 }));
    const n = [0];
    expect(api.count(n)).toBe(SUCCESS);
    expect(n[0]).toBe(64);
    const p = [0];
    expect(api.computeV3(handle(api, 63), p, null)).toBe(INSUFFICIENT_SIZE);
    expect(p[0]).toBe(2);
  });
});

describe('call counting', () => {
  it('counts every call per symbol, failures included; resets; writes JSON', () => {
    const api = bind(freshCopy());
    expect(api.count([0])).toBe(UNINITIALIZED);
    expect(api.loadScenario(scenarioPath('one-gpu'))).toBe(0);
    expect(api.init()).toBe(SUCCESS);
    const h = handle(api, 0);
    api.name(h, Buffer.alloc(96), 96);
    api.name(h, Buffer.alloc(96), 2);
    expect(Number(api.getCount('nvmlDeviceGetCount_v2'))).toBe(1);
    expect(Number(api.getCount('nvmlDeviceGetName'))).toBe(2);
    expect(Number(api.getCount('nvmlDeviceGetHandleByIndex_v2'))).toBe(1);
    expect(Number(api.getCount('nvmlNoSuchThing'))).toBe(0);
    const out = join(tempDir(), 'counts.json');
    expect(api.writeCounts(out)).toBe(0);
    expect(readCallCounts(out)).toEqual({
      nvmlInit_v2: 1,
      nvmlDeviceGetCount_v2: 1,
      nvmlDeviceGetHandleByIndex_v2: 1,
      nvmlDeviceGetName: 2,
    });
    api.resetCounts();
    expect(Number(api.getCount('nvmlDeviceGetName'))).toBe(0);
    const atShutdown = join(tempDir(), 'shutdown.json');
    process.env.NVITOP_FAKE_NVML_COUNTS = atShutdown;
    try {
      api.fan(h, [0]);
      expect(api.shutdown()).toBe(SUCCESS);
      expect(readCallCounts(atShutdown)).toEqual({ nvmlDeviceGetFanSpeed: 1, nvmlShutdown: 1 });
    } finally {
      delete process.env.NVITOP_FAKE_NVML_COUNTS;
    }
  });

  it('writes NVITOP_FAKE_NVML_COUNTS at process exit; init problems print one stderr line', () => {
    const out = join(tempDir(), 'exit-counts.json');
    const code = `
      import koffi from 'koffi';
      const lib = koffi.load(process.env.NVITOP_NVML_LIBRARY);
      const init = lib.func('int nvmlInitWithFlags(unsigned int flags)');
      const count = lib.func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *n)');
      const r = init(0);
      const n = [0];
      count(n);
      count(n);
      console.log(JSON.stringify({ r, n: n[0] }));
    `;
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    const ok = run(fakeNvmlEnv('one-gpu', { NVITOP_FAKE_NVML_COUNTS: out }));
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ r: 0, n: 1 });
    expect(readCallCounts(out)).toEqual({ nvmlInitWithFlags: 1, nvmlDeviceGetCount_v2: 2 });

    const bad = run(fakeNvmlEnv('one-gpu', { NVITOP_FAKE_NVML_SCENARIO: join(tempDir(), 'nope.json') }));
    expect(JSON.parse(bad.stdout)).toEqual({ r: UNKNOWN, n: 0 });
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fake-nvml: cannot open scenario .*nope\.json/);
  });
});

describe('helpers', () => {
  it('withPids substitutes distinct PIDs in order of first appearance', () => {
    const s = withPids('eight-gpu', [101, 102, 103, 104, 105]);
    expect(s.devices[0]!.computeProcesses!.map((p) => p.pid)).toEqual([101, 102]);
    expect(s.devices[1]!.computeProcesses!.map((p) => p.pid)).toEqual([101, 103]);
    expect(s.devices[2]!.computeProcesses!.map((p) => p.pid)).toEqual([103, 104]);
    expect(s.devices[4]!.computeProcesses![0]!.pid).toBe(105);
    expect(s.devices[4]!.graphicsProcesses![0]!.pid).toBe(105);
    expect(s.devices[4]!.processUtilization![0]!.pid).toBe(105);
    expect(s.devices[5]!.computeProcesses![0]!.pid).toBe(4900006); // beyond the list: kept
    expect(loadScenario('eight-gpu').devices[0]!.computeProcesses![0]!.pid).toBe(4900001); // copy

    const m = withPids(loadScenario('mig'), [7, 8, 9, 10, 11]);
    expect(m.devices[0]!.migDevices!.map((d) => d.computeProcesses!.map((p) => p.pid))).toEqual([[7], [8], [9, 10]]);
    expect(m.devices[1]!.computeProcesses![0]!.pid).toBe(11);
    expect(m.devices[1]!.processUtilization![0]!.pid).toBe(11);

    const o = withPids('one-gpu', { self: 42, 4999999: 43 });
    expect(o.devices[0]!.computeProcesses!.map((p) => p.pid)).toEqual([42, 43]);
    expect(o.devices[0]!.graphicsProcesses![0]!.pid).toBe('parent');
  });
});
