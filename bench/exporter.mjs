#!/usr/bin/env node
// nvitop-exporter figures on the fake eight-GPU machine (test/fake-nvml, 12 process entries made
// real: every scenario PID is a sleeping child of this script, so host facts come from /proc):
//
//  1. in-process (createExporter in a prom-client registry, imported from dist/): the cost of one
//     scrape that collects (ms, NVML calls), of one answered from the cache, and of 10 concurrent
//     scrapes, against 10 scrapes that each collect (interval 0, run one after another);
//  2. the built bin over HTTP on loopback (default --interval 1.0): latency of one scraper and of
//     10 concurrent scrapers per round, and NVML calls per round (NVITOP_FAKE_NVML_COUNTS, which
//     the fake writes when the exporter exits).
//
// Run: npm run build && npm run build:fake-nvml && node bench/exporter.mjs [rounds]
// Prints figures only; nothing here passes or fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, replacePids, startSleeper } from './_stand-ins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
const childMode = process.argv[2] === '--in-process';
const rounds = Number.parseInt((childMode ? process.argv[3] : process.argv[2]) ?? process.env.BENCH_N ?? '20', 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sumCounts = (file) => Object.values(JSON.parse(readFileSync(file, 'utf8'))).reduce((a, b) => a + b, 0);

/** The eight-GPU scenario with its placeholder PIDs replaced by real sleeping processes. */
function realScenario(dir, children) {
  const scenario = loadScenario('eight-gpu');
  const processes = replacePids(scenario, () => {
    const child = startSleeper(3600);
    children.push(child);
    return child.pid;
  });
  const file = path.join(dir, 'eight-gpu-real.json');
  writeFileSync(file, JSON.stringify(scenario));
  return { file, processes };
}

// ------------------------------------------------------------------ 1. in-process (child process)
async function inProcess() {
  const koffi = (await import('koffi')).default;
  const { Registry } = await import('prom-client');
  const { createExporter } = await import(path.join(root, 'dist/index.js'));
  const writeCounts = koffi.load(library).func('int fakeNvml_writeCallCounts(const char *path)');
  const countsFile = process.env.NVITOP_FAKE_NVML_COUNTS;
  const calls = () => {
    writeCounts(null); // to $NVITOP_FAKE_NVML_COUNTS
    return sumCounts(countsFile);
  };
  const time = async (fn) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };

  // Scrapes that collect every time (interval 0).
  const fresh = new Registry();
  createExporter({ registry: fresh, hostname: 'bench', interval: 0 });
  for (let i = 0; i < 5; i += 1) await fresh.metrics(); // warm-up (first-call work, JIT)
  const collecting = [];
  let c0 = calls();
  for (let i = 0; i < rounds; i += 1) collecting.push(await time(() => fresh.metrics()));
  const callsPerCollect = (calls() - c0) / rounds;

  // 10 scrapes, each collecting, one after another.
  const serial = [];
  c0 = calls();
  for (let i = 0; i < rounds; i += 1) serial.push(await time(async () => { for (let k = 0; k < 10; k += 1) await fresh.metrics(); }));
  const callsSerial = (calls() - c0) / rounds;

  // 10 concurrent scrapes with a TTL: one collection.
  const cached = new Registry();
  const exporter = createExporter({ registry: cached, hostname: 'bench', interval: 0.05 });
  for (let i = 0; i < 5; i += 1) await cached.metrics();
  const concurrent = [];
  const fromCache = [];
  c0 = calls();
  const n0 = exporter.collections;
  for (let i = 0; i < rounds; i += 1) {
    await sleep(60); // past the TTL: the next scrape collects
    concurrent.push(await time(() => Promise.all(Array.from({ length: 10 }, () => cached.metrics()))));
    fromCache.push(await time(() => cached.metrics()));
  }
  const callsConcurrent = (calls() - c0) / rounds;
  const collectionsConcurrent = (exporter.collections - n0) / rounds;
  const bytes = (await cached.metrics()).length;
  process.stdout.write(JSON.stringify({
    collecting: median(collecting),
    callsPerCollect,
    fromCache: median(fromCache),
    serial: median(serial),
    callsSerial,
    concurrent: median(concurrent),
    callsConcurrent,
    collectionsConcurrent,
    bytes,
  }));
}

// ------------------------------------------------------------------ 2. the bin over HTTP
function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Starts the bin, runs `scrapers` concurrent scrapes per round for `n` rounds 1.2 s apart, stops it. */
async function overHttp(scenarioFile, dir, scrapers, n) {
  const port = await freePort();
  const counts = path.join(dir, `counts-${scrapers}-${n}.json`);
  const child = spawn(process.execPath, [path.join(root, 'bin/nvitop-exporter.js'), '--port', String(port)], {
    env: { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: scenarioFile, NVITOP_FAKE_NVML_COUNTS: counts },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('INFO: Start the exporter')) resolve();
    });
    child.on('exit', () => reject(new Error(stderr)));
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  await sleep(1500); // the warm-up collection is done and expired
  const latencies = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: scrapers }, () => get(url)));
    latencies.push(performance.now() - t0);
    await sleep(1200); // past --interval 1.0: the next round collects again
  }
  await new Promise((resolve) => {
    child.on('close', resolve);
    child.kill('SIGINT');
  });
  return { latency: median(latencies), calls: sumCounts(counts) };
}

if (childMode) {
  await inProcess();
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-exporter-'));
  const children = [];
  try {
    const { file, processes } = realScenario(dir, children);
    const env = { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: file, NVITOP_FAKE_NVML_COUNTS: path.join(dir, 'in-process.json') };
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--in-process', String(rounds)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`in-process run failed:\n${r.stderr}`);
    const p = JSON.parse(r.stdout);
    console.log(`nvitop-exporter, fake eight-GPU machine (${processes} real processes), Node ${process.version}, median of ${rounds}`);
    console.log('\nin-process, createExporter + registry.metrics():');
    console.log(`  one scrape that collects          ${p.collecting.toFixed(2).padStart(8)} ms  ${p.callsPerCollect.toFixed(0).padStart(5)} NVML calls  (${(p.bytes / 1024).toFixed(0)} KiB of text)`);
    console.log(`  one scrape from the cache         ${p.fromCache.toFixed(2).padStart(8)} ms      0 NVML calls`);
    console.log(`  10 scrapes, each collecting       ${p.serial.toFixed(2).padStart(8)} ms  ${p.callsSerial.toFixed(0).padStart(5)} NVML calls`);
    console.log(`  10 concurrent scrapes (TTL)       ${p.concurrent.toFixed(2).padStart(8)} ms  ${p.callsConcurrent.toFixed(0).padStart(5)} NVML calls  (${p.collectionsConcurrent.toFixed(2)} collections per round)`);
    console.log(`  ratio 10 concurrent / 1 scrape: ${(p.concurrent / p.collecting).toFixed(2)}x time, ${(p.callsConcurrent / p.callsPerCollect).toFixed(2)}x NVML calls; 10 collecting / 10 concurrent: ${(p.serial / p.concurrent).toFixed(2)}x time`);

    const httpRounds = Math.max(3, Math.min(rounds, 8));
    const base = await overHttp(file, dir, 1, 0); // start-up and warm-up only
    const one = await overHttp(file, dir, 1, httpRounds);
    const ten = await overHttp(file, dir, 10, httpRounds);
    const perRound = (run) => (run.calls - base.calls) / httpRounds;
    console.log(`\nbin over HTTP (--interval 1.0), ${httpRounds} rounds 1.2 s apart:`);
    console.log(`  start-up (device listing + warm-up collection): ${base.calls} NVML calls`);
    console.log(`  1 scraper per round         ${one.latency.toFixed(2).padStart(8)} ms per round  ${perRound(one).toFixed(1).padStart(6)} NVML calls per round`);
    console.log(`  10 concurrent scrapers      ${ten.latency.toFixed(2).padStart(8)} ms per round  ${perRound(ten).toFixed(1).padStart(6)} NVML calls per round`);
    console.log(`  ratio 10 / 1: ${(ten.latency / one.latency).toFixed(2)}x time, ${(perRound(ten) / perRound(one)).toFixed(2)}x NVML calls`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
