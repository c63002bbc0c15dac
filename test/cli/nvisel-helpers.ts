// Running the built nvisel (bin/nvisel.js → dist/) against the fake NVML.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeNvmlEnv } from '../helpers/fake-nvml.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NVISEL = join(ROOT, 'bin', 'nvisel.js');

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for nvisel on `scenario` (a bundled name, a path or an object), PCI bus order. */
export function nviselEnv(scenario: string | object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = fakeNvmlEnv(scenario, { CUDA_DEVICE_ORDER: 'PCI_BUS_ID', ...extra });
  if (!('CUDA_VISIBLE_DEVICES' in extra)) delete env.CUDA_VISIBLE_DEVICES;
  return env;
}

/** Runs nvisel to completion; stdout and stderr are pipes (not terminals). */
export function nvisel(args: readonly string[], env: NodeJS.ProcessEnv): Run {
  const result = spawnSync(process.execPath, [NVISEL, ...args], { env, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Starts nvisel; `done` resolves with everything it wrote once it exits. */
export function startNvisel(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<Run>; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [NVISEL, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const done = new Promise<Run>((resolve) => child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done, out: () => stdout, err: () => stderr };
}

/** Resolves once `read()` contains `text` (polling), or rejects after `timeoutMs`. */
export async function waitForText(read: () => string, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!read().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(read())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
