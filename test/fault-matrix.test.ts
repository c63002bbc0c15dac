// The fault matrix: every entry point against every fault that can reach it, each cell in its
// own process (a loaded libnvidia-ml keeps its scenario; a crash or a hang must not take the
// runner with it), with a time limit. A cell passes when the entry point ends (or keeps
// running) the documented way: a CLI exits with its documented status and one line on stderr,
// never a signal, a hang or a stack trace; an API throws its typed error or carries on with NA.
// Cells where a fault cannot reach an entry point are "n/a". The counts are printed at the end
// (and asserted: every applicable cell is run).
//
// Entry points: nvitop -1, nvitop --json, the nvitop monitor (in tmux), nvisel, nvitop-exporter,
// selectDevices/useDevices, ResourceMetricCollector + collectInBackground, the file sinks
// (SummaryWriter, CsvLogger, JsonlLogger), GpuStatsLogger, createExporter.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, fakeNvmlEnv } from './helpers/fake-nvml.js';
import { fetchText, startExporter, waitFor } from './helpers/exporter-process.js';
import { TmuxSession } from './helpers/tmux.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist', 'index.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-fault-matrix-'));
const truncated = path.join(work, 'libnvidia-ml.so.1');
fs.writeFileSync(truncated, fs.readFileSync(fakeLibraryPath()).subarray(0, 20_000));
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

type Fault = 'truncated library' | 'no library' | 'lost GPU' | 'unsupported queries' | 'bad input' | 'path under /proc' | 'unsafe lock folder' | 'SIGTSTP/SIGCONT' | 'disk full at exit' | 'stale temp files';
type Entry = 'nvitop -1' | 'nvitop --json' | 'monitor' | 'nvisel' | 'nvitop-exporter' | 'selectDevices/useDevices' | 'collector' | 'file sinks' | 'GpuStatsLogger' | 'createExporter';
const FAULTS: Fault[] = ['truncated library', 'no library', 'lost GPU', 'unsupported queries', 'bad input', 'path under /proc', 'unsafe lock folder', 'SIGTSTP/SIGCONT', 'disk full at exit', 'stale temp files'];
const ENTRIES: Entry[] = ['nvitop -1', 'nvitop --json', 'monitor', 'nvisel', 'nvitop-exporter', 'selectDevices/useDevices', 'collector', 'file sinks', 'GpuStatsLogger', 'createExporter'];

/** The environment of each NVML fault (the other faults run on the one-GPU scenario). */
function nvmlEnv(fault: Fault): NodeJS.ProcessEnv {
  const { CUDA_VISIBLE_DEVICES: _visible, ...inherited } = process.env;
  const base: NodeJS.ProcessEnv = { ...inherited, NO_COLOR: '1' };
  if (fault === 'truncated library') return { ...base, NVITOP_NVML_LIBRARY: truncated, NVITOP_FAKE_NVML_SCENARIO: '' };
  if (fault === 'no library') return { ...base, NVITOP_NVML_LIBRARY: path.join(work, 'absent', 'libnvidia-ml.so.1'), NVITOP_FAKE_NVML_SCENARIO: '' };
  const scenario = fault === 'lost GPU' ? 'lost-gpu-star' : fault === 'unsupported queries' ? 'old-gpu' : 'one-gpu';
  const { CUDA_VISIBLE_DEVICES: _cvd, ...fake } = fakeNvmlEnv(scenario);
  return { ...base, ...fake };
}
const LIBRARY_LINE: Partial<Record<Fault, RegExp>> = {
  'truncated library': /is truncated or corrupt \(truncated: 20000 bytes/,
  'no library': /NVIDIA Management Library \(NVML\) not found/,
};

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
const bin = (name: string, args: string[], env: NodeJS.ProcessEnv) => run([path.join(ROOT, 'bin', name), ...args], env);

/** Runs `body` (module code with `api` = the built package) in a child; its value or error as JSON. */
async function api(body: string, env: NodeJS.ProcessEnv): Promise<{ ok?: unknown; error?: { name: string; message: string; reason?: string }; run: Run }> {
  const script = `
    const api = await import(${JSON.stringify(DIST)});
    let out;
    try { out = { ok: await (async () => { ${body} })() ?? null }; }
    catch (e) { out = { error: { name: e?.name, message: String(e?.message ?? e), reason: e?.reason } }; }
    process.stdout.write('\\n@@' + JSON.stringify(out) + '\\n');`;
  const result = await run(['--input-type=module', '-e', script], env);
  const line = result.stdout.split('\n').find((l) => l.startsWith('@@'));
  return { ...(line === undefined ? {} : (JSON.parse(line.slice(2)) as object)), run: result };
}

const noStack = (text: string) => !/\n\s+at \S/.test(text);

/** A CLI that failed cleanly: the status, one line on stderr matching `line`, no signal. */
function cleanFailure(r: Run, status: number, line: RegExp): void {
  expect(r.signal).toBeNull();
  expect(r.status).toBe(status);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('usage:') && !l.startsWith('     ') && l !== '');
  expect(lines.at(-1)).toMatch(line);
  expect(noStack(r.stderr)).toBe(true);
}
function cleanSuccess(r: Run): void {
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/Error|\n\s+at \S/);
  expect(r.status).toBe(0);
}
function typedError(result: { error?: { name: string; message: string } }, name: RegExp, message?: RegExp): void {
  expect(result.error?.name).toMatch(name);
  if (message !== undefined) expect(result.error?.message).toMatch(message);
}

/** A monitor in tmux: resolves with its exit status line once it ends (after `then`). */
async function monitor(env: NodeJS.ProcessEnv, args: string[], then: (s: TmuxSession) => Promise<void>): Promise<string[]> {
  const vars = ['NVITOP_NVML_LIBRARY', 'NVITOP_FAKE_NVML_SCENARIO'];
  const s = new TmuxSession({
    columns: 120,
    rows: 40,
    cwd: ROOT,
    command: ['node', 'bin/nvitop.js', ...args],
    env: { ...Object.fromEntries(vars.map((k) => [k, env[k] ?? ''])), NVITOP_MONITOR_MODE: '' },
  });
  sessions.push(s);
  await then(s);
  return s.waitFor((l) => l.some((x) => x.startsWith('EXIT:')), 'the monitor to end', 20_000);
}

type Cell = () => Promise<void>;
const NA_CELL = null;

function nvmlCells(fault: Fault): Partial<Record<Entry, Cell | null>> {
  const env = nvmlEnv(fault);
  const library = LIBRARY_LINE[fault];
  if (library !== undefined) {
    return {
      'nvitop -1': async () => cleanFailure(await bin('nvitop.js', ['-1'], env), 1, library),
      'nvitop --json': async () => cleanFailure(await bin('nvitop.js', ['--json'], env), 1, library),
      monitor: async () => {
        const lines = await monitor(env, [], async () => undefined);
        // The one line wraps at the pane's width: compare without white space.
        expect(lines.join('').replace(/\s/g, '')).toContain(fault === 'no library' ? 'NVIDIAManagementLibrary(NVML)notfound' : 'istruncatedorcorrupt(truncated:20000bytes');
        expect(lines.some((l) => l === 'EXIT:1')).toBe(true);
      },
      nvisel: async () => cleanFailure(await bin('nvisel.js', [], env), 1, library),
      'nvitop-exporter': async () => cleanFailure(await bin('nvitop-exporter.js', ['--port', '0'], env), 1, library),
      'selectDevices/useDevices': async () => {
        typedError(await api('return api.selectDevices();', env), /^NvmlLibraryNotFoundError$/, library);
        typedError(await api('return api.useDevices({ maxCount: 1 });', env), /^NvmlLibraryNotFoundError$/, library);
      },
      collector: async () => typedError(await api('return new api.ResourceMetricCollector();', env), /^NvmlLibraryNotFoundError$/, library),
      'file sinks': NA_CELL,
      GpuStatsLogger: async () =>
        typedError(await api('return new api.GpuStatsLogger();', env), /^NvitopError$/, fault === 'no library' ? /NVIDIA driver is not installed/ : library),
      createExporter: async () => typedError(await api('return api.createExporter({ registry: new (await import("prom-client")).Registry() });', env), /^NvmlLibraryNotFoundError$/, library),
    };
  }
  // A lost GPU or a GPU that supports nothing: every entry point runs, with N/A values.
  return {
    'nvitop -1': async () => {
      const r = await bin('nvitop.js', ['-1'], env);
      cleanSuccess(r);
      expect(r.stdout).toMatch(/N\/A/);
    },
    'nvitop --json': async () => {
      const r = await bin('nvitop.js', ['--json'], env);
      cleanSuccess(r);
      expect((JSON.parse(r.stdout) as { devices: unknown[] }).devices.length).toBeGreaterThan(0);
    },
    monitor: async () => {
      const lines = await monitor(env, [], async (s) => {
        await s.waitForText('Processes:');
        s.keys('q');
      });
      expect(lines.some((l) => l === 'EXIT:0')).toBe(true);
    },
    nvisel: async () => {
      const r = await bin('nvisel.js', [], env);
      cleanSuccess({ ...r, stderr: r.stderr.replace(/^CUDA_VISIBLE_DEVICES=.*\n/, '') });
      if (fault === 'lost GPU') expect(r.stdout).toBe('1\n'); // the lost GPU 0 is left out
    },
    'nvitop-exporter': async () => {
      const exporter = await startExporter([], env);
      try {
        const response = await waitFor(async () => {
          const r = await fetchText(`${exporter.base}/metrics`);
          return r.status === 200 ? r : undefined;
        });
        expect(response.body).toContain('gpu_utilization_Percentage');
      } finally {
        const end = await exporter.stop('SIGTERM');
        expect(end.signal === null || end.signal === 'SIGTERM').toBe(true);
      }
    },
    'selectDevices/useDevices': async () => {
      const r = await api('const env = {}; return [api.selectDevices(), api.useDevices({ env }).cudaVisibleDevices];', env);
      expect(r.error).toBeUndefined();
      if (fault === 'lost GPU') expect(r.ok).toEqual([[1], '1']);
    },
    collector: async () => {
      const r = await api(
        `const c = new api.ResourceMetricCollector({ interval: 0.05 });
         const seen = [];
         const h = api.collectInBackground((m) => { seen.push(m); }, c, { interval: 0.05 });
         await new Promise((r) => setTimeout(r, 300)); await h.stop();
         return { samples: seen.length, keys: Object.keys(seen.at(-1) ?? {}).length };`,
        env,
      );
      expect(r.error).toBeUndefined();
      expect((r.ok as { samples: number }).samples).toBeGreaterThan(0);
    },
    'file sinks': NA_CELL,
    GpuStatsLogger: async () => {
      const r = await api(
        `const g = new api.GpuStatsLogger({ temperature: true, fanSpeed: true });
         g.onEpochBegin(0); for (let b = 0; b < 3; b += 1) { g.onBatchBegin(b); const logs = {}; g.onBatchEnd(b, logs); }
         const logs = {}; g.onEpochEnd(0, logs); return logs;`,
        env,
      );
      expect(r.error).toBeUndefined();
      expect(Object.keys(r.ok as object).length).toBeGreaterThan(0); // NaN for what is not available
    },
    createExporter: async () => {
      const r = await api('const registry = new (await import("prom-client")).Registry(); api.createExporter({ registry }); return (await registry.metrics()).length;', env);
      expect(r.error).toBeUndefined();
      expect(r.ok as number).toBeGreaterThan(0);
    },
  };
}

function badInputCells(): Partial<Record<Entry, Cell | null>> {
  const env = nvmlEnv('bad input');
  const unknown = /^UnknownOptionError$/;
  return {
    'nvitop -1': async () => cleanFailure(await bin('nvitop.js', ['-1', '--bogus'], env), 2, /^nvitop: error: unrecognized arguments: --bogus/),
    'nvitop --json': async () => cleanFailure(await bin('nvitop.js', ['--json', '--interval', 'soon'], env), 2, /^nvitop: error: /),
    monitor: async () => {
      const lines = await monitor(env, ['--interval', '0.1'], async () => undefined);
      expect(lines.join('\n')).toMatch(/nvitop: error: /);
      expect(lines.some((l) => l === 'EXIT:2')).toBe(true);
    },
    nvisel: async () => cleanFailure(await bin('nvisel.js', ['-f', '8GB?'], env), 2, /^nvisel: error: argument --min-free-memory\/-f: Invalid size: '8GB\?'/),
    'nvitop-exporter': async () => cleanFailure(await bin('nvitop-exporter.js', ['--bogus'], env), 2, /^nvitop-exporter: error: /),
    'selectDevices/useDevices': async () => {
      typedError(await api("return api.selectDevices({ minFreeMemmory: '20GiB' });", env), unknown, /did you mean 'minFreeMemory'/);
      typedError(await api('return api.useDevices(null);', env), /^InvalidInputError$/);
    },
    collector: async () => {
      typedError(await api("return new api.ResourceMetricCollector({ devices: 'garbage' });", env), /^InvalidInputError$/);
      typedError(await api('return api.collectInBackground(() => {}, undefined, { intervl: 1 });', env), unknown, /did you mean 'interval'/);
    },
    'file sinks': async () => {
      typedError(await api(`return new api.CsvLogger(${JSON.stringify(path.join(work, 'bad.csv'))}, { fromat: 'long' });`, env), unknown, /did you mean 'format'/);
      typedError(await api(`return new api.JsonlLogger(${JSON.stringify(path.join(work, 'bad.jsonl'))}, null);`, env), /^InvalidInputError$/);
      typedError(await api(`return new api.SummaryWriter(${JSON.stringify(path.join(work, 'tb'))}, { flushSecs: -1 });`, env), /^InvalidInputError$/);
      expect(fs.existsSync(path.join(work, 'bad.csv')) || fs.existsSync(path.join(work, 'tb'))).toBe(false);
    },
    GpuStatsLogger: async () => {
      const r = await api('return new api.GpuStatsLogger({ devices: 1e9 });', env);
      expect(r.run.signal).toBeNull(); // once a V8 out-of-memory abort
      typedError(r, /^InvalidInputError$/, /at most 1/);
    },
    createExporter: async () => typedError(await api('return api.createExporter({ intervall: 2 });', env), unknown, /did you mean 'interval'/),
  };
}

function otherCells(fault: Fault): Partial<Record<Entry, Cell | null>> {
  const env = nvmlEnv(fault);
  switch (fault) {
    case 'path under /proc':
      return {
        nvisel: async () => cleanFailure(await bin('nvisel.js', ['-n', '1', '--lock', String(process.pid)], { ...env, NVITOP_LOCK_DIR: '/proc/nvitop-locks' }), 5, /^nvisel: Cannot use the GPU lock folder \/proc\/nvitop-locks: /),
        'selectDevices/useDevices': async () =>
          typedError(await api("return api.useDevices({ maxCount: 1, lock: { dir: '/proc/nvitop-locks' } });", env), /^LockDirectoryError$/, /\/proc\/nvitop-locks/),
        'file sinks': async () => {
          for (const make of ["new api.CsvLogger('/proc/x/gpu.csv')", "new api.JsonlLogger('/proc/x/gpu.jsonl')", "new api.SummaryWriter('/proc/x/runs')"]) {
            const r = await api(`const t = Date.now(); try { ${make}; } catch (e) { return { code: e.code, ms: Date.now() - t }; }`, env);
            expect(r.ok).toMatchObject({ code: 'ENOENT' });
            expect((r.ok as { ms: number }).ms).toBeLessThan(1000);
          }
        },
      };
    case 'unsafe lock folder': {
      if (process.getuid?.() !== 0) return {}; // a folder of another user needs root to make
      const dir = path.join(work, `unsafe-${Math.random().toString(36).slice(2)}`);
      fs.mkdirSync(dir);
      fs.chownSync(dir, 65534, 65534);
      fs.chmodSync(dir, 0o777);
      return {
        nvisel: async () => cleanFailure(await bin('nvisel.js', ['-n', '1', '--lock', String(process.pid)], { ...env, NVITOP_LOCK_DIR: dir }), 5, /lacks the sticky bit.*chmod \+t/),
        'selectDevices/useDevices': async () => {
          const r = await api(`return api.useDevices({ maxCount: 1, lock: { dir: ${JSON.stringify(dir)} } });`, env);
          typedError(r, /^LockDirectoryError$/);
          expect(r.error?.reason).toBe('EUNSAFE');
        },
      };
    }
    case 'SIGTSTP/SIGCONT':
      return {
        monitor: async () => {
          const lines = await monitor(env, ['--interval', '0.5'], async (s) => {
            await s.waitForText('Processes:');
            const pid = s.programPid();
            process.kill(pid, 'SIGSTOP');
            await new Promise((r) => setTimeout(r, 300));
            fs.writeFileSync(s.display('#{pane_tty}'), '\x1b[2J\x1b[3;1HSCRIBBLE');
            process.kill(pid, 'SIGCONT');
            await s.waitFor((l) => !l.some((x) => x.includes('SCRIBBLE')) && l.some((x) => x.includes('Processes:')), 'the repaint');
            expect(s.display('#{alternate_on}')).toBe('1');
            s.keys('q');
          });
          expect(lines.some((l) => l === 'EXIT:0')).toBe(true);
        },
        'nvitop-exporter': async () => {
          const exporter = await startExporter([], env);
          try {
            process.kill(exporter.child.pid!, 'SIGTSTP');
            await new Promise((r) => setTimeout(r, 300));
            process.kill(exporter.child.pid!, 'SIGCONT');
            const r = await waitFor(async () => {
              const response = await fetchText(`${exporter.base}/metrics`);
              return response.status === 200 ? response : undefined;
            });
            expect(r.body).toContain('gpu_utilization_Percentage');
          } finally {
            await exporter.stop('SIGTERM');
          }
        },
      };
    case 'disk full at exit': {
      const full = (name: string) => {
        const link = path.join(work, `${Math.random().toString(36).slice(2)}-${name}`);
        fs.symlinkSync('/dev/full', link);
        return JSON.stringify(link);
      };
      const lostRows = /failed to flush at exit, the rows since its last flush are lost: ENOSPC/;
      return {
        collector: async () => {
          const r = await api(
            `const sink = new api.JsonlLogger(${full('bg.jsonl')});
             const h = api.collectInBackground((m) => { sink.write(m); }, new api.ResourceMetricCollector({ interval: 0.05 }), { interval: 0.05 });
             await new Promise((r) => setTimeout(r, 200)); await h.stop(); return 'written';`,
            env,
          );
          expect(r.ok).toBe('written');
          expect(r.run.status).toBe(1);
          expect(r.run.stderr).toMatch(lostRows);
        },
        'file sinks': async () => {
          for (const make of [`new api.CsvLogger(${full('a.csv')})`, `new api.JsonlLogger(${full('a.jsonl')})`]) {
            const r = await api(`const s = ${make}; s.write({ a: 1 }, 1); return 'written';`, env);
            expect(r.run.status).toBe(1);
            expect(r.run.stderr).toMatch(lostRows);
          }
        },
        GpuStatsLogger: async () => {
          const r = await api(
            `const errors = []; const g = new api.GpuStatsLogger({ sinks: new api.CsvLogger(${full('g.csv')}), onError: (e) => errors.push(e.code) });
             g.onEpochBegin(0); g.onBatchBegin(0); g.onBatchEnd(0, {}); g.onEpochEnd(0, {}); await g.onTrainEnd({}); return errors;`,
            env,
          );
          expect(r.ok).toEqual(['ENOSPC']); // training goes on; the error is reported
          expect(r.run.status).toBe(1);
          expect(r.run.stderr).toMatch(lostRows);
        },
      };
    }
    case 'stale temp files':
      return {
        'file sinks': async () => {
          const dir = fs.mkdtempSync(path.join(work, 'stale-'));
          fs.writeFileSync(path.join(dir, 'gpu.csv'), 'time,step,a\n');
          const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
          fs.writeFileSync(path.join(dir, `gpu.csv.${os.hostname()}.${dead}.abc.0.tmp`), 'x'.repeat(100_000));
          const r = await api(`const c = new api.CsvLogger(${JSON.stringify(path.join(dir, 'gpu.csv'))}); await c.close(); return c.staleTempFilesRemoved.length;`, env);
          expect(r.ok).toBe(1);
          expect(fs.readdirSync(dir)).toEqual(['gpu.csv']);
        },
      };
    default:
      return {};
  }
}

const cells = new Map<string, Cell>();
for (const fault of FAULTS) {
  const row =
    fault === 'truncated library' || fault === 'no library' || fault === 'lost GPU' || fault === 'unsupported queries'
      ? nvmlCells(fault)
      : fault === 'bad input'
        ? badInputCells()
        : otherCells(fault);
  for (const entry of ENTRIES) {
    const cell = row[entry];
    if (cell !== undefined && cell !== null) cells.set(`${entry} × ${fault}`, cell);
  }
}
const results = new Map<string, 'pass' | 'fail'>();

describe.concurrent('fault matrix', () => {
  for (const [name, cell] of cells) {
    it(name, async () => {
      results.set(name, 'fail');
      await cell();
      results.set(name, 'pass');
    }, 90_000);
  }
});

describe('fault matrix counts', () => {
  it('covers every entry point and every fault; the counts', () => {
    const applicable = cells.size;
    const passed = [...results.values()].filter((r) => r === 'pass').length;
    const table = [`${'entry point'.padEnd(26)}${FAULTS.map((f) => f.slice(0, 11).padStart(12)).join('')}`];
    for (const entry of ENTRIES) {
      table.push(`${entry.padEnd(26)}${FAULTS.map((f) => (results.get(`${entry} × ${f}`) ?? (cells.has(`${entry} × ${f}`) ? 'not run' : 'n/a')).padStart(12)).join('')}`);
    }
    console.log(`fault matrix: ${ENTRIES.length} entry points x ${FAULTS.length} faults = ${ENTRIES.length * FAULTS.length} cells, ${applicable} applicable, ${passed} passed\n${table.join('\n')}`);
    for (const entry of ENTRIES) expect([...cells.keys()].some((k) => k.startsWith(`${entry} ×`)), entry).toBe(true);
    for (const fault of FAULTS) expect([...cells.keys()].some((k) => k.endsWith(`× ${fault}`)), fault).toBe(true);
    expect(passed).toBe(applicable);
  });
});
