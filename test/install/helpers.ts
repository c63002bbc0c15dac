// Helpers of the install suite (`npm run test:install`, run by .ci/run): the package as others get
// it, in scratch folders, with the real npm (and the npm registry for the peers' versions).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { fakeNvmlEnv } from '../helpers/fake-nvml.js';

export { ROOT, packTarball } from '../helpers/package-tarball.js';
import { ROOT } from '../helpers/package-tarball.js';

const execFileAsync = promisify(execFile);

/** What a command did. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** Runs a command to its end (never throws for a non-zero exit). */
export async function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; signal?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: `${e.stderr ?? ''}${e.signal ? `\n(killed by ${e.signal})` : ''}`,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/** The environment of npm and of the installed commands: no npm_* variables of the test runner. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST')) env[key] = value;
  }
  delete env['NVITOP_NVML_LIBRARY'];
  delete env['NVITOP_FAKE_NVML_SCENARIO'];
  delete env['CUDA_VISIBLE_DEVICES'];
  // Every npm of the suite (and the ones npm itself starts for a git dependency or a Dockerfile
  // step) takes packages and their metadata from the npm cache when it has them, as CI's own
  // `npm ci` left it: the suite downloads each package once.
  env['npm_config_prefer_offline'] = 'true';
  return { ...env, ...extra };
}

/** The environment with the fake NVML of a scenario (and no CUDA_VISIBLE_DEVICES). */
export function fakeEnv(scenario: string): NodeJS.ProcessEnv {
  const fake = fakeNvmlEnv(scenario);
  return cleanEnv({ NVITOP_NVML_LIBRARY: fake['NVITOP_NVML_LIBRARY'], NVITOP_FAKE_NVML_SCENARIO: fake['NVITOP_FAKE_NVML_SCENARIO'] });
}

/** Whether this machine has a real NVIDIA driver (then "no driver" cannot be checked). */
export function hasRealDriver(): boolean {
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes('libnvidia-ml.so.1');
  } catch {
    return false;
  }
}

/** A scratch project folder with a package.json (`allowScripts` as given). */
export function scratchProject(name: string, manifest: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), `nvitop-${name}-`));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2)}\n`);
  return dir;
}

/** `npm install` in `dir`, by default strict about install scripts (as npm 12 will be), no audit or fund noise. */
export function npmInstall(dir: string, specs: readonly string[], extra: readonly string[] = [], strict = true): Promise<Ran> {
  const flags = ['install', '--no-audit', '--no-fund', ...(strict ? ['--strict-allow-scripts'] : []), ...extra];
  return run('npm', [...flags, ...specs], { cwd: dir, env: cleanEnv(), timeoutMs: 600_000 });
}

/**
 * A git repository holding the working tree as a fresh clone would have it (tracked files and new
 * files that .gitignore does not ignore), committed once: what `git clone` of this checkout gives.
 */
export function snapshotRepository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-repo-'));
  const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of list.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    let isFile = false;
    try {
      isFile = statSync(from).isFile();
    } catch {
      continue; // deleted in the working tree
    }
    if (!isFile) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(from, path.join(dir, file));
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=install-test', '-c', 'user.email=install-test@localhost', 'commit', '-q', '-m', 'snapshot');
  return dir;
}

/** Bytes under `dir` (files only), as `du -sb` counts them. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** A Node stack trace in command output. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;

/** Starts a long-running command, resolves once `ready` matches its stderr+stdout. */
export async function startUntil(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<{ output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!options.ready.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} ${args.join(' ')} did not get ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
