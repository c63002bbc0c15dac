#!/usr/bin/env node
// Cost of one OpenTelemetry collection of GpuMetrics on the fake eight-GPU machine, as a ratio to
// one collection of nvitop-exporter (createExporter + registry.metrics() with --interval 0, so
// every scrape collects). Both run in one process over dist/, alternating, with the scenario's
// processes made real (sleeping children) so that host facts come from /proc:
//
//  - OTel: an SDK MetricReader's collect() (the batch callback reading the GPUs + the SDK's
//    aggregation), with and without per-process memory;
//  - exporter: registry.metrics() (collection + Prometheus text);
//  - NVML calls per collection, from the fake's counters;
//  - the same again with the fake's real-driver PCIe sampling delay (pcieSampleDelayMs 20: NVML
//    blocks ~20 ms per nvmlDeviceGetPcieThroughput call), which the exporter reads and GpuMetrics
//    does not (it reports cumulative PCIe byte counters instead).
//
// Run: npm run build && npm run build:fake-nvml && node bench/opentelemetry.mjs [rounds]
// Prints figures only; nothing here passes or fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, replacePids, root, startSleeper } from './_stand-ins.mjs';

const library = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
const childMode = process.argv[2] === '--in-process';
const rounds = Number.parseInt((childMode ? process.argv[3] : process.argv[2]) ?? process.env.BENCH_N ?? '30', 10);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function inProcess() {
  const koffi = (await import('koffi')).default;
  const { Registry } = await import('prom-client');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { createExporter } = await import(path.join(root, 'dist/index.js'));
  const { GpuMetrics } = await import(path.join(root, 'dist/opentelemetry/index.js'));
  const lib = koffi.load(library);
  const writeCounts = lib.func('int fakeNvml_writeCallCounts(const char *path)');
  const loadScenarioFile = lib.func('int fakeNvml_loadScenario(const char *path)');
  const countsFile = process.env.NVITOP_FAKE_NVML_COUNTS;
  const calls = () => {
    writeCounts(null);
    return Object.values(JSON.parse(readFileSync(countsFile, 'utf8'))).reduce((a, b) => a + b, 0);
  };

  class ManualReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const otel = (processMemory) => {
    const reader = new ManualReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    new GpuMetrics({ meterProvider, processMemory }).start();
    return async () => {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics;
    };
  };
  const registry = new Registry();
  createExporter({ registry, hostname: 'bench', interval: 0 });
  const subjects = {
    exporter: () => registry.metrics(),
    otel: otel(false),
    otelProcesses: otel(true),
  };

  const measure = async (n) => {
    const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    const nvml = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    for (const fn of Object.values(subjects)) for (let i = 0; i < 3; i += 1) await fn(); // warm-up
    for (let i = 0; i < n; i += 1) {
      for (const [name, fn] of Object.entries(subjects)) {
        const c0 = calls();
        const t0 = performance.now();
        await fn();
        times[name].push(performance.now() - t0);
        nvml[name].push(calls() - c0);
      }
    }
    return Object.fromEntries(Object.keys(subjects).map((k) => [k, { ms: median(times[k]), calls: median(nvml[k]) }]));
  };

  const plain = await measure(rounds);
  if (loadScenarioFile(process.env.BENCH_SLOW_SCENARIO) !== 0) throw new Error('could not load the slow-PCIe scenario');
  const slowPcie = await measure(Math.max(3, Math.min(rounds, 8)));
  process.stdout.write(JSON.stringify({ plain, slowPcie }));
}

if (childMode) {
  await inProcess();
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-otel-'));
  const children = [];
  try {
    const scenario = loadScenario('eight-gpu');
    const processes = replacePids(scenario, () => {
      const child = startSleeper(3600);
      children.push(child);
      return child.pid;
    });
    const file = path.join(dir, 'eight-gpu-real.json');
    writeFileSync(file, JSON.stringify(scenario));
    const slow = path.join(dir, 'eight-gpu-real-slow-pcie.json');
    writeFileSync(slow, JSON.stringify({ ...scenario, pcieSampleDelayMs: 20 }));
    const env = {
      ...process.env,
      NVITOP_NVML_LIBRARY: library,
      NVITOP_FAKE_NVML_SCENARIO: file,
      NVITOP_FAKE_NVML_COUNTS: path.join(dir, 'counts.json'),
      BENCH_SLOW_SCENARIO: slow,
    };
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--in-process', String(rounds)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`in-process run failed:\n${r.stderr}`);
    const { plain, slowPcie } = JSON.parse(r.stdout);
    console.log(`GpuMetrics (OpenTelemetry) vs nvitop-exporter, one collection each, fake eight-GPU machine (${processes} real processes), Node ${process.version}`);
    const table = (title, m, n) => {
      console.log(`\n${title} (median of ${n}):`);
      const row = (label, s) => console.log(`  ${label.padEnd(46)} ${s.ms.toFixed(2).padStart(8)} ms  ${String(s.calls).padStart(5)} NVML calls`);
      row('nvitop-exporter: registry.metrics()', m.exporter);
      row('GpuMetrics: MetricReader.collect()', m.otel);
      row('GpuMetrics with processMemory: collect()', m.otelProcesses);
      console.log(`  ratio OTel / exporter: ${(m.otel.ms / m.exporter.ms).toFixed(2)}x time, ${(m.otel.calls / m.exporter.calls).toFixed(2)}x NVML calls` +
        `; with processMemory: ${(m.otelProcesses.ms / m.exporter.ms).toFixed(2)}x time, ${(m.otelProcesses.calls / m.exporter.calls).toFixed(2)}x NVML calls`);
    };
    table('fake NVML as is (PCIe throughput answers at once)', plain, rounds);
    table('with the real driver\'s PCIe sampling (pcieSampleDelayMs 20)', slowPcie, Math.max(3, Math.min(rounds, 8)));
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
