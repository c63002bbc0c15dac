// nvisel and selectDevices figures on the fake GPUs:
//  1. `nvisel` start-to-exit time on the eight-GPU scenario, as a ratio to `node -e 0` measured
//     in the same run (interleaved, median of N);
//  2. NVML calls of one selection, against taking full device snapshots (what nvitop does);
//  3. the pure decision function's cost for 8 / 64 / 256 candidates;
//  4. the cost of taking and releasing one GPU lock.
//
//   npm run build && npm run build:fake-nvml && node bench/nvisel.mjs [N]
//
// Prints figures only; nothing here passes or fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number.parseInt(process.argv[2] ?? process.env.BENCH_N ?? '21', 10);
const bin = path.join(root, 'bin', 'nvisel.js');
const dist = path.join(root, 'dist', 'index.js');
const work = mkdtempSync(path.join(tmpdir(), 'nvisel-bench-'));
const env = {
  ...process.env,
  NVITOP_NVML_LIBRARY: path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1'),
  NVITOP_FAKE_NVML_SCENARIO: path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json'),
  NVITOP_LOCK_DIR: path.join(work, 'locks'),
  CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
};
delete env.CUDA_VISIBLE_DEVICES;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function time(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}

// 1. start-to-exit
const cases = {
  'node -e 0': ['-e', '0'],
  'nvisel': [bin],
  'nvisel -n 2 -f 30GiB -O uuid': [bin, '-n', '2', '-f', '30GiB', '-O', 'uuid'],
  'nvisel --account-as-free': [bin, '--account-as-free'],
  'nvisel -n 1 --lock <pid>': [bin, '-n', '1', '--lock', String(process.pid)],
};
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const args of Object.values(cases)) await time(args); // warm the file cache
for (let i = 0; i < runs; i += 1) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(await time(args));
  rmSync(env.NVITOP_LOCK_DIR, { recursive: true, force: true });
}
const base = median(samples['node -e 0']);
console.log(`start to exit, median of ${runs} (eight-GPU fake):`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(`  ${name.padEnd(30)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x node -e 0  (+${(m - base).toFixed(1)} ms)`);
}

// 2. NVML calls of one selection vs full snapshots (the fake counts calls at exit).
function counts(script) {
  const file = path.join(work, `counts-${Math.random().toString(36).slice(2)}.json`);
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...env, NVITOP_FAKE_NVML_COUNTS: file }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  const all = JSON.parse(readFileSync(file, 'utf8'));
  const device = Object.entries(all).filter(([name]) => name.startsWith('nvmlDevice'));
  return { total: device.reduce((sum, [, n]) => sum + n, 0), pcie: all.nvmlDeviceGetPcieThroughput ?? 0 };
}
const selection = counts(`import { selectDevices } from ${JSON.stringify(dist)}; selectDevices();`);
const snapshots = counts(`import { Device } from ${JSON.stringify(dist)}; Device.all().map((d) => d.asSnapshot());`);
console.log('\nnvmlDevice* calls for eight GPUs:');
console.log(`  selectDevices()                 ${String(selection.total).padStart(5)}  (PCIe throughput queries: ${selection.pcie})`);
console.log(`  full snapshots (nvitop's way)   ${String(snapshots.total).padStart(5)}  (PCIe throughput queries: ${snapshots.pcie}, ~20 ms each on a real driver)`);
console.log(`  ratio                           ${(snapshots.total / selection.total).toFixed(1)}x fewer calls`);

// 3. the pure decision function
const api = await import(dist);
const GiB = 1024 ** 3;
const criteria = api.normalizeSelectOptions({ minFreeMemory: '8GiB', maxGpuUtilization: 60, tolerance: 10, maxCount: 4 });
console.log('\ndecideDevices (pure), per decision:');
for (const n of [8, 64, 256]) {
  const candidates = Array.from({ length: n }, (_, i) => ({
    index: i, physicalIndex: i, isMigDevice: false, uuid: `GPU-${i}`,
    memoryTotal: 80 * GiB, memoryFree: ((i * 7919) % 80) * GiB, memoryUsed: ((i * 104729) % 80) * GiB,
    gpuUtilization: (i * 31) % 101, memoryUtilization: (i * 17) % 101,
  }));
  const iterations = Math.max(200, Math.floor(200_000 / n));
  for (let i = 0; i < 50; i += 1) api.decideDevices(candidates, criteria);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) api.decideDevices(candidates, criteria);
  const us = Number(process.hrtime.bigint() - start) / 1e3 / iterations;
  console.log(`  ${String(n).padStart(3)} candidates  ${us.toFixed(1).padStart(8)} µs`);
}

// 4. one lock: take and release
const lockDir = path.join(work, 'bench-locks');
const iterations = 2000;
for (let i = 0; i < 100; i += 1) api.tryLockDevice('GPU-bench', { dir: lockDir }).release();
const start = process.hrtime.bigint();
for (let i = 0; i < iterations; i += 1) api.tryLockDevice('GPU-bench', { dir: lockDir }).release();
console.log(`\ntryLockDevice + release: ${(Number(process.hrtime.bigint() - start) / 1e3 / iterations).toFixed(1)} µs`);
rmSync(work, { recursive: true, force: true });
