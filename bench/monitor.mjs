// Cost of the live monitor left open: the built `nvitop` runs in a real pseudo-terminal (tmux,
// 120x40) on the eight-GPU fake scenario at the default 2 s interval, next to an idle
// `node -e "setInterval(() => {}, 2000)"` as the baseline, for DURATION seconds (default 60).
// Prints: CPU time per minute (and in % of one core), bytes written to the terminal per refresh
// (/proc/<pid>/io wchar), RSS after 1 minute and at the end; then, from bench/monitor-refresh.mjs
// (in-process), NVML calls per refresh, bytes per refresh when nothing changed, ms per refresh.
//
//   npm run build && npm run build:fake-nvml && node bench/monitor.mjs [DURATION_SECONDS] [--real-pids]
//
// The scenario's PIDs (4900001...) do not exist on this machine, so every refresh also pays for
// nine failed /proc lookups; with --real-pids they are replaced by sleeping child processes, as
// on a real GPU server. Needs tmux. Prints figures only; nothing here passes or fails.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, replacePids, startSleeper } from './_stand-ins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const realPids = args.includes('--real-pids');
const duration = Number.parseFloat(args.find((a) => !a.startsWith('--')) ?? process.env.BENCH_DURATION ?? '60');
const interval = 2;
const warmup = 6;
const scenarioDir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-'));
const sleepers = [];
process.on('exit', () => {
  for (const child of sleepers) child.kill();
});
let scenarioFile = path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json');
if (realPids) {
  const scenario = loadScenario('eight-gpu');
  replacePids(scenario, () => {
    const child = startSleeper(duration + 120);
    sleepers.push(child);
    return child.pid;
  });
  scenarioFile = path.join(scenarioDir, 'eight-gpu-real-pids.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
}
const env = {
  NVITOP_NVML_LIBRARY: path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1'),
  NVITOP_FAKE_NVML_SCENARIO: scenarioFile,
};
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const socket = `nvitop-bench-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
// tmux leaves its socket file behind after kill-server: remove it on the way out.
process.on('exit', () => rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true }));
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

function stat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime, seconds
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const wchar = Number(/wchar: (\d+)/.exec(io)[1]);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  return { cpu, wchar, rss, t: performance.now() / 1000 };
}

const envText = Object.entries({ ...env, NVITOP_MONITOR_MODE: '' }).map(([k, v]) => `${k}='${v}'`).join(' ');
tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', `cd '${root}' && env ${envText} node bin/nvitop.js; sleep 5`);
const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 2000)'], { stdio: 'ignore' });
try {
  let pid;
  for (let i = 0; i < 100 && pid === undefined; i += 1) {
    await sleep(0.1);
    const shell = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
    const children = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    pid = children.find((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith('node'));
  }
  if (pid === undefined) throw new Error('nvitop did not start');
  await sleep(warmup);
  const start = stat(pid);
  const base0 = stat(baseline.pid);
  let rssAtMinute = null;
  while (performance.now() / 1000 - start.t < duration) {
    await sleep(Math.min(5, duration - (performance.now() / 1000 - start.t)) || 0.1);
    if (rssAtMinute === null && performance.now() / 1000 - start.t >= 60 - warmup) rssAtMinute = stat(pid).rss;
  }
  const end = stat(pid);
  const base1 = stat(baseline.pid);
  const elapsed = end.t - start.t;
  const refreshes = elapsed / interval;
  const perMinute = ((end.cpu - start.cpu) / elapsed) * 60;
  const basePerMinute = ((base1.cpu - base0.cpu) / elapsed) * 60;
  const mib = (b) => `${(b / 1024 ** 2).toFixed(1)} MiB`;
  console.log(`monitor (built bin in tmux 120x40, eight-gpu${realPids ? ' with real PIDs' : ''}, --interval ${interval}) over ${elapsed.toFixed(0)} s, CLK_TCK ${ticks}:`);
  console.log(`  CPU time per minute:        ${(perMinute * 1000).toFixed(0)} ms  = ${((perMinute / 60) * 100).toFixed(2)} % of one core (target <= 1 %)`);
  const ratio = basePerMinute > 0 ? `monitor / baseline = ${(perMinute / basePerMinute).toFixed(1)}x` : 'below the clock-tick resolution';
  console.log(`  idle node baseline:         ${(basePerMinute * 1000).toFixed(0)} ms/min  (${ratio})`);
  console.log(`  bytes written per refresh:  ${((end.wchar - start.wchar) / refreshes).toFixed(0)} (live host data: the clock and the host bars change)`);
  console.log(`  RSS after ${warmup} s:            ${mib(start.rss)}`);
  if (rssAtMinute !== null) console.log(`  RSS after 1 min:            ${mib(rssAtMinute)}`);
  console.log(`  RSS at the end (${(elapsed + warmup).toFixed(0)} s):     ${mib(end.rss)}${rssAtMinute === null ? '' : `  (end / 1 min = ${(end.rss / rssAtMinute).toFixed(2)})`}`);
  tmux('send-keys', '-t', 'bench', 'q');
} finally {
  baseline.kill();
  await sleep(0.5);
  try {
    tmux('kill-server');
  } catch {
    // gone
  }
}

const child = spawnSync(process.execPath, [path.join(root, 'bench', 'monitor-refresh.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8' });
for (const sleeper of sleepers) sleeper.kill();
if (child.status !== 0) throw new Error(child.stderr);
rmSync(scenarioDir, { recursive: true, force: true });
const r = JSON.parse(child.stdout.trim().split('\n').pop());
console.log(`one refresh, in-process (${r.devices} GPUs, ${r.processes} processes, 120x40):`);
console.log(`  NVML calls per refresh:     ${r.nvmlCallsPerRefresh} (${r.nvmlCallsPerDevicePerRefresh.toFixed(1)} per GPU: each query once; more than once per GPU: ${JSON.stringify(r.functionsCalledMoreThanOncePerDevice)})`);
console.log(`  bytes per refresh, unchanged data: ${r.bytesPerRefreshUnchanged} (the clock's seconds)   live data: ${r.bytesPerRefreshLive}`);
console.log(`  gather: ${r.gatherMs.toFixed(2)} ms   frame + diff: ${r.frameMs.toFixed(2)} ms`);
