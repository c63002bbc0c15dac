// Doc tests: every fenced block of README.md and docs/*.md runs against the fake machine, so a
// snippet cannot drift from the code. The directives (HTML comments above a block) and the
// check each language gets are described in test/helpers/doc-blocks.ts; in short:
//  - ts/js: run with tsx from inside the repository ('nvitop-node' is the built package), exit 0
//    and nothing on stderr, and all of them type-check (strict);
//  - sh: bash -euo pipefail; console (or text starting with `$ `): a transcript, each command's
//    output compared with the doc's (clock, CPU/memory bars, PIDs, users, %CPU, %MEM, TIME are
//    masked; `…` is a wildcard); the commands are this package's (npx nvitop → the built bin;
//    nvitop-exporter runs in the background until the block ends; npm runs only `run demo`,
//    `run build`, `run build:fake-nvml`);
//  - json, jsonc, yaml: parse;
//  - anything else must be marked `<!-- doctest: skip REASON -->`.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { blockKind, docFiles, outputMatches, parseBlocks, shown, transcriptSteps, type DocBlock } from '../helpers/doc-blocks.js';
import { fakeNvmlEnv } from '../helpers/fake-nvml.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'nvitop-doctest-'));
const shims = path.join(work, 'shims');
const programDir = path.join(ROOT, 'build', 'doctest');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SHIMS: Record<string, string> = {
  // A stream (--interval) runs for some seconds after its first output, then gets the Ctrl-C that
  // the docs say ends it with exit status 0 (test/helpers/stream-until-interrupt.mjs).
  nvitop: `
stream=0
for arg in "$@"; do case "$arg" in --int*) stream=1;; esac; done
if [ "$stream" = 1 ]; then
  exec node "$REPO/test/helpers/stream-until-interrupt.mjs" "$REPO/bin/nvitop.js" "$@"
fi
exec node "$REPO/bin/nvitop.js" "$@"`,
  nvisel: `exec node "$REPO/bin/nvisel.js" "$@"`,
  // The exporter keeps running (until the next one starts or the block ends); the command returns
  // once it listens, with what it printed so far.
  'nvitop-exporter': `
for arg in "$@"; do case "$arg" in -h|--help|-V|--version) exec node "$REPO/bin/nvitop-exporter.js" "$@";; esac; done
if [ -f "$DOCTEST_STATE/exporter.pid" ]; then
  old=$(cat "$DOCTEST_STATE/exporter.pid"); kill -INT "$old" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
fi
log="$DOCTEST_STATE/exporter.$$.log"
node "$REPO/bin/nvitop-exporter.js" "$@" >"$log" 2>&1 &
pid=$!
echo "$pid" >"$DOCTEST_STATE/exporter.pid"
for _ in $(seq 1 300); do
  if grep -q 'Start the exporter' "$log"; then cat "$log"; exit 0; fi
  if ! kill -0 "$pid" 2>/dev/null; then code=0; wait "$pid" || code=$?; cat "$log"; exit "$code"; fi
  sleep 0.1
done
cat "$log"; echo 'doctest: nvitop-exporter did not start within 30 s' >&2; exit 1`,
  npx: `
case "\${1-}" in --no-install|-y|--yes) shift;; esac
case "\${1-}" in nvitop|nvisel|nvitop-exporter|tsx) exec "$@";; esac
echo "doctest: npx \${1-} is not a command of this package" >&2; exit 127`,
  npm: `
case "\${1-} \${2-}" in
  'run build'|'run build:fake-nvml') echo "(doctest: npm test's pretest built it)"; exit 0;;
  'run demo') shift 2; [ "\${1-}" = -- ] && shift; exec node "$REPO/bench/demo.mjs" "$@";;
esac
echo "doctest: 'npm $*' is not run by the doc tests: mark the block <!-- doctest: skip REASON -->" >&2; exit 127`,
  docker: `echo "doctest: there is no container engine here: mark the block <!-- doctest: skip REASON -->" >&2; exit 127`,
};

beforeAll(() => {
  mkdirSync(shims, { recursive: true });
  for (const [name, body] of Object.entries(SHIMS)) {
    writeFileSync(path.join(shims, name), `#!/usr/bin/env bash\nset -u\n${body.trim()}\n`);
    chmodSync(path.join(shims, name), 0o755);
  }
  rmSync(programDir, { recursive: true, force: true });
  mkdirSync(programDir, { recursive: true });
});

/** A scratch working folder that sees the repository's top-level entries (bin/, build/, …). */
function workingFolder(block: DocBlock): string {
  const dir = path.join(work, `${block.file.replace(/\W+/g, '-')}-${block.line}`);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(ROOT)) {
    if (entry.startsWith('.') || existsSync(path.join(dir, entry))) continue;
    symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  }
  return dir;
}

function environment(block: DocBlock, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...fakeNvmlEnv(block.scenario) };
  for (const key of Object.keys(env)) if (/^(npm_|VITEST|COLUMNS$|LINES$|CUDA_VISIBLE_DEVICES$|CUDA_DEVICE_ORDER$)/i.test(key)) delete env[key];
  const state = path.join(dir, '.doctest');
  mkdirSync(state, { recursive: true });
  return {
    ...env,
    REPO: ROOT,
    DOCTEST_STATE: state,
    NVITOP_LOCK_DIR: path.join(state, 'locks'),
    PATH: [shims, path.join(ROOT, 'node_modules', '.bin'), env['PATH'] ?? ''].join(path.delimiter),
  };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBash(script: string, dir: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: child.killed ? `${stderr}\n(doctest: killed after ${timeoutMs} ms)` : stderr });
    });
  });
}

/** Stops the background exporter a block started. */
function stopBackground(env: NodeJS.ProcessEnv): void {
  const file = path.join(env['DOCTEST_STATE'] ?? '', 'exporter.pid');
  if (!existsSync(file)) return;
  try {
    process.kill(Number(readFileSync(file, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
}

const TFJS_BANNER = /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js\.[^\n]*\n=+\n/;

const where = (block: DocBlock) => `${block.file}:${block.line}`;
const allBlocks = docFiles(ROOT).flatMap((file) => parseBlocks(ROOT, file));
const programs: Array<{ block: DocBlock; file: string; offset: number }> = [];

// A file without code blocks (docs/host.md) has nothing to check.
describe.each(docFiles(ROOT).filter((file) => allBlocks.some((b) => b.file === file)))('%s', (file) => {
  for (const block of allBlocks.filter((b) => b.file === file)) {
    const kind = blockKind(block);
    const title = `line ${block.line}: ${block.lang || '(no language)'} ${kind === 'skip' ? `(skipped: ${block.skip})` : ''}`;

    if (kind === 'skip' || kind === 'unmarked') {
      it(title, () => {
        expect(kind, `${where(block)}: a block without a checked language needs <!-- doctest: skip REASON --> (see test/helpers/doc-blocks.ts)`).toBe('skip');
        expect((block.skip ?? '').split(/\s+/).length, `${where(block)}: say why it is skipped`).toBeGreaterThanOrEqual(4);
      });
      continue;
    }

    if (kind === 'json' || kind === 'jsonc' || kind === 'yaml') {
      it(title, () => {
        const text = kind === 'jsonc' ? block.code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^((?:[^"\n/]|"(?:[^"\\\n]|\\.)*")*)\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1') : block.code;
        if (kind === 'yaml') expect(() => parseYaml(text), where(block)).not.toThrow();
        else expect(() => JSON.parse(text), where(block)).not.toThrow();
      });
      continue;
    }

    if (kind === 'program') {
      const slug = `${block.file.replace(/\W+/g, '-')}-${block.line}`;
      const fileName = path.join(programDir, `${slug}.${block.lang === 'ts' || block.lang === 'typescript' || block.lang === 'mts' ? 'ts' : 'mjs'}`);
      const setupLines = block.setup === '' ? 0 : block.setup.split('\n').length - 1;
      programs.push({ block, file: fileName, offset: setupLines });
      it(title, async () => {
        writeFileSync(fileName, `${block.setup}${block.code}${block.check}`);
        const dir = workingFolder(block);
        const env = environment(block, dir);
        const result = await runBash(`exec node --import tsx ${JSON.stringify(fileName)}`, dir, env);
        stopBackground(env);
        // tfjs's own advice to install tfjs-node is the only stderr a snippet may print.
        const stderr = result.stderr.replace(TFJS_BANNER, '');
        expect({ code: result.code, stderr }, `${where(block)}\n${result.stdout}`).toEqual({ code: 0, stderr: '' });
      }, 120_000);
      continue;
    }

    if (kind === 'script') {
      it(title, async () => {
        const dir = workingFolder(block);
        const env = environment(block, dir);
        const result = await runBash(`set -euo pipefail\n${block.setup}${block.code}${block.check}`, dir, env);
        stopBackground(env);
        expect(result.code, `${where(block)} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
      }, 120_000);
      continue;
    }

    // A transcript: each `$ command`'s output (stdout and stderr, as a terminal shows them).
    it(title, async () => {
      const dir = workingFolder(block);
      const env = environment(block, dir);
      const steps = transcriptSteps(block.code);
      const marker = (i: number) => `@@doctest-step-${i}@@`;
      const script = [`exec 2>&1`, block.setup, ...steps.map((step, i) => `echo ${marker(i)}\n${step.command}`), block.check].join('\n');
      // No -e: a transcript may show a command that fails (and its exit status).
      const result = await runBash(`set -o pipefail\n${script}`, dir, env, 110_000);
      stopBackground(env);
      expect(result.code, `${where(block)} exited ${result.code}\n${result.stdout}`).toBe(0);
      const outputs = result.stdout.split(/^@@doctest-step-\d+@@\n/m).slice(1);
      expect(outputs).toHaveLength(steps.length);
      steps.forEach((step, i) => {
        const actual = (outputs[i] ?? '').replace(/\n$/, '').split('\n');
        const ok = outputMatches(step.expected, actual);
        expect(ok ? '' : `$ ${step.command}\n--- the doc shows (normalised):\n${shown(step.expected)}\n--- it printed (normalised):\n${shown(actual)}`, where(block)).toBe('');
      });
    }, 120_000);
  }
});

it('every ts/js block type-checks (strict) against the built package', () => {
  const ts = programs.filter((p) => p.file.endsWith('.ts'));
  for (const { block, file } of ts) writeFileSync(file, `${block.setup}${block.code}${block.check}`);
  writeFileSync(
    path.join(programDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: true, lib: ['es2022'] },
      files: ts.map((p) => path.basename(p.file)),
    }),
  );
  let output = '';
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(programDir, 'tsconfig.json')], { encoding: 'utf8', cwd: ROOT });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  // Name the doc line of each error (hidden setup lines count as the block's first line).
  const located = output.replace(/build\/doctest\/([\w-]+)\.ts\((\d+),(\d+)\)/g, (match, slug: string, line: string) => {
    const program = ts.find((p) => path.basename(p.file) === `${slug}.ts`);
    if (program === undefined) return match;
    const docLine = program.block.line + Math.max(1, Number(line) - program.offset);
    return `${program.block.file}:${docLine}`;
  });
  expect(located).toBe('');
}, 120_000);
