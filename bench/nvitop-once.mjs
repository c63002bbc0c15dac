// `nvitop -1` start-to-output time on the eight-GPU fake scenario, as a ratio to `node -e 0`
// measured in the same run (interleaved, median of N), the CPU time (user + system, mean of N:
// a figure a busy machine disturbs far less than wall time), and the NVML calls one run makes.
//
//   npm run build && npm run build:fake-nvml && node bench/nvitop-once.mjs [N] [--against DIR]
//
// --against DIR adds `nvitop -1` of another built checkout (e.g. a worktree of an earlier commit)
// to the same interleaved rounds: a before/after comparison in one run.
//
// Prints figures only; nothing here passes or fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const againstAt = argv.indexOf('--against');
const against = againstAt >= 0 ? path.resolve(argv[againstAt + 1]) : undefined;
if (againstAt >= 0) argv.splice(againstAt, 2);
const runs = Number.parseInt(argv[0] ?? process.env.BENCH_N ?? '21', 10);
const bin = path.join(root, 'bin', 'nvitop.js');
const env = {
  ...process.env,
  NVITOP_NVML_LIBRARY: path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1'),
  NVITOP_FAKE_NVML_SCENARIO: path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json'),
};
delete env.COLUMNS;

const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** CPU ms (user + system) of this process's exited children (cutime + cstime). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
}

/** Spawns `args`; resolves with ms to the first stdout byte, ms to exit and CPU ms. */
function time(args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuMs();
    const start = process.hrtime.bigint();
    let first = null;
    const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', () => {
      first ??= process.hrtime.bigint();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const end = process.hrtime.bigint();
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      const ms = (t) => Number(t - start) / 1e6;
      resolve({ output: first === null ? ms(end) : ms(first), exit: ms(end), cpu: childrenCpuMs() - cpu0 });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const cases = {
  'node -e 0': ['-e', '0'],
  'nvitop -1': [bin, '-1'],
  'nvitop -1 (COLUMNS=200)': [bin, '-1'],
  'nvitop --json': [bin, '--json'],
  'nvitop --version': [bin, '--version'],
  // The floor set by the core API: load it (koffi, the NVML binding) and initialise NVML.
  'core import + Device.count()': ['--input-type=module', '-e', `const c = await import(${JSON.stringify(path.join(root, 'dist', 'core', 'index.js'))}); c.Device.count(); process.stdout.write('x');`],
};
if (against !== undefined) cases[`nvitop -1 of ${path.basename(against)}`] = [path.join(against, 'bin', 'nvitop.js'), '-1'];
const extra = { 'nvitop -1 (COLUMNS=200)': { COLUMNS: '200' } };
const results = Object.fromEntries(Object.keys(cases).map((name) => [name, { output: [], exit: [], cpu: [] }]));

// Warm the file system cache once.
for (const args of Object.values(cases)) await time(args);
for (let i = 0; i < runs; i += 1) {
  for (const [name, args] of Object.entries(cases)) {
    const r = await time(args, extra[name]);
    results[name].output.push(r.output);
    results[name].exit.push(r.exit);
    results[name].cpu.push(r.cpu);
  }
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

const baseline = median(results['node -e 0'].exit);
const baselineCpu = mean(results['node -e 0'].cpu);
console.log(`nvitop -1 start-to-output, eight-GPU fake scenario, ${runs} interleaved runs (Node ${process.version}), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('case                        first output   exit    (medians)  ratio to node -e 0     CPU (mean)  ratio');
for (const [name, r] of Object.entries(results)) {
  const output = median(r.output);
  const exit = median(r.exit);
  const cpu = mean(r.cpu);
  console.log(
    `${name.padEnd(26)} ${output.toFixed(1).padStart(8)} ms ${exit.toFixed(1).padStart(8)} ms   ${(output / baseline).toFixed(2)}x / ${(exit / baseline).toFixed(2)}x` +
      `${cpu.toFixed(1).padStart(12)} ms  ${(cpu / baselineCpu).toFixed(2)}x`,
  );
}

// NVML calls of one run, counted by the fake library.
for (const [label, args, extraEnv] of [
  ['nvitop -1 (79 columns)', [bin, '-1'], {}],
  ['nvitop -1 (COLUMNS=200)', [bin, '-1'], { COLUMNS: '200' }],
  ['nvitop --json', [bin, '--json'], {}],
]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-'));
  const counts = path.join(dir, 'counts.json');
  const result = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv, NVITOP_FAKE_NVML_COUNTS: counts }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`);
  const table = JSON.parse(readFileSync(counts, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const total = Object.values(table).reduce((a, b) => a + b, 0);
  const pcie = table.nvmlDeviceGetPcieThroughput ?? 0;
  const clocks = table.nvmlDeviceGetClockInfo ?? 0;
  console.log(`\nNVML calls, ${label}: ${total} in all (${Object.keys(table).length} functions; PCIe throughput ${pcie}, clock ${clocks})`);
  for (const [name, count] of Object.entries(table).sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(4)}  ${name}`);
}
