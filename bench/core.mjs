#!/usr/bin/env node
// Core API figures on the fake eight-GPU machine:
//  1. NVML calls made by Device.all() + asSnapshot() + processes() (+ MIG devices), per function;
//  2. time from `node` start to the first snapshot, against `node -e 0`, measured in the same run.
// Run: npm run build && npm run build:fake-nvml && node bench/core.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const scenario = path.join(root, 'test/fake-nvml/scenarios/eight-gpu.json');
const library = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
const counts = path.join(mkdtempSync(path.join(tmpdir(), 'nvitop-bench-')), 'counts.json');
const env = { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: scenario };

const snapshotScript = `
  import { Device, GpuProcess } from ${JSON.stringify(path.join(root, 'dist/bundle/index.js'))};
  for (const device of Device.all()) {
    device.asSnapshot();
    GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true });
    for (const mig of device.migDevices()) { mig.asSnapshot(); GpuProcess.takeSnapshots(mig.processes().values(), { failsafe: true }); }
  }
  process.stdout.write('done');`;

// 1. Call counts
execFileSync(process.execPath, ['--input-type=module', '-e', snapshotScript], { env: { ...env, NVITOP_FAKE_NVML_COUNTS: counts } });
const perFunction = JSON.parse(readFileSync(counts, 'utf8'));
const total = Object.values(perFunction).reduce((a, b) => a + b, 0);
console.log('NVML calls for Device.all() + asSnapshot() + processes() on eight-gpu:');
for (const [name, count] of Object.entries(perFunction).sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(5)}  ${name}`);
console.log(`  ${String(total).padStart(5)}  total`);

// 2. Start-up time
function time(args, extraEnv = {}) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv } });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
const baseline = time(['-e', '0']);
const firstSnapshot = time(['--input-type=module', '-e', snapshotScript]);
console.log(`\nstart-up, median of ${runs} runs:`);
console.log(`  node -e 0                          ${baseline.toFixed(1)} ms`);
console.log(`  node start -> all eight snapshots  ${firstSnapshot.toFixed(1)} ms`);
console.log(`  ratio                              ${(firstSnapshot / baseline).toFixed(2)}x`);
