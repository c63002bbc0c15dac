import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CsvLogger } from '../../src/callbacks/index.js';
import { parseCsv } from '../../src/callbacks/loggers/csv-read.js';
import { padRecords } from '../../src/callbacks/loggers/csv-text.js';
import { NA } from '../../src/core/na.js';
import { parseCsvStrict, readCsvTable } from '../helpers/csv-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-csv-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Polls `check` until it stops throwing (up to 5 s): timer tests must not depend on machine speed. */
async function eventually(check: () => void): Promise<void> {
  for (let start = Date.now(); ; ) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() - start > 5000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
const T0 = Date.UTC(2026, 10, 2, 9, 30, 0, 0);

describe('CsvLogger (wide)', () => {
  it('writes time,step,<keys> with ISO time, NA as empty, NaN as NaN', async () => {
    const path = join(dir, 'gpu.csv');
    const csv = new CsvLogger(path);
    csv.write({ a: 1.5, b: NA, c: Number.NaN, d: Number.NEGATIVE_INFINITY }, 3, T0);
    csv.write({ a: 2 }, undefined, T0 + 1);
    await csv.close();
    expect(readFileSync(path, 'utf8')).toBe(
      'time,step,a,b,c,d\n2026-11-02T09:30:00.000Z,3,1.5,,NaN,-Infinity\n2026-11-02T09:30:00.001Z,,2,,,\n',
    );
  });

  it('quotes awkward metric names', async () => {
    const path = join(dir, 'gpu.csv');
    const csv = new CsvLogger(path);
    const keys = ['a,b', 'say "hi"', 'two\nlines', ' spaced ', 'cuda:0 (gpu:3)/memory_used (MiB)/mean'];
    csv.write(Object.fromEntries(keys.map((k, i) => [k, i])), 1, T0);
    await csv.close();
    const table = readCsvTable(path);
    expect(table.header).toEqual(['time', 'step', ...keys]);
    expect(keys.map((k) => table.rows[0]![k])).toEqual(['0', '1', '2', '3', '4']);
  });

  it('widens the file when keys appear over time, keeping every earlier value', async () => {
    const path = join(dir, 'gpu.csv');
    const csv = new CsvLogger(path, { flushIntervalMs: 0 });
    const expected: Array<Record<string, string>> = [];
    const keysAt = (step: number): string[] => {
      const keys = ['host/cpu (%)', 'cuda:0/util (%)'];
      if (step >= 4) keys.push('cuda:1/util (%)'); // a new device
      if (step >= 7) keys.push('pid:123/util (%)'); // a new process
      if (step >= 9) keys.splice(2, 1); // a device disappears: empty cells from here
      return keys;
    };
    for (let step = 0; step < 12; step++) {
      const metrics = Object.fromEntries(keysAt(step).map((k, i) => [k, step * 10 + i + 0.25]));
      csv.write(metrics, step, T0 + step);
      expected.push(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)])));
      if (step % 3 === 2) await csv.flush(); // flushes before, at and after each widening
      const table = readCsvTable(path); // valid rectangular CSV after every step
      expect(table.rows.length).toBe(step % 3 === 2 ? step + 1 : step - (step % 3));
    }
    await csv.close();
    const table = readCsvTable(path);
    expect(table.header).toEqual(['time', 'step', 'host/cpu (%)', 'cuda:0/util (%)', 'cuda:1/util (%)', 'pid:123/util (%)']);
    expect(table.rows).toHaveLength(12);
    table.rows.forEach((row, step) => {
      expect(row['step']).toBe(String(step));
      expect(row['time']).toBe(new Date(T0 + step).toISOString());
      for (const key of table.header.slice(2)) expect(row[key]).toBe(expected[step]![key] ?? '');
    });
    expect(readdirSync(dir)).toEqual(['gpu.csv']); // no temporary file left behind
  });

  it('appending runs keep the file valid, widening an existing file', async () => {
    const path = join(dir, 'gpu.csv');
    const run1 = new CsvLogger(path);
    run1.write({ a: 1, b: 2 }, 1, T0);
    await run1.close();

    const run2 = new CsvLogger(path); // same columns: plain append
    expect(run2.columns).toEqual(['a', 'b']);
    run2.write({ b: 3 }, 2, T0);
    await run2.close();

    const run3 = new CsvLogger(path); // new column: widen
    run3.write({ c: 4, a: 5 }, 3, T0);
    await run3.close();

    const table = readCsvTable(path);
    expect(table.header).toEqual(['time', 'step', 'a', 'b', 'c']);
    expect(table.rows.map((r) => [r['step'], r['a'], r['b'], r['c']])).toEqual([
      ['1', '1', '2', ''],
      ['2', '', '3', ''],
      ['3', '5', '', '4'],
    ]);
  });

  it('appends after a header with quoted newlines', async () => {
    const path = join(dir, 'gpu.csv');
    const run1 = new CsvLogger(path);
    run1.write({ 'x\ny': 1 }, 1, T0);
    await run1.close();
    const run2 = new CsvLogger(path);
    expect(run2.columns).toEqual(['x\ny']);
    run2.write({ 'x\ny': 2, z: 3 }, 2, T0);
    await run2.close();
    expect(readCsvTable(path).rows.map((r) => [r['x\ny'], r['z']])).toEqual([
      ['1', ''],
      ['2', '3'],
    ]);
  });

  it('drops a torn last row of an existing file', async () => {
    const path = join(dir, 'gpu.csv');
    const run1 = new CsvLogger(path);
    run1.write({ a: 1 }, 1, T0);
    await run1.close();
    appendFileSync(path, '2026-11-02T09:3');
    const run2 = new CsvLogger(path);
    expect(run2.tornBytesDropped).toBe(15);
    run2.write({ a: 2 }, 2, T0);
    await run2.close();
    expect(readCsvTable(path).rows.map((r) => r['a'])).toEqual(['1', '2']);
  });

  it('a torn header is dropped', async () => {
    const path = join(dir, 'gpu.csv');
    writeFileSync(path, 'time,st');
    const csv = new CsvLogger(path);
    csv.write({ a: 1 }, 1, T0);
    await csv.close();
    expect(readCsvTable(path).header).toEqual(['time', 'step', 'a']);
  });

  it('rejects a file that is not one of ours, and reserved names', () => {
    const path = join(dir, 'other.csv');
    writeFileSync(path, 'date,value\n1,2\n');
    expect(() => new CsvLogger(path)).toThrow(/wide-format/);
    writeFileSync(path, 'time,step,key,value\n');
    expect(() => new CsvLogger(path)).toThrow(/wide-format/);
    expect(() => new CsvLogger(path, { format: 'wide-ish' as 'wide' })).toThrow(/format/);
    const csv = new CsvLogger(join(dir, 'ok.csv'));
    expect(() => csv.write({ time: 1 })).toThrow(/reserved/);
    expect(() => csv.write({ step: 1 })).toThrow(/reserved/);
    csv.closeSync();
  });

  it('flushes on its timer', async () => {
    const path = join(dir, 'gpu.csv');
    const csv = new CsvLogger(path, { flushIntervalMs: 50 });
    csv.write({ a: 1 }, 1, T0);
    expect(readFileSync(path, 'utf8')).toBe('');
    await eventually(() => expect(readCsvTable(path).rows).toHaveLength(1));
    csv.write({ b: 2 }, 2, T0); // widening on the timer too
    await eventually(() =>
      expect(readCsvTable(path).rows.map((r) => [r['a'], r['b']])).toEqual([
        ['1', ''],
        ['', '2'],
      ]),
    );
    await csv.close();
  });
});

describe('CsvLogger (long)', () => {
  it('writes time,step,key,value rows, NA as empty', async () => {
    const path = join(dir, 'long.csv');
    const csv = new CsvLogger(path, { format: 'long' });
    csv.write({ a: 1, 'b,c': NA }, 1, T0);
    csv.write({ d: Number.NaN }, 2, T0);
    await csv.close();
    expect(readCsvTable(path).raw).toEqual([
      ['time', 'step', 'key', 'value'],
      ['2026-11-02T09:30:00.000Z', '1', 'a', '1'],
      ['2026-11-02T09:30:00.000Z', '1', 'b,c', ''],
      ['2026-11-02T09:30:00.000Z', '2', 'd', 'NaN'],
    ]);
  });

  it('appends runs and refuses a wide file', async () => {
    const path = join(dir, 'long.csv');
    for (let run = 0; run < 3; run++) {
      const csv = new CsvLogger(path, { format: 'long' });
      csv.write({ run }, run, T0);
      await csv.close();
    }
    expect(readCsvTable(path).rows.map((r) => r['value'])).toEqual(['0', '1', '2']);
    writeFileSync(join(dir, 'wide.csv'), 'time,step,a\n');
    expect(() => new CsvLogger(join(dir, 'wide.csv'), { format: 'long' })).toThrow(/long-format/);
  });
});

describe('parseCsv (src) agrees with the independent reader', () => {
  it('on quoted fields, CRLF and an unterminated tail', () => {
    const text = 'a,"b ""q""","c\r\nd"\r\n1,,3\n"x,y",2,';
    expect(parseCsv(text).records).toEqual(parseCsvStrict(text.slice(0, text.lastIndexOf('\n') + 1)));
    expect(parseCsv(text).end).toBe(text.lastIndexOf('\n') + 1);
  });
});

describe('padRecords', () => {
  it('pads plain records with one replace, keeping CRLF', () => {
    expect(padRecords('1,2\n3,4\r\n', 2)).toBe('1,2,,\n3,4,,\r\n');
    expect(padRecords('1,2\n', 0)).toBe('1,2\n');
  });

  it('parses quoted records before padding them', () => {
    const padded = padRecords('"a\nb","c,""d"""\n1,2\n', 1);
    expect(parseCsvStrict(padded)).toEqual([
      ['a\nb', 'c,"d"', ''],
      ['1', '2', ''],
    ]);
  });
});
