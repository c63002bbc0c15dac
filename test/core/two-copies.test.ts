// Two copies of the package in one process (two installed versions in one app's tree that share a
// koffi, the sources under tsx beside the built bundle): koffi keeps one registry of type names
// per process, and the second copy's `koffi.struct('nvmlPciInfo_t', ...)` used to throw
// `Duplicate type name`. A child process loads the built package and a copy of it from another
// folder, both through the fake NVML, and reads the same devices through both, in turns. A second
// case registers some of the names first with other layouts (an older copy's structs): the package
// must read through its own layouts, not theirs.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import koffi from 'koffi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, scenarioPath } from '../helpers/fake-nvml.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);

interface ScenarioDevice {
  name: string;
  pci: { domain: number; bus: number; device: number };
  memory: { total: number; used: number };
  utilization: { gpu: number };
  energyConsumption: number;
  computeProcesses: Array<{ pid: number }>;
  graphicsProcesses: Array<{ pid: number }>;
}

const scenario = JSON.parse(readFileSync(scenarioPath('eight-gpu'), 'utf8')) as { devices: ScenarioDevice[] };
const hex = (value: number, digits: number) => value.toString(16).toUpperCase().padStart(digits, '0');
/** What each copy must read, from the scenario file (not from the package). */
const expected = scenario.devices.map((device) => ({
  name: device.name,
  busId: `${hex(device.pci.domain, 8)}:${hex(device.pci.bus, 2)}:${hex(device.pci.device, 2)}.0`,
  memoryTotal: device.memory.total,
  memoryUsed: device.memory.used,
  gpuUtilization: device.utilization.gpu,
  energy: device.energyConsumption,
  processes: new Set([...device.computeProcesses, ...device.graphicsProcesses].map((process) => process.pid)).size,
}));

// The program the child runs: placed in the second copy's folder, so that `koffi` resolves to the
// repository's one, as it does for both copies (one koffi, one registry of type names).
const PROGRAM = `
import koffi from 'koffi';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// An entry ending in .cjs is loaded with require(), as a CommonJS consumer does.
const load = async (entry) => (entry.endsWith('.cjs') ? createRequire(import.meta.url)(entry) : import(pathToFileURL(entry).href));

const [first, second, conflicting] = process.argv.slice(2);
if (conflicting === 'yes') {
  // An older copy's layouts under the same names: nvmlPciInfo_t as NVML's v1 (busId[16] first, no
  // legacy field), nvmlMemory_t with 32-bit fields, nvmlUtilization_t with its fields swapped
  // in size (a union).
  koffi.struct('nvmlPciInfo_t', { busId: koffi.array('char', 16, 'Array'), domain: 'unsigned int', bus: 'unsigned int', device: 'unsigned int', pciDeviceId: 'unsigned int', pciSubSystemId: 'unsigned int' });
  koffi.struct('nvmlMemory_t', { total: 'unsigned int', free: 'unsigned int', used: 'unsigned int' });
  koffi.union('nvmlUtilization_t', { gpu: 'unsigned int', memory: 'unsigned int' });
}

function read(api) {
  return api.Device.all().map((device) => ({
    name: device.name(),
    busId: device.busId(),
    memoryTotal: device.memoryTotal(),
    memoryUsed: device.memoryUsed(),
    gpuUtilization: device.gpuUtilization(),
    energy: device.counters().energyConsumption,
    processes: device.processes().size,
  }));
}

const a = await load(first);
const readings = [read(a)];
if (second !== '') {
  const b = await load(second);
  readings.push(read(b), read(a), read(b));
  readings.push({ distinct: a.Device !== b.Device, counts: [a.Device.count(), b.Device.count()] });
}
console.log(JSON.stringify(readings));
`;

let copy: string;
let program: string;
beforeAll(() => {
  // A second copy of the built package in another folder inside the repository (its node_modules
  // resolve from there), as npm would install another version of it.
  copy = mkdtempSync(path.join(ROOT, 'build', 'second-copy-'));
  mkdirSync(path.join(copy, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'dist', 'bundle'), path.join(copy, 'dist', 'bundle'), { recursive: true });
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: 'nvitop-node-second-copy', type: 'module' }));
  program = path.join(copy, 'program.mjs');
  writeFileSync(program, PROGRAM);
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

async function runProgram(second: string, conflicting: boolean, first = path.join(ROOT, 'dist', 'bundle', 'index.js')): Promise<unknown[]> {
  const { stdout, stderr } = await execFileAsync(process.execPath, [program, first, second, conflicting ? 'yes' : 'no'], {
    env: { ...process.env, ...fakeNvmlEnv('eight-gpu') },
    timeout: 20_000,
  });
  expect(stderr).toBe('');
  return JSON.parse(stdout) as unknown[];
}

describe('two copies of the package in one process', () => {
  it('both load, and each reads every device right, in turns', async () => {
    const readings = await runProgram(path.join(copy, 'dist', 'bundle', 'index.js'), false);
    expect(readings).toHaveLength(5);
    for (const reading of readings.slice(0, 4)) expect(reading).toEqual(expected);
    expect(readings[4]).toEqual({ distinct: true, counts: [8, 8] });
  });

  it('names that an earlier copy registered with other layouts do not change what is read', async () => {
    const readings = await runProgram(path.join(copy, 'dist', 'bundle', 'index.js'), true);
    expect(readings).toHaveLength(5);
    for (const reading of readings.slice(0, 4)) expect(reading).toEqual(expected);
  });

  it("one copy's ESM entry beside another copy's CommonJS entry (import and require in one process)", async () => {
    const readings = await runProgram(path.join(copy, 'dist', 'bundle', 'index.cjs'), false);
    expect(readings).toHaveLength(5);
    for (const reading of readings.slice(0, 4)) expect(reading).toEqual(expected);
    expect(readings[4]).toEqual({ distinct: true, counts: [8, 8] });
  });

  it('the ESM and CommonJS entries of one copy are one package (one Device class)', async () => {
    const entry = path.join(ROOT, 'dist', 'bundle', 'index.cjs');
    const readings = await runProgram(entry, false, path.join(ROOT, 'dist', 'bundle', 'index.js'));
    expect(readings[4]).toEqual({ distinct: false, counts: [8, 8] });
  });

  it("prototypes name this copy's types where another copy holds the C name with another layout", async () => {
    // In this test's own process: an earlier copy's nvmlPciInfo_t (NVML's v1 layout), then ours.
    koffi.struct('nvmlPciInfo_t', { busId: koffi.array('char', 16, 'Array'), domain: 'unsigned int', bus: 'unsigned int', device: 'unsigned int' });
    const structs = await import('../../src/core/nvml/structs.js');
    const { withLocalTypeNames, layoutKey } = await import('../../src/core/nvml/named-types.js');
    const prototype = 'int nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, _Out_ nvmlPciInfo_t *pci)';
    expect(withLocalTypeNames(prototype)).toBe('int nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, _Out_ nvmlPciInfo_t__2 *pci)');
    expect(layoutKey(koffi.type('nvmlPciInfo_t__2'))).toBe(layoutKey(structs.nvmlPciInfo_t));
    expect(layoutKey(koffi.type('nvmlPciInfo_t'))).not.toBe(layoutKey(structs.nvmlPciInfo_t));
    expect(structs.offsetOf(structs.nvmlPciInfo_t, 'busId')).toBe(36); // after busIdLegacy[16] and five uints
    // Names no other copy held stay as they are.
    expect(withLocalTypeNames('int f(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)')).toBe('int f(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)');
  });
});
