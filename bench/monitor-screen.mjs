// Prints what the live monitor shows on the fake eight-GPU machine (the README's captured
// screen): stand-in processes named like training jobs are started as the scenario's GPU
// processes, the built `nvitop` runs in tmux at COLUMNSxROWS, KEYS are sent, the screen is
// captured after a few refreshes and printed as text.
//
//   npm run build && npm run build:fake-nvml && node bench/monitor-screen.mjs [120x40] [keys...]
//   node bench/monitor-screen.mjs 120x40 Down Down     # with the second process selected
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [size = '120x40', ...keys] = process.argv.slice(2);
const [columns, rows] = size.split('x').map(Number);
const library = path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1');
if (!existsSync(library) || !existsSync(path.join(root, 'dist', 'cli', 'nvitop.js'))) {
  console.error('Build first: npm run build && npm run build:fake-nvml');
  process.exit(1);
}

const jobs = [
  ['train.py', '--model', 'llama-7b', '--fsdp', '--gpus', '0,1'],
  ['finetune.py', '--lora', '--rank', '16'],
  ['train.py', '--model', 'vit-h14', '--batch-size', '256'],
  ['eval.py', '--ckpt', 'runs/vit-h14/last.pt'],
  ['render.py', '--scene', 'atrium', '--spp', '64'],
  ['serve.py', '--port', '8000', '--max-batch', '32'],
  ['notebook.py', '--ip', '0.0.0.0'],
  ['Xorg', ':0', '-nolisten', 'tcp'],
  ['desktop-shell.py'],
];
const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-monitor-screen-'));
writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}\n');
const children = jobs.map(([script, ...args]) => {
  const file = path.join(dir, script);
  if (!existsSync(file)) writeFileSync(file, 'setInterval(() => {}, 1 << 30);');
  return spawn(process.execPath, [script, ...args], { cwd: dir, stdio: 'ignore' });
});
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
  const scenario = JSON.parse(readFileSync(path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json'), 'utf8'));
  const real = new Map();
  for (const device of scenario.devices) {
    for (const list of [device.computeProcesses ?? [], device.graphicsProcesses ?? [], device.processUtilization ?? []]) {
      for (const entry of list) {
        if (!real.has(entry.pid)) real.set(entry.pid, children[real.size]?.pid ?? entry.pid);
        entry.pid = real.get(entry.pid);
      }
    }
  }
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
