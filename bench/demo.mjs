// `npm run demo`: `nvitop -1` on a fake eight-GPU machine. The GPUs come from the fake
// libnvidia-ml (test/fake-nvml, scenario eight-gpu); the GPU processes are real processes started
// here (small Node scripts named like training jobs), so USER, %CPU, %MEM, TIME and COMMAND come
// from /proc. Extra arguments go to nvitop (`npm run demo -- --ascii`, `-- -o 0 1`, `-- --json`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1');
const bin = path.join(root, 'bin', 'nvitop.js');
if (!existsSync(library) || !existsSync(path.join(root, 'dist', 'cli', 'nvitop.js'))) {
  console.error('Build first: npm run demo (runs npm run build and npm run build:fake-nvml).');
  process.exit(1);
}

// One stand-in per distinct PID of the scenario, in order of first appearance.
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
const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-demo-'));
// The stand-ins are CommonJS scripts whatever package.json a parent folder has.
writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}\n');
const children = jobs.map(([script, ...args]) => {
  const file = path.join(dir, script);
  // Idle, except one job that keeps a core a little busy so %CPU is not all zeros.
  const body = script === 'train.py' && args[1] === 'llama-7b' ? 'setInterval(() => { const end = Date.now() + 30; while (Date.now() < end); }, 100);' : 'setInterval(() => {}, 1 << 30);';
  if (!existsSync(file)) writeFileSync(file, body);
  return spawn(process.execPath.endsWith('/node') ? 'node' : process.execPath, [script, ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` } });
});
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

// Substitute the real PIDs for the scenario's placeholders.
const scenarioText = readFileSync(path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json'), 'utf8');
const scenario = JSON.parse(scenarioText);
const order = [];
for (const device of scenario.devices) {
  for (const list of [device.computeProcesses ?? [], device.graphicsProcesses ?? [], device.processUtilization ?? []]) {
    for (const entry of list) if (!order.includes(entry.pid)) order.push(entry.pid);
  }
}
const real = new Map(order.map((pid, i) => [pid, children[i]?.pid ?? pid]));
for (const device of scenario.devices) {
  for (const list of [device.computeProcesses ?? [], device.graphicsProcesses ?? [], device.processUtilization ?? []]) {
    for (const entry of list) entry.pid = real.get(entry.pid);
  }
}
const scenarioFile = path.join(dir, 'eight-gpu.json');
writeFileSync(scenarioFile, JSON.stringify(scenario));

// Let the stand-ins start (so /proc has their command lines), then run nvitop.
await new Promise((resolve) => setTimeout(resolve, 300));
const nvitop = spawn(process.execPath, [bin, '-1', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NVITOP_NVML_LIBRARY: library, NVITOP_FAKE_NVML_SCENARIO: scenarioFile },
});
nvitop.on('close', (code) => {
  cleanup();
  process.exitCode = code ?? 1;
});
