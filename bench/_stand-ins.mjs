// Shared by the demo and the benchmarks (run-all skips files starting with `_`): the fake
// scenarios name placeholder PIDs; these helpers put real processes in their place, so that the
// host facts (USER, %CPU, %MEM, TIME, COMMAND) come from /proc.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PROCESS_LISTS = ['computeProcesses', 'graphicsProcesses', 'processUtilization'];

/** A bundled scenario, parsed. */
export function loadScenario(name) {
  return JSON.parse(readFileSync(path.join(root, 'test', 'fake-nvml', 'scenarios', `${name}.json`), 'utf8'));
}

/**
 * Replaces each distinct placeholder PID of `scenario` (in order of first appearance, GPU by GPU,
 * MIG devices included) by `realPid(placeholder, ordinal)`, in place. Returns how many there were.
 */
export function replacePids(scenario, realPid) {
  const map = new Map();
  const visit = (device) => {
    for (const key of PROCESS_LISTS) {
      for (const entry of device[key] ?? []) {
        if (!map.has(entry.pid)) map.set(entry.pid, realPid(entry.pid, map.size));
        entry.pid = map.get(entry.pid);
      }
    }
    for (const mig of device.migDevices ?? []) visit(mig);
  };
  for (const device of scenario.devices) visit(device);
  return map.size;
}

/** Stand-in jobs for the eight-GPU scenario's distinct PIDs, named like training jobs. */
export const EIGHT_GPU_JOBS = [
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

/**
 * Starts one idle Node script per job in `dir` (CommonJS whatever package.json a parent folder
 * has). `body(job)` may give a script its own code; `bareNode` runs them as `node script …` (found
 * on PATH) so their command lines read like a user's, else with the full path of this Node.
 */
export function startStandIns(dir, jobs, { body = () => 'setInterval(() => {}, 1 << 30);', bareNode = false } = {}) {
  writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}\n');
  return jobs.map((job) => {
    const [script, ...args] = job;
    const file = path.join(dir, script);
    if (!existsSync(file)) writeFileSync(file, body(job));
    const command = bareNode && process.execPath.endsWith('/node') ? 'node' : process.execPath;
    const env = bareNode ? { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` } : process.env;
    return spawn(command, [script, ...args], { cwd: dir, stdio: 'ignore', env });
  });
}

/** Starts a `sleep seconds` process (a stand-in whose host facts do not matter). */
export function startSleeper(seconds) {
  return spawn('sleep', [String(seconds)], { stdio: 'ignore' });
}
