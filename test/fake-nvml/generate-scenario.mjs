#!/usr/bin/env node
// Writes an N-device fake NVML scenario (for the 1 / 8 / 64-device benchmarks).
//
//   node test/fake-nvml/generate-scenario.mjs --devices 64 [--processes 2] [--out file.json]
//                                             [--nvlink] [--pid-base 4800000] [--seed 1]
//
//   import { generateScenario } from './test/fake-nvml/generate-scenario.mjs';
//   const scenario = generateScenario({ devices: 64, processesPerDevice: 2 });
//
// GPUs cycle through a few realistic models (A100-SXM4-80GB with NVLink, H100 SXM5, RTX 4090,
// L40S); values are deterministic for a given seed. Each GPU gets `processesPerDevice` compute
// processes (placeholder PIDs pidBase + k, unique across GPUs; substitute real ones with
// withPids() from test/helpers/fake-nvml.ts) and one sample per process for
// nvmlDeviceGetProcessUtilization. Every third GPU also has one graphics process that is also
// one of its compute processes (type C+G).

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MiB = 1024 * 1024;

const MODELS = [
  {
    name: 'NVIDIA A100-SXM4-80GB', memMiB: 81920, reservedMiB: 650, pciDeviceId: '0x20B210DE',
    subsys: '0x147F10DE', cc: [8, 0], power: 400000, clocks: [1410, 1410, 1593, 1275],
    fan: false, ecc: true, mig: true, nvlinks: 12, bar1: 131072,
  },
  {
    name: 'NVIDIA H100 80GB HBM3', memMiB: 81559, reservedMiB: 583, pciDeviceId: '0x233010DE',
    subsys: '0x16C110DE', cc: [9, 0], power: 700000, clocks: [1980, 1980, 2619, 1545],
    fan: false, ecc: true, mig: true, nvlinks: 18, bar1: 131072,
  },
  {
    name: 'NVIDIA GeForce RTX 4090', memMiB: 24564, reservedMiB: 318, pciDeviceId: '0x268410DE',
    subsys: '0x167C10DE', cc: [8, 9], power: 450000, clocks: [3105, 3105, 10501, 2415],
    fan: true, ecc: false, mig: false, nvlinks: 0, bar1: 256,
  },
  {
    name: 'NVIDIA L40S', memMiB: 46068, reservedMiB: 456, pciDeviceId: '0x26B910DE',
    subsys: '0x185110DE', cc: [8, 9], power: 350000, clocks: [2520, 2520, 9001, 1965],
    fan: false, ecc: true, mig: false, nvlinks: 0, bar1: 65536,
  },
];

/** Small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(n, width) {
  return n.toString(16).padStart(width, '0');
}

/**
 * @param {{ devices?: number, processesPerDevice?: number, nvlink?: boolean, pidBase?: number,
 *           seed?: number, driverVersion?: string, cudaDriverVersion?: number }} [options]
 * @returns {object} a scenario object (see README.md)
 */
export function generateScenario({
  devices = 8,
  processesPerDevice = 2,
  nvlink = true,
  pidBase = 4800000,
  seed = 1,
  driverVersion = '560.35.03',
  cudaDriverVersion = 12060,
} = {}) {
  if (!Number.isInteger(devices) || devices < 0 || devices > 256) {
    throw new Error(`devices must be an integer 0..256, got ${devices}`);
  }
  if (!Number.isInteger(processesPerDevice) || processesPerDevice < 0) {
    throw new Error(`processesPerDevice must be a non-negative integer, got ${processesPerDevice}`);
  }
  const rand = rng(seed);
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  let nextPid = pidBase;
  const list = [];
  for (let i = 0; i < devices; i++) {
    const m = MODELS[i % MODELS.length];
    const util = int(0, 100);
    const procs = [];
    for (let k = 0; k < processesPerDevice; k++) {
      procs.push({ pid: nextPid++, usedGpuMemory: int(256, Math.floor(m.memMiB / (processesPerDevice + 1))) * MiB });
    }
    const usedBytes = procs.reduce((s, p) => s + p.usedGpuMemory, 0) + 4 * MiB;
    const graphics = i % 3 === 0 && procs.length ? [{ pid: procs[0].pid, usedGpuMemory: 64 * MiB }] : [];
    const uuid = `GPU-${hex(i, 8)}-${hex(int(0, 0xffff), 4)}-${hex(int(0, 0xffff), 4)}-${hex(int(0, 0xffff), 4)}-${hex(int(0, 0xffffff), 6)}${hex(int(0, 0xffffff), 6)}`;
    const device = {
      name: m.name,
      uuid,
      pci: { domain: Math.floor(i / 256), bus: i % 256, device: 0, pciDeviceId: m.pciDeviceId, pciSubSystemId: m.subsys },
      memory: { total: m.memMiB * MiB, reserved: m.reservedMiB * MiB, used: usedBytes + (graphics.length ? 64 * MiB : 0) },
      bar1: { total: m.bar1 * MiB, used: int(2, 32) * MiB },
      utilization: { gpu: util, memory: Math.floor(util / 2) },
      encoder: 0,
      decoder: 0,
      clocks: { graphics: util ? m.clocks[0] : 210, sm: util ? m.clocks[1] : 210, memory: m.clocks[2], video: util ? m.clocks[3] : 555 },
      maxClocks: { graphics: m.clocks[0], sm: m.clocks[1], memory: m.clocks[2], video: m.clocks[3] },
      temperature: 30 + Math.floor(util / 2),
      powerUsage: Math.floor(m.power * (0.1 + 0.85 * (util / 100))),
      powerLimit: m.power,
      enforcedPowerLimit: m.power,
      pcie: { tx: int(0, 4096), rx: int(0, 16384) },
      displayActive: 0,
      displayMode: 0,
      persistenceMode: 1,
      performanceState: util ? 0 : 8,
      computeMode: 0,
      cudaComputeCapability: m.cc,
      computeProcesses: procs,
      graphicsProcesses: graphics,
      processUtilization: procs.map((p, k) => ({
        pid: p.pid,
        smUtil: k === 0 ? util : int(0, 10),
        memUtil: k === 0 ? Math.floor(util / 2) : int(0, 5),
        encUtil: 0,
        decUtil: 0,
      })),
    };
    if (m.fan) device.fanSpeed = int(30, 90);
    if (m.ecc) device.eccVolatileUncorrected = 0;
    if (m.mig) {
      device.migMode = { current: 0, pending: 0 };
      device.maxMigDeviceCount = 0;
    }
    if (nvlink && m.nvlinks) {
      const rate = util ? int(100000, 3000000) : 0;
      device.nvlink = { linkCount: m.nvlinks, txRateKiBps: rate, rxRateKiBps: rate };
    }
    list.push(device);
  }
  return {
    description: `Generated: ${devices} GPUs, ${processesPerDevice} compute processes each (seed ${seed}).`,
    driverVersion,
    nvmlVersion: `12.${driverVersion}`,
    cudaDriverVersion,
    devices: list,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  try {
    const scenario = generateScenario({
      devices: Number(opt('--devices', '8')),
      processesPerDevice: Number(opt('--processes', '2')),
      nvlink: !args.includes('--no-nvlink'),
      pidBase: Number(opt('--pid-base', '4800000')),
      seed: Number(opt('--seed', '1')),
    });
    const text = `${JSON.stringify(scenario, null, 2)}\n`;
    const out = opt('--out', undefined);
    if (out) {
      writeFileSync(out, text);
      console.log(resolve(out));
    } else {
      process.stdout.write(text);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
