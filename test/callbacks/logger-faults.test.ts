// Faults of the file sinks: temporary files left by killed wide-CSV rewrites are removed when a
// logger opens the file (only those of dead writers of this host); a new column in a large wide
// log starts a new part file instead of rewriting it all; a flush that fails at exit turns an
// exit status of 0 into 1 (real child processes writing to /dev/full).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvLogger } from '../../src/callbacks/index.js';
import { readCsvTable } from '../helpers/csv-reader.js';

const DIST = fileURLToPath(new URL('../../dist/callbacks/index.js', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-logger-faults-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A PID no process has now. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('temporary files of killed rewrites', () => {
  it("are removed when a logger opens the file, if their writer of this host is gone; others' stay", async () => {
    const file = path.join(dir, 'gpu.csv');
    fs.writeFileSync(file, 'time,step,a\n2026-01-01T00:00:00.000Z,1,5\n');
    const host = os.hostname();
    const dead = deadPid();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tmp = (name: string, ageMs = 0) => {
      const full = path.join(dir, name);
      fs.writeFileSync(full, 'x'.repeat(1000));
      if (ageMs > 0) fs.utimesSync(full, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
      return name;
    };
    const gone = [
      tmp(`gpu.csv.${host}.${dead}.lmn0abc.0.tmp`), // a dead writer of this host
      tmp(`gpu.csv.${dead}.lmn0abc.1.tmp`), // the older name without the host
      tmp(`gpu.csv.${host}.${process.pid}.lmn0abc.2.tmp`), // this process: no rewrite is running now
      tmp(`gpu.csv.${host}.${live.pid}.lmn0abc.3.tmp`, 3_600_000), // PID reused: the process is younger than the file
    ];
    const kept = [
      tmp(`gpu.csv.other-host.example.${dead}.lmn0abc.4.tmp`), // another host's writer: cannot tell
      tmp(`gpu.csv.${host}.${live.pid}.lmn0abc.5.tmp`), // a live writer, maybe mid-rewrite
      tmp('gpu.csv.notes.tmp'), // not a rewrite's name
      tmp(`other.csv.${host}.${dead}.lmn0abc.6.tmp`), // another log's
    ];
    try {
      const logger = new CsvLogger(file);
      expect([...logger.staleTempFilesRemoved].sort()).toEqual(gone.map((n) => path.join(dir, n)).sort());
      await logger.close();
      expect(fs.readdirSync(dir).sort()).toEqual(['gpu.csv', ...kept].sort());
      expect(readCsvTable(file).rows).toEqual([{ time: '2026-01-01T00:00:00.000Z', step: '1', a: '5' }]);
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('a rewrite names its temporary file with host and PID (what the clean-up reads)', async () => {
    const file = path.join(dir, 'gpu.csv');
    const logger = new CsvLogger(file, { flushIntervalMs: 0 });
    logger.write({ a: 1 }, 1);
    await logger.flush();
    // Watch the folder while a new column makes the logger rewrite the file.
    const seen: string[] = [];
    const watcher = fs.watch(dir, (_event, name) => name !== null && seen.push(name));
    logger.write({ a: 2, b: 3 }, 2);
    await logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    watcher.close();
    await logger.close();
    const tmpNames = seen.filter((n) => n.endsWith('.tmp'));
    expect(tmpNames.length).toBeGreaterThan(0);
    expect(tmpNames[0]).toMatch(new RegExp(`^gpu\\.csv\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.[0-9a-z]+\\.\\d+\\.tmp$`));
    expect(fs.readdirSync(dir)).toEqual(['gpu.csv']);
  });
});

describe('bounded widening of a large wide log', () => {
  const row = (i: number, keys: string[]) => Object.fromEntries(keys.map((k, j) => [k, i * 10 + j]));

  it('beyond maxRewriteBytes a new column starts gpu.1.csv (full header); gpu.csv stays as it was', async () => {
    const file = path.join(dir, 'gpu.csv');
    const logger = new CsvLogger(file, { flushIntervalMs: 0, maxRewriteBytes: 2000 });
    for (let i = 0; i < 80; i += 1) logger.write(row(i, ['a', 'b']), i, Date.UTC(2026, 0, 1, 0, i % 60, 0));
    await logger.flush();
    const before = fs.readFileSync(file);
    expect(before.length).toBeGreaterThan(2000);
    for (let i = 80; i < 85; i += 1) logger.write(row(i, ['a', 'b', 'c']), i, Date.UTC(2026, 0, 1, 1, 0, 0));
    await logger.flush();
    expect(fs.readFileSync(file).equals(before)).toBe(true); // not rewritten
    const part = path.join(dir, 'gpu.1.csv');
    expect(logger.path).toBe(part);
    expect(logger.files).toEqual([file, part]);
    const first = readCsvTable(file);
    const second = readCsvTable(part);
    expect(first.header).toEqual(['time', 'step', 'a', 'b']);
    expect(second.header).toEqual(['time', 'step', 'a', 'b', 'c']);
    expect(first.rows.map((r) => r.step)).toEqual(Array.from({ length: 80 }, (_, i) => String(i)));
    expect(second.rows.map((r) => [r.step, r.a, r.c])).toEqual(Array.from({ length: 5 }, (_, k) => [String(80 + k), String((80 + k) * 10), String((80 + k) * 10 + 2)]));
    // Under the limit the part is widened in place again.
    logger.write(row(85, ['a', 'b', 'c', 'd']), 85);
    await logger.flush();
    expect(readCsvTable(part).header).toEqual(['time', 'step', 'a', 'b', 'c', 'd']);
    expect(readCsvTable(part).rows).toHaveLength(6);
    await logger.close();

    // A new run goes on in the last part, adopting its columns.
    const again = new CsvLogger(file, { flushIntervalMs: 0, maxRewriteBytes: 2000 });
    expect(again.path).toBe(part);
    expect(again.columns).toEqual(['a', 'b', 'c', 'd']);
    again.write({ d: 1 }, 86);
    await again.close();
    expect(readCsvTable(part).rows.at(-1)).toMatchObject({ step: '86', a: '', d: '1' });
    expect(fs.readdirSync(dir).sort()).toEqual(['gpu.1.csv', 'gpu.csv']);
  });

  it('maxRewriteBytes 0: every new column starts a part; a stray gpu.7.csv is not taken for one', async () => {
    const file = path.join(dir, 'gpu.csv');
    fs.writeFileSync(path.join(dir, 'gpu.7.csv'), 'not ours\n');
    const logger = new CsvLogger(file, { flushIntervalMs: 0, maxRewriteBytes: 0 });
    const keys = ['a', 'b', 'c'];
    for (let k = 1; k <= keys.length; k += 1) {
      logger.write(row(k, keys.slice(0, k)), k);
      await logger.flush();
    }
    await logger.close();
    expect(logger.files).toEqual([file, path.join(dir, 'gpu.1.csv'), path.join(dir, 'gpu.2.csv')]);
    expect(logger.files.map((f) => readCsvTable(f).header.slice(2))).toEqual([['a'], ['a', 'b'], ['a', 'b', 'c']]);
    expect(fs.readFileSync(path.join(dir, 'gpu.7.csv'), 'utf8')).toBe('not ours\n');
  });

  it('the default limit is 8 MiB: a 1 MiB log is still widened in place', async () => {
    const file = path.join(dir, 'gpu.csv');
    const logger = new CsvLogger(file, { flushIntervalMs: 0 });
    const wide = Array.from({ length: 50 }, (_, j) => `k${j}`);
    for (let i = 0; i < 4000; i += 1) logger.write(row(i, wide), i);
    await logger.flush();
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    logger.write(row(4000, [...wide, 'new']), 4000);
    await logger.close();
    expect(logger.files).toEqual([file]);
    expect(readCsvTable(file).header.at(-1)).toBe('new');
  });
});

describe('a flush that fails at exit', () => {
  /** A child that writes rows to a logger on /dev/full (every write fails: ENOSPC) and ends. */
  function child(kind: 'csv' | 'jsonl', end: string): { status: number | null; stderr: string } {
    const target = path.join(dir, `full.${kind}`);
    fs.symlinkSync('/dev/full', target);
    const script = `
      import { CsvLogger, JsonlLogger } from ${JSON.stringify(DIST)};
      const sink = new ${kind === 'csv' ? 'CsvLogger' : 'JsonlLogger'}(${JSON.stringify(target)});
      sink.write({ 'gpu/util (%)': 93 }, 1);
      ${end}`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    return { status: run.status, stderr: run.stderr };
  }

  it('turns exit status 0 into 1 and says which sink lost rows (CSV, JSONL)', () => {
    for (const kind of ['csv', 'jsonl'] as const) {
      const run = child(kind, '');
      expect(run.status, kind).toBe(1);
      expect(run.stderr, kind).toMatch(new RegExp(`^nvitop: ${kind === 'csv' ? 'CsvLogger' : 'JsonlLogger'} for .*full\\.${kind} failed to flush at exit, the rows since its last flush are lost: ENOSPC`));
      fs.rmSync(path.join(dir, `full.${kind}`));
    }
  });

  it('keeps a failing status the program chose (process.exit(3)); process.exit(0) becomes 1', () => {
    expect(child('jsonl', 'process.exit(3);').status).toBe(3);
    fs.rmSync(path.join(dir, 'full.jsonl'));
    expect(child('jsonl', 'process.exit(0);').status).toBe(1);
    fs.rmSync(path.join(dir, 'full.jsonl'));
    expect(child('jsonl', 'process.exitCode = 0;').status).toBe(1);
  });
});
