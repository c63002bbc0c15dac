#!/usr/bin/env node
// ResourceMetricCollector figures on the fake NVML (test/fake-nvml):
//  1. CPU time per sample, and per device, for 1, 8 and 64 GPUs (2 processes per GPU, all of
//     them the benchmark process itself, so host facts come from the real /proc), on the
//     background path (`sample()`: only the recorded values) and on the full path
//     (`takeSnapshots()`: nvitop's, complete device and process snapshots);
//     Cold: the first calls of a fresh process (n = 2000/devices after as many warm-up calls;
//     process CPU, so V8's optimising compiler threads count); warm: 200 calls after at least 400.
//  2. heap after 1 000 and after 100 000 samples on 8 GPUs (running statistics: must stay flat).
// Each configuration runs in its own process (a loaded libnvidia-ml keeps its scenario).
// --baseline DIR: the same figures of another built checkout (npm ci && npm run build &&
// npm run build:fake-nvml there), in interleaved rounds (--rounds, default 5), medians printed.
// Run: npm run build && npm run build:fake-nvml && node bench/collector.mjs [--quick] [--baseline DIR]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A child measures the checkout it is given (its dist/ and its fake library).
const root = process.argv[2] === '--child' ? process.argv[5] : here;
const quick = process.argv.includes('--quick');
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
};

async function child(mode, devices) {
  const { ResourceMetricCollector, setQueryCacheTtl } = await import(path.join(root, 'dist/index.js'));
  // Cost: every sample asks NVML, as the 1 s background timer does. Memory: the default 500 ms
  // query cache, so 100 000 samples take minutes, not hours (what is measured is the growth of
  // the statistics, which does not depend on where the values come from).
  if (mode === 'cost') setQueryCacheTtl(0);
  const collector = new ResourceMetricCollector({ rootPids: [1], interval: 3600 });
  collector.activate('bench');
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000; // ms
  };
  if (mode === 'cost') {
    const result = {};
    for (const [name, take] of [['sample', () => collector.sample()], ['takeSnapshots', () => collector.takeSnapshots()]]) {
      const n = Math.max(20, Math.round((quick ? 2000 : 20000) / devices));
      for (let i = 0; i < Math.min(n, 200); i += 1) take(); // warm-up
      const c0 = cpu();
      const t0 = performance.now();
      for (let i = 0; i < n; i += 1) take();
      result[name] = { cpuUs: ((cpu() - c0) * 1000) / n, wallUs: ((performance.now() - t0) * 1000) / n, n };
    }
    for (let i = 2 * result.takeSnapshots.n; i < 400; i += 1) collector.takeSnapshots();
    const c0 = cpu();
    for (let i = 0; i < 200; i += 1) collector.takeSnapshots();
    result.takeSnapshotsWarm = { cpuUs: ((cpu() - c0) * 1000) / 200, n: 200 };
    result.keys = Object.keys(collector.collect()).length;
    process.stdout.write(JSON.stringify(result));
    return;
  }
  // memory: heap after 1 000 and after 100 000 samples
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const total = quick ? 10_000 : 100_000;
  for (let i = 0; i < 1000; i += 1) collector.sample();
  collector.collect();
  const after1k = heap();
  const t0 = performance.now();
  for (let i = 1000; i < total; i += 1) collector.sample();
  const seconds = (performance.now() - t0) / 1000;
  const keys = Object.keys(collector.collect()).length;
  const afterAll = heap();
  process.stdout.write(JSON.stringify({ after1k, afterAll, total, seconds, keys }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  const { generateScenario } = await import(path.join(root, 'test/fake-nvml/generate-scenario.mjs'));
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-collector-'));
  const scenarioFor = (devices) => {
    // Every process is the benchmark's child itself: real /proc reads for the host facts.
    const scenario = generateScenario({ devices, processesPerDevice: 2 });
    const json = JSON.stringify(scenario).replace(/"pid":\s*\d+/g, '"pid":"self"');
    const file = path.join(dir, `scenario-${devices}.json`);
    writeFileSync(file, json);
    return file;
  };
  const run = (checkout, mode, devices) => {
    const library = path.join(checkout, 'build/fake-nvml/libnvidia-ml.so.1');
    const env = { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: scenarioFor(devices) };
    const args = ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, String(devices), checkout, ...(quick ? ['--quick'] : [])];
    const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child ${mode} ${devices} (${checkout}) failed:\n${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const baseline = option('--baseline');
  const checkouts = baseline === undefined ? [['this', here]] : [['baseline', path.resolve(baseline)], ['this', here]];
  const rounds = baseline === undefined ? 1 : Number(option('--rounds') ?? 5);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const costs = new Map(); // `${name} ${devices}` -> results of every round
  for (let round = 0; round < rounds; round += 1) {
    for (const devices of [1, 8, 64]) {
      for (const [name, checkout] of checkouts) {
        const key = `${name} ${devices}`;
        costs.set(key, [...(costs.get(key) ?? []), run(checkout, 'cost', devices)]);
      }
    }
  }
  console.log(`ResourceMetricCollector, fake NVML, Node ${process.version}, query cache off${rounds > 1 ? `, medians of ${rounds} interleaved rounds` : ''}`);
  if (baseline !== undefined) console.log(`baseline: ${path.resolve(baseline)}`);
  console.log(`${baseline === undefined ? '' : 'checkout  '}devices  keys   sample(): CPU us/sample  us/device   takeSnapshots(): CPU us/sample  us/device   ratio   warm takeSnapshots() us`);
  for (const devices of [1, 8, 64]) {
    for (const [name] of checkouts) {
      const results = costs.get(`${name} ${devices}`);
      const sample = median(results.map((r) => r.sample.cpuUs));
      const take = median(results.map((r) => r.takeSnapshots.cpuUs));
      const warm = median(results.map((r) => r.takeSnapshotsWarm.cpuUs));
      console.log(
        `${baseline === undefined ? '' : name.padEnd(10)}${String(devices).padStart(7)}  ${String(results[0].keys).padStart(5)}   ${sample.toFixed(0).padStart(22)}  ${(sample / devices).toFixed(1).padStart(9)}   ${take.toFixed(0).padStart(29)}  ${(take / devices).toFixed(1).padStart(9)}   ${(take / sample).toFixed(1)}x   ${warm.toFixed(0).padStart(22)}`,
      );
    }
  }
  const m = run(here, 'memory', 8);
  const mib = (b) => (b / 2 ** 20).toFixed(2);
  console.log(`\nheap on 8 GPUs (${m.keys} keys): after 1 000 samples ${mib(m.after1k)} MiB, after ${m.total.toLocaleString('en')} samples ${mib(m.afterAll)} MiB, growth ${mib(m.afterAll - m.after1k)} MiB (${m.seconds.toFixed(1)} s)`);
}
