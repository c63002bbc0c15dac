/**
 * Data safety against a real process death: a child process (the BUILT package in dist/) writes
 * to all three file sinks, flushes, says so, keeps writing unflushed rows, and is SIGKILLed.
 * Every flushed row must read back intact with the independent readers.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readCsvTable } from '../helpers/csv-reader.js';
import { readJsonl } from '../helpers/jsonl-reader.js';
import { readEventFile, scalarsOf } from '../helpers/tfrecord-reader.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/sink-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/callbacks/index.js', import.meta.url));

let dir: string;
beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (pretest does)`);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-safety-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The fixture's row i (kept in sync with fixtures/sink-writer.mjs). */
function row(i: number): Record<string, number | null> {
  return { a: i * 1.5, ...(i >= 3 ? { b: -i } : {}), c: i % 2 === 1 ? null : i * 100 };
}

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(mode: string, n: number, onStdout?: (text: string, kill: () => void) => void): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, dir, mode, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not finish in time; stdout=${stdout} stderr=${stderr}`));
    }, 15_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, () => child.kill('SIGKILL'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function checkAllRows(n: number): void {
  const expected = Array.from({ length: n }, (_, i) => row(i));

  const wide = readCsvTable(join(dir, 'wide.csv'));
  expect(wide.header).toEqual(['time', 'step', 'a', 'c', 'b']);
  expect(wide.rows).toHaveLength(n);
  wide.rows.forEach((r, i) => {
    expect(r['time']).toBe(new Date(1_700_000_000_000 + i * 1000).toISOString());
    expect(r['step']).toBe(String(i));
    for (const key of ['a', 'b', 'c']) {
      const v = expected[i]![key];
      expect(r[key]).toBe(v === undefined || v === null ? '' : String(v));
    }
  });

  const long = readCsvTable(join(dir, 'long.csv'));
  expect(long.header).toEqual(['time', 'step', 'key', 'value']);
  expect(long.rows.map((r) => [r['step'], r['key'], r['value']])).toEqual(
    expected.flatMap((m, i) => Object.entries(m).map(([k, v]) => [String(i), k, v === null ? '' : String(v)])),
  );

  const jsonl = readJsonl(join(dir, 'rows.jsonl'));
  expect(jsonl).toEqual(
    expected.map((m, i) => ({ time: new Date(1_700_000_000_000 + i * 1000).toISOString(), step: i, ...m })),
  );

  const files = readdirSync(join(dir, 'tb'));
  expect(files).toHaveLength(1);
  const { events, torn } = readEventFile(join(dir, 'tb', files[0]!));
  expect(torn).toBeUndefined();
  expect(events[0]!.fileVersion).toBe('brain.Event:2');
  expect(scalarsOf(events)).toEqual(
    expected.flatMap((m, i) =>
      Object.entries(m)
        .filter(([, v]) => v !== null)
        .map(([tag, value]) => ({ step: i, tag, value, wallTime: 1_700_000_000 + i })),
    ),
  );
}

describe('data safety', () => {
  it('every flushed row survives SIGKILL, in CSV (wide and long), JSONL and the event file', async () => {
    const n = 40;
    let killed = false;
    const result = await runChild('kill', n, (stdout, kill) => {
      if (!killed && stdout.includes(`flushed ${n}\n`)) {
        killed = true;
        // Let it write (but not flush) more rows first.
        setTimeout(kill, 100);
      }
    });
    expect(result.signal).toBe('SIGKILL');
    expect(result.stderr).toBe('');
    checkAllRows(n);
    expect(readdirSync(dir).sort()).toEqual(['long.csv', 'rows.jsonl', 'tb', 'wide.csv']);
  });

  it('unflushed rows are written at normal exit, and the sinks do not keep the process alive', async () => {
    const result = await runChild('exit', 25);
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    checkAllRows(25);
  });

  it('unflushed rows are written on process.exit()', async () => {
    const result = await runChild('process-exit', 10);
    expect(result).toMatchObject({ code: 3, signal: null, stderr: '' });
    checkAllRows(10);
  });
});
