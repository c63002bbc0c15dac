#!/usr/bin/env node
// ResourceMetricCollector.takeSnapshots() in machine instructions, not seconds: each figure is the
// difference of two runs under valgrind (cachegrind, no cache simulation) of `node
// --single-threaded` (V8 compiles on the main thread, so its compiler's work counts, once), which
// neither the load of other tenants nor the CPU's clock changes. Per call, on 8 and 64 fake GPUs:
//   cold: calls 1-62 of a fresh process (interpreted code, compiling); warm: 200 calls after
//   8 000 device snapshots (calls 1001-1200 on 8 GPUs, 126-325 on 64).
// --baseline DIR prints the same figures for another built checkout (npm ci && npm run build &&
// npm run build:fake-nvml there) beside this one's. Needs valgrind (apt-get install valgrind);
// takes a few minutes (each run is ~30x slower than native).
// Run: npm run build && npm run build:fake-nvml && node bench/collector-instructions.mjs [--baseline DIR]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--child') {
  // Only what is measured: the import, one collector, N snapshots.
  const [, , , checkout, count] = process.argv;
  const { ResourceMetricCollector, setQueryCacheTtl } = await import(path.join(checkout, 'dist/index.js'));
  setQueryCacheTtl(0);
  const collector = new ResourceMetricCollector({ rootPids: [1], interval: 3600 });
  collector.activate('bench');
  for (let i = 0; i < Number(count); i += 1) collector.takeSnapshots();
} else {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('bench/collector-instructions: valgrind is not installed (apt-get install valgrind); skipped');
    process.exit(0);
  }
  const at = process.argv.indexOf('--baseline');
  const checkouts = at < 0 ? [['this', here]] : [['baseline', path.resolve(process.argv[at + 1])], ['this', here]];
  const { generateScenario } = await import(path.join(here, 'test/fake-nvml/generate-scenario.mjs'));
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-instructions-'));
  const scenarioFor = (devices) => {
    const json = JSON.stringify(generateScenario({ devices, processesPerDevice: 2 })).replace(/"pid":\s*\d+/g, '"pid":"self"');
    const file = path.join(dir, `scenario-${devices}.json`);
    writeFileSync(file, json);
    return file;
  };
  const instructions = (checkout, devices, count) =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, NVITOP_NVML_LIBRARY: path.join(checkout, 'build/fake-nvml/libnvidia-ml.so.1'), NVITOP_FAKE_NVML_SCENARIO: scenarioFor(devices) };
      const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', fileURLToPath(import.meta.url), '--child', checkout, String(count)];
      const child = spawn('valgrind', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => {
        const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
        if (code !== 0 || refs === null) reject(new Error(`valgrind run failed (${code}):\n${stderr.slice(-2000)}`));
        else resolve(Number(refs[1].replaceAll(',', '')));
      });
    });
  console.log(`takeSnapshots(), instructions per call (millions), fake NVML, Node ${process.version}, --single-threaded, query cache off`);
  console.log(`${at < 0 ? '' : 'checkout  '}devices   cold (calls 1-62)   warm (200 calls after 8 000 device snapshots)`);
  try {
    for (const devices of [8, 64]) {
      for (const [name, checkout] of checkouts) {
        // Two runs at a time: this machine's cores.
        const warmFrom = Math.ceil(8000 / devices);
        const counts = [0, 62, warmFrom, warmFrom + 200];
        const refs = [];
        for (let i = 0; i < counts.length; i += 2) refs.push(...(await Promise.all(counts.slice(i, i + 2).map((count) => instructions(checkout, devices, count)))));
        const perCall = (from, to) => (refs[to] - refs[from]) / (counts[to] - counts[from]) / 1e6;
        console.log(`${at < 0 ? '' : name.padEnd(10)}${String(devices).padStart(7)}   ${perCall(0, 1).toFixed(2).padStart(17)}   ${perCall(2, 3).toFixed(2).padStart(20)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
