#!/usr/bin/env node
// What nvitop-exporter costs a node that runs it all the time, measured on the built bin with the
// fake eight-GPU machine (every scenario PID a real sleeping process, so host facts come from
// /proc), in CPU time (utime + stime from /proc, robust when the machine is busy) and RSS:
//
//  1. `node -e 0` in the same run (CPU time of the child and wall time, median of 9): the yardstick
//     for Python nvitop-exporter's 10.5 ms per collection measured on this machine (issue 15);
//  2. CPU per collection: the bin at its default --interval 1.0, scraped once a second for
//     SECONDS (default 20) as Prometheus does (Accept-Encoding: gzip), over RUNS runs (default 3):
//     the CPU the process used in the window divided by the collections it made (counted from the
//     distinct host_uptime_Second values served), and its RSS;
//  3. 50 concurrent connections (keep-alive, each scraping back to back) for SECONDS: latency
//     p50/p99/max, RSS before, at the peak, and 10 s after;
//  4. a long run: COLLECTIONS collections (default 3600, an hour of 1 Hz scrapes) made at 4 per
//     second (--interval 0.25, the shortest nvitop-exporter accepts, a scrape every 250 ms), RSS every 600 collections;
//     `--hour` scrapes once a second for a real hour instead.
//
//   npm run build && npm run build:fake-nvml && node bench/exporter-cost.mjs [--seconds 20] [--runs 3] [--collections 3600] [--hour]
//
// Prints figures only; nothing here passes or fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadScenario, replacePids, root, startSleeper } from './_stand-ins.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const SECONDS = option('seconds', 20);
const RUNS = option('runs', 3);
const HOUR = argv.includes('--hour');
const COLLECTIONS = HOUR ? 3600 : option('collections', 3600);
const PYTHON_MS = 10.5; // Python nvitop-exporter 1.7.0, CPU per collection, same stand-in NVML (issue 15)

const library = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
const bin = path.join(root, 'bin/nvitop-exporter.js');
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** CPU ms (utime + stime) of a live process. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}
/** CPU ms of this process's reaped children (cutime + cstime). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
}
function rss(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves with the (gunzipped) body and the latency in ms. */
function scrape(url, agent) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { agent, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ body: body.toString('utf8'), ms: performance.now() - t0 });
        });
      })
      .on('error', reject);
  });
}
const uptimeOf = (text) => /^host_uptime_Second\{[^}]*\} (\S+)$/m.exec(text)?.[1];

/** Starts the bin; resolves once it listens. */
async function startExporter(scenarioFile, interval) {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, '--port', String(port), '--interval', String(interval)], {
    env: { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: scenarioFile },
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
  const stop = () =>
    new Promise((resolve) => {
      child.on('close', resolve);
      child.kill('SIGINT');
    });
  return { child, url: `http://127.0.0.1:${port}/metrics`, stop };
}

function nodeBaseline() {
  const cpu = [];
  const wall = [];
  for (let i = 0; i < 10; i += 1) {
    const c0 = childrenCpuMs();
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    if (i > 0) {
      wall.push(performance.now() - t0);
      cpu.push(childrenCpuMs() - c0);
    }
  }
  // One tick is 10 ms: the mean of the nine runs resolves it better than their median.
  return { cpu: cpu.reduce((a, b) => a + b, 0) / cpu.length, wall: median(wall) };
}

/** CPU per collection when scraped once a second for SECONDS. */
async function perCollection(scenarioFile) {
  const exporter = await startExporter(scenarioFile, 1.0);
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await scrape(exporter.url, agent); // what Prometheus's first scrape pays: first-call work, JIT
    await sleep(1100);
    const uptimes = new Set();
    const c0 = cpuMs(exporter.child.pid);
    const t0 = performance.now();
    for (let i = 0; i < SECONDS; i += 1) {
      const next = t0 + (i + 1) * 1000;
      const { body } = await scrape(exporter.url, agent);
      uptimes.add(uptimeOf(body));
      await sleep(Math.max(0, next - performance.now()));
    }
    const cpu = cpuMs(exporter.child.pid) - c0;
    const seconds = (performance.now() - t0) / 1000;
    const result = { cpu, collections: uptimes.size, perCollection: cpu / uptimes.size, perSecond: cpu / seconds, rss: rss(exporter.child.pid) };
    agent.destroy();
    return result;
  } finally {
    await exporter.stop();
  }
}

/** 50 keep-alive connections scraping back to back for SECONDS. */
async function concurrent(scenarioFile) {
  const exporter = await startExporter(scenarioFile, 1.0);
  try {
    const warm = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i += 1) await scrape(exporter.url, warm);
    warm.destroy();
    await sleep(2000);
    const before = rss(exporter.child.pid);
    const c0 = cpuMs(exporter.child.pid);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const latencies = [];
    let peak = before;
    const end = performance.now() + SECONDS * 1000;
    const watcher = setInterval(() => (peak = Math.max(peak, rss(exporter.child.pid))), 250);
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < end) latencies.push((await scrape(exporter.url, agent)).ms);
      }),
    );
    clearInterval(watcher);
    agent.destroy();
    const cpu = cpuMs(exporter.child.pid) - c0;
    const atEnd = rss(exporter.child.pid);
    await sleep(10_000);
    return {
      requests: latencies.length,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      cpuPerRequest: cpu / latencies.length,
      before,
      peak,
      atEnd,
      after: rss(exporter.child.pid),
    };
  } finally {
    await exporter.stop();
  }
}

/** RSS over COLLECTIONS collections. */
async function longRun(scenarioFile) {
  const period = HOUR ? 1000 : 250;
  const exporter = await startExporter(scenarioFile, HOUR ? 1.0 : 0.25);
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const uptimes = new Set();
    const points = [];
    const c0 = cpuMs(exporter.child.pid);
    const t0 = performance.now();
    let i = 0;
    while (uptimes.size < COLLECTIONS) {
      const { body } = await scrape(exporter.url, agent);
      uptimes.add(uptimeOf(body));
      i += 1;
      if (uptimes.size % 600 === 0 && points.at(-1)?.collections !== uptimes.size) {
        points.push({ collections: uptimes.size, rss: rss(exporter.child.pid) });
      }
      await sleep(Math.max(0, t0 + i * period - performance.now()));
    }
    agent.destroy();
    return { points, seconds: (performance.now() - t0) / 1000, cpuPerCollection: (cpuMs(exporter.child.pid) - c0) / uptimes.size };
  } finally {
    await exporter.stop();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-exporter-cost-'));
const sleepers = [];
try {
  const scenario = loadScenario('eight-gpu');
  const processes = replacePids(scenario, () => {
    const child = startSleeper(3600 * 3);
    sleepers.push(child);
    return child.pid;
  });
  const scenarioFile = path.join(dir, 'eight-gpu-real.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  console.log(`nvitop-exporter cost, fake eight-GPU machine (${processes} real processes), Node ${process.version}, CLK_TCK ${ticks}`);
  console.log(`load average at start: ${load()}`);

  const runs = [];
  const baselines = [];
  for (let run = 0; run < RUNS; run += 1) {
    baselines.push(nodeBaseline());
    runs.push(await perCollection(scenarioFile));
  }
  baselines.push(nodeBaseline());
  const nodeCpu = median(baselines.map((b) => b.cpu));
  const nodeWall = median(baselines.map((b) => b.wall));
  const per = median(runs.map((r) => r.perCollection));
  console.log(`\n1. node -e 0: ${nodeCpu.toFixed(1)} ms CPU, ${nodeWall.toFixed(1)} ms wall (median of ${baselines.length} sets of 9)`);
  console.log(`2. CPU per collection, scraped once a second for ${SECONDS} s (--interval 1.0, gzip), ${RUNS} runs:`);
  for (const r of runs) console.log(`     ${r.perCollection.toFixed(2).padStart(7)} ms per collection, ${r.perSecond.toFixed(2)} ms per second  (${r.cpu.toFixed(0)} ms over ${r.collections} collections)  RSS ${mib(r.rss)}`);
  console.log(`   median ${per.toFixed(2)} ms = ${(per / nodeCpu).toFixed(3)}x node -e 0's CPU = ${(per / PYTHON_MS).toFixed(2)}x Python's ${PYTHON_MS} ms (goal <= 0.5x)`);
  // Scrapes 1 s apart against a 1 s interval: a scrape that comes a little less than a second after
  // the last collection ended gets its values, so some scrapes do not collect. Python's exporter
  // collects once a second whatever the scrapes: its 10.5 ms per collection is also per second.
  const perSecond = median(runs.map((r) => r.perSecond));
  console.log(`   per second of scraping: median ${perSecond.toFixed(2)} ms = ${(perSecond / PYTHON_MS).toFixed(2)}x Python's ${PYTHON_MS} ms`);
  console.log(`   load average: ${load()}`);

  const c = await concurrent(scenarioFile);
  console.log(`3. 50 connections for ${SECONDS} s: ${c.requests} scrapes, latency p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms, max ${c.max.toFixed(1)} ms; ${c.cpuPerRequest.toFixed(2)} ms CPU per scrape`);
  console.log(`   RSS before ${mib(c.before)}, peak ${mib(c.peak)}, at the end ${mib(c.atEnd)}, 10 s after ${mib(c.after)}`);
  console.log(`   load average: ${load()}`);

  if (COLLECTIONS > 0) {
    const l = await longRun(scenarioFile);
    const how = HOUR ? 'scraped once a second' : 'at 4 collections per second (--interval 0.25)';
    console.log(`4. ${COLLECTIONS} collections ${how} in ${l.seconds.toFixed(0)} s, ${l.cpuPerCollection.toFixed(2)} ms CPU per collection; RSS:`);
    console.log(`   ${l.points.map((p) => `${p.collections}: ${mib(p.rss)}`).join(', ')}`);
    console.log(`   load average: ${load()}`);
  }
} finally {
  for (const child of sleepers) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
