#!/usr/bin/env node
// Builds the fake libnvidia-ml.so.1 (test/fake-nvml/fake_nvml.c + json.c) into
// build/fake-nvml/libnvidia-ml.so.1, and variants with some NVML symbols hidden (to imitate older
// drivers) under build/fake-nvml/variants/<hash>/libnvidia-ml.so.1.
//
// Idempotent: a library newer than every source (and this script) is not rebuilt. Safe to run
// from several processes at once: each compiles to a private temporary name and renames it into
// place.
//
//   node test/fake-nvml/build.mjs            build the default library, print its path
//   node test/fake-nvml/build.mjs --hide nvmlDeviceGetMemoryInfo_v2,nvmlDeviceGetTemperatureV
//
//   import { buildFakeNvml } from './test/fake-nvml/build.mjs';
//   const lib = buildFakeNvml({ hide: ['nvmlDeviceGetComputeRunningProcesses_v3'] });

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Repository root (two levels above this file). */
export const repoRoot = resolve(here, '..', '..');

/** Where the default library is written. */
export const buildDir = join(repoRoot, 'build', 'fake-nvml');

/** The default library's path. */
export const defaultLibraryPath = join(buildDir, 'libnvidia-ml.so.1');

const sources = ['fake_nvml.c', 'json.c'].map((f) => join(here, f));
const inputs = [...sources, join(here, 'json.h'), fileURLToPath(import.meta.url)];

const CFLAGS = [
  '-std=c11',
  '-shared',
  '-fPIC',
  '-O2',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-fvisibility=hidden',
  '-pthread',
  '-Wl,-soname,libnvidia-ml.so.1',
];

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function upToDate(out) {
  const built = mtimeMs(out);
  if (built < 0) return false;
  return inputs.every((p) => mtimeMs(p) < built);
}

function compile(out, extraArgs) {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const cc = process.env.CC || 'cc';
  try {
    execFileSync(cc, [...CFLAGS, ...extraArgs, '-o', tmp, ...sources], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { force: true });
    const stderr = err && err.stderr ? String(err.stderr) : '';
    throw new Error(`building the fake NVML library failed (${cc}):\n${stderr || err}`);
  }
}

/**
 * Build (or reuse) the fake NVML library.
 * @param {{ hide?: string[] }} [options] symbols to leave out of the dynamic symbol table
 * @returns {string} absolute path of a libnvidia-ml.so.1
 */
export function buildFakeNvml({ hide = [] } = {}) {
  const names = [...new Set(hide)].sort();
  for (const name of names) {
    if (!SYMBOL.test(name)) throw new Error(`not a C symbol name: ${JSON.stringify(name)}`);
  }
  if (names.length === 0) {
    if (!upToDate(defaultLibraryPath)) compile(defaultLibraryPath, []);
    return defaultLibraryPath;
  }
  const hash = createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 16);
  const dir = join(buildDir, 'variants', hash);
  const out = join(dir, 'libnvidia-ml.so.1');
  if (upToDate(out)) return out;
  mkdirSync(dir, { recursive: true });
  // Exact names in `local` win over the `global` wildcard (GNU ld and lld).
  const script = `/* hides: ${names.join(' ')} */\n{\n  global: *;\n  local:\n${names
    .map((n) => `    ${n};`)
    .join('\n')}\n};\n`;
  const scriptPath = join(dir, 'hide.map');
  const tmpScript = `${scriptPath}.${process.pid}.tmp`;
  writeFileSync(tmpScript, script);
  renameSync(tmpScript, scriptPath);
  writeFileSync(join(dir, 'hidden.txt'), `${names.join('\n')}\n`);
  compile(out, [`-Wl,--version-script=${scriptPath}`]);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--hide');
  const hide = i > 0 && process.argv[i + 1] ? process.argv[i + 1].split(',').filter(Boolean) : [];
  try {
    console.log(buildFakeNvml({ hide }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
