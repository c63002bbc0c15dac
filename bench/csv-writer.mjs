#!/usr/bin/env node
// The CSV writer of CsvLogger (dist/callbacks/loggers/csv-text.js, a small RFC 4180 writer)
// against csv-stringify's sync API, on the logger's real workload:
//  1. the header record of the collector's keys (8 GPUs, 2 MIG devices whose scope `gpu:(0, 1)`
//     holds a comma, 4 processes; 4 statistics each), written at the first flush and at every
//     widening: µs per header;
//  2. the long format's first sight of each key (one quoted field per new key): µs per key;
//  3. a widening of a body whose records hold quotes (the parse-and-rewrite path), per MB;
//  4. a whole wide run as CsvLogger does it: 20 000 rows, 12 widenings (header + padding);
//  5. loading: csv-stringify/sync required by a fresh node process (median of 9), the cost every
//     process that opens a CsvLogger paid;
// and checks that both write the same bytes for a corpus of awkward fields.
// csv-stringify is no longer a dependency: its side is measured when it can still be resolved
// (an older checkout, or `npm i --no-save csv-stringify`), and skipped otherwise.
// Run: npm run build && node bench/csv-writer.mjs
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ours = await import(path.join(root, 'dist/callbacks/loggers/csv-text.js'));
const { parseCsv } = await import(path.join(root, 'dist/callbacks/loggers/csv-read.js'));
const require = createRequire(path.join(root, 'package.json'));
let stringify = null;
try {
  stringify = require('csv-stringify/sync').stringify;
} catch {
  // not installed any more
}

const metrics = ['gpu_utilization (%)', 'memory_utilization (%)', 'memory_used (MiB)', 'memory_free (MiB)', 'memory_percent (%)', 'fan_speed (%)', 'temperature (C)', 'power_usage (W)', 'pcie_tx (MiB/s)', 'pcie_rx (MiB/s)'];
const stats = ['mean', 'min', 'max', 'last'];
function collectorKeys() {
  const scopes = ['host'];
  for (let i = 0; i < 8; i += 1) scopes.push(`cuda:${i} (gpu:${i})`);
  scopes.push('gpu:(0, 0)', 'gpu:(0, 1)');
  for (const pid of [4101, 4102, 4103, 4104]) scopes.push(`pid:${pid}/host`, `pid:${pid}/cuda:0 (gpu:0)`);
  const keys = ['train/duration (s)', 'train/timestamp', 'train/last_timestamp'];
  for (const scope of scopes) for (const metric of metrics) for (const stat of stats) keys.push(`train/${scope}/${metric}/${stat}`);
  return keys;
}
const keys = collectorKeys();

const implementations = [
  ['ours', { record: (fields) => ours.csvRecord(fields), field: (f) => ours.quoteField(f), records: (list) => list.map((r) => ours.csvRecord(r)).join('') }],
];
if (stringify !== null) {
  implementations.push([
    'csv-stringify',
    { record: (fields) => stringify([fields]), field: (f) => stringify([[f]]).slice(0, -1), records: (list) => stringify(list) },
  ]);
}

/** Mean ms per call of `fn` over at least `minMs`. */
function time(fn, minMs) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n += 1;
  }
  return (performance.now() - t0) / n;
}

// Same bytes on awkward fields.
const corpus = ['', ' ', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\rhere', 'crlf\r\n', ' lead', 'trail ', 'ünï ☃', 'tab\there', '=1+2', 'gpu:(0, 1)/x'];
if (stringify !== null) {
  const mismatches = corpus.filter((f) => ours.csvRecord([f, 'x']) !== stringify([[f, 'x']]));
  console.log(`same bytes as csv-stringify on ${corpus.length} awkward fields: ${mismatches.length === 0 ? 'yes' : `NO: ${JSON.stringify(mismatches)}`}`);
}

console.log(`\nworkload: ${keys.length} collector keys (${keys.filter((k) => k.includes(',')).length} need quotes)`);
// A quoted body (the slow widening path): records with a quoted field, padded by 10 columns.
const body = Array.from({ length: 8000 }, (_, r) => `2026-11-02T09:30:00.${String(r % 1000).padStart(3, '0')}Z,${r},"a,b",${r * 1.5},,${r}\n`).join('');
const parsed = parseCsv(body).records.map((r) => [...r, ...Array(10).fill('')]);
/** A whole wide run as CsvLogger does it: 20 000 rows in flushes of 100, a new column every 17 flushes. */
const wideRun = (impl) => {
  let width = keys.length - 12;
  let file = '';
  for (let flush = 0; flush < 200; flush += 1) {
    const widen = flush % 17 === 16 && width < keys.length;
    if (widen) width += 1;
    let text = '';
    for (let r = 0; r < 100; r += 1) text += `2026-11-02T09:30:00.000Z,${flush * 100 + r}${',1.5'.repeat(width)}\n`;
    if (flush === 0 || widen) file = impl.record(['time', 'step', ...keys.slice(0, width)]) + ours.padRecords(file.slice(file.indexOf('\n') + 1), widen ? 1 : 0) + text;
    else file += text;
  }
  return file.length;
};
const measures = {
  'header (µs)': (impl) => time(() => impl.record(['time', 'step', ...keys]), 150) * 1000,
  'new long key (µs)': (impl) => {
    let i = 0;
    return time(() => impl.field(`${keys[i++ % keys.length]}#${i}`), 150) * 1000;
  },
  'quoted re-pad (ms/MB)': (impl) => time(() => impl.records(parsed), 300) / (body.length / 1e6),
  'wide run 20k rows (ms)': (impl) => time(() => wideRun(impl), 600),
};
// Interleaved rounds (both warm, same machine state), median of 5.
const results = new Map(implementations.map(([name]) => [name, Object.fromEntries(Object.keys(measures).map((m) => [m, []]))]));
for (let round = 0; round < 6; round += 1) {
  for (const [name, impl] of implementations) {
    for (const [measure, run] of Object.entries(measures)) {
      const value = run(impl);
      if (round > 0) results.get(name)[measure].push(value); // round 0 warms the JIT
    }
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`${'writer'.padEnd(15)}${Object.keys(measures).map((m) => m.padStart(24)).join('')}`);
for (const [name] of implementations) {
  console.log(`${name.padEnd(15)}${Object.keys(measures).map((m) => median(results.get(name)[m]).toFixed(2).padStart(24)).join('')}`);
}
if (stringify !== null) {
  console.log(
    `csv-stringify / ours: ${Object.keys(measures)
      .map((m) => `${m.replace(/ \(.*\)/, '')} ${(median(results.get('csv-stringify')[m]) / median(results.get('ours')[m])).toFixed(2)}x`)
      .join(', ')}`,
  );
}

// Loading csv-stringify in a fresh process (what `import('csv-stringify/sync')` cost a logger).
if (stringify !== null) {
  const loads = [];
  for (let i = 0; i < 9; i += 1) {
    const out = spawnSync(process.execPath, ['-e', `const t=performance.now();require(${JSON.stringify(require.resolve('csv-stringify/sync'))});process.stdout.write(String(performance.now()-t))`], { encoding: 'utf8' });
    loads.push(Number(out.stdout));
  }
  loads.sort((a, b) => a - b);
  console.log(`\nloading csv-stringify/sync in a fresh process: ${loads[4].toFixed(2)} ms (median of 9); ours: part of the logger module`);
} else {
  console.log('\ncsv-stringify is not installed: only our writer was measured (see the PR note for the comparison).');
}

// A new column in a large wide log: the whole-file rewrite (maxRewriteBytes: Infinity, the old
// behaviour) against the default limit (8 MiB: beyond it a new part file starts).
{
  const { CsvLogger } = await import(path.join(root, 'dist/callbacks/index.js'));
  const { mkdtempSync, rmSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const wideKeys = keys.slice(0, 60);
  const big = Number(process.env.CSV_BENCH_MB ?? 45) * 1e6;
  console.log(`\nwidening a wide log (${wideKeys.length} columns) by one column:`);
  const configs = [
    [`${big / 1e6} MB, rewrite (maxRewriteBytes: Infinity)`, big, { maxRewriteBytes: Infinity }],
    [`${big / 1e6} MB, default (8 MiB limit)`, big, {}],
    ['8 MiB, default (the worst case left)', 8 * 1024 * 1024 - 200_000, {}],
  ];
  for (const [label, target, options] of configs) {
    const dir = mkdtempSync(path.join(tmpdir(), 'csv-bench-'));
    try {
      const file = path.join(dir, 'gpu.csv');
      const logger = new CsvLogger(file, { flushIntervalMs: 0, ...options });
      const row = Object.fromEntries(wideKeys.map((k, j) => [k, 1000.125 + j]));
      for (let i = 0; (statSync(file, { throwIfNoEntry: false })?.size ?? 0) < target; i += 1) {
        for (let r = 0; r < 200; r += 1) logger.write(row, i * 200 + r);
        logger.flushSync();
      }
      logger.write({ ...row, 'train/new key': 1 }, -1);
      const t0 = performance.now();
      logger.flushSync();
      const ms = performance.now() - t0;
      console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  (files: ${logger.files.map((f) => path.basename(f)).join(', ')})`);
      await logger.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
