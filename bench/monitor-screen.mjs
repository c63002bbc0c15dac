// Prints what the live monitor shows on the fake eight-GPU machine (the README's captured
// screen): stand-in processes named like training jobs are started as the scenario's GPU
// processes, the built `nvitop` runs in tmux at COLUMNSxROWS, KEYS are sent, the screen is
// captured after a few refreshes and printed as text.
//
//   npm run build && npm run build:fake-nvml && node bench/monitor-screen.mjs [120x40] [keys...]
//   node bench/monitor-screen.mjs 120x40 Down Down     # with the second process selected
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EIGHT_GPU_JOBS, loadScenario, replacePids, root, startStandIns } from './_stand-ins.mjs';

const [size = '120x40', ...keys] = process.argv.slice(2);
const [columns, rows] = size.split('x').map(Number);
const library = path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1');
if (!existsSync(library) || !existsSync(path.join(root, 'dist', 'cli', 'nvitop.js'))) {
  console.error('Build first: npm run build && npm run build:fake-nvml');
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-monitor-screen-'));
const children = startStandIns(dir, EIGHT_GPU_JOBS);
const socket = `nvitop-screen-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
// tmux leaves its socket file behind after kill-server: remove it on the way out.
process.on('exit', () => rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true }));
const cleanup = () => {
  try {
    tmux('kill-server');
  } catch {
    // not started
  }
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};

try {
  const scenario = loadScenario('eight-gpu');
  replacePids(scenario, (pid, ordinal) => children[ordinal]?.pid ?? pid);
  const scenarioFile = path.join(dir, 'eight-gpu.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  await new Promise((r) => setTimeout(r, 300));
  const env = `NVITOP_NVML_LIBRARY='${library}' NVITOP_FAKE_NVML_SCENARIO='${scenarioFile}' NVITOP_MONITOR_MODE=''`;
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'screen', '-x', String(columns), '-y', String(rows), `cd '${root}' && env ${env} node bin/nvitop.js; sleep 30`);
  tmux('set-option', '-t', 'screen', 'status', 'off');
  await new Promise((r) => setTimeout(r, 5000));
  for (const key of keys) {
    tmux('send-keys', '-t', 'screen', key);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500));
  process.stdout.write(tmux('capture-pane', '-p', '-t', 'screen').split('\n').map((l) => l.trimEnd()).join('\n').trimEnd() + '\n');
  tmux('send-keys', '-t', 'screen', 'q');
} finally {
  cleanup();
}
