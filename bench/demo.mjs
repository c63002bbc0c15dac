// `npm run demo`: `nvitop -1` on a fake eight-GPU machine. The GPUs come from the fake
// libnvidia-ml (test/fake-nvml, scenario eight-gpu); the GPU processes are real processes started
// here (small Node scripts named like training jobs), so USER, %CPU, %MEM, TIME and COMMAND come
// from /proc. Extra arguments go to nvitop (`npm run demo -- --ascii`, `-- -o 0 1`, `-- --json`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EIGHT_GPU_JOBS, loadScenario, replacePids, root, startStandIns } from './_stand-ins.mjs';

const library = path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1');
const bin = path.join(root, 'bin', 'nvitop.js');
if (!existsSync(library) || !existsSync(path.join(root, 'dist', 'cli', 'nvitop.js'))) {
  console.error('Build first: npm run demo (runs npm run build and npm run build:fake-nvml).');
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-demo-'));
// Idle, except one job that keeps a core a little busy so %CPU is not all zeros.
const children = startStandIns(dir, EIGHT_GPU_JOBS, {
  bareNode: true,
  body: ([script, , model]) =>
    script === 'train.py' && model === 'llama-7b' ? 'setInterval(() => { const end = Date.now() + 30; while (Date.now() < end); }, 100);' : 'setInterval(() => {}, 1 << 30);',
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
const scenario = loadScenario('eight-gpu');
replacePids(scenario, (pid, ordinal) => children[ordinal]?.pid ?? pid);
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
