import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { JsonlLogger } from '../../src/callbacks/index.js';
import { NA } from '../../src/core/na.js';
import { readJsonl } from '../helpers/jsonl-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-jsonl-'));
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

describe('JsonlLogger', () => {
  it('writes one object per line: ISO time, step, metrics in order; NA/NaN/Infinity as null', async () => {
    const path = join(dir, 'sub', 'gpu.jsonl');
    const log = new JsonlLogger(path);
    log.write({ 'cuda:0/util (%)': 93, 'cuda:0/fan (%)': NA, nan: Number.NaN, inf: -Infinity, '"quoted"\n': 1.5 }, 1, Date.UTC(2026, 10, 2, 9, 30, 0, 123));
    log.write({ 10: 1, 2: 2 }, undefined, 0);
    await log.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe(
      '{"time":"2026-11-02T09:30:00.123Z","step":1,"cuda:0/util (%)":93,"cuda:0/fan (%)":null,"nan":null,"inf":null,"\\"quoted\\"\\n":1.5}',
    );
    // Integer-like keys keep the order the object gives them (JS puts them first, ascending).
    expect(lines[1]).toBe('{"time":"1970-01-01T00:00:00.000Z","step":null,"2":2,"10":1}');
    expect(readJsonl(path)).toEqual([
      { time: '2026-11-02T09:30:00.123Z', step: 1, 'cuda:0/util (%)': 93, 'cuda:0/fan (%)': null, nan: null, inf: null, '"quoted"\n': 1.5 },
      { time: '1970-01-01T00:00:00.000Z', step: null, 2: 2, 10: 1 },
    ]);
  });

  it('keeps every value exactly', async () => {
    const path = join(dir, 'gpu.jsonl');
    const log = new JsonlLogger(path);
    const values = [0, -0.5, 1e-300, 1.7976931348623157e308, 0.1 + 0.2, 2 ** 53 - 1, -123456.789];
    values.forEach((v, i) => log.write({ v }, i));
    await log.close();
    expect(readJsonl(path).map((r) => r['v'])).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
  });

  it('rejects the reserved names time and step', () => {
    const log = new JsonlLogger(join(dir, 'r.jsonl'));
    expect(() => log.write({ time: 1 })).toThrow(/reserved/);
    expect(() => log.write({ step: 1 })).toThrow(/reserved/);
    log.closeSync();
    expect(readFileSync(join(dir, 'r.jsonl'), 'utf8')).toBe('');
  });

  it('appends to an existing file and drops a torn last line first', async () => {
    const path = join(dir, 'gpu.jsonl');
    const first = new JsonlLogger(path);
    first.write({ a: 1 }, 1);
    await first.close();
    appendFileSync(path, '{"time":"2026-11-02T0'); // a write cut short
    const second = new JsonlLogger(path);
    expect(second.tornBytesDropped).toBe('{"time":"2026-11-02T0'.length);
    second.write({ a: 2 }, 2);
    await second.close();
    expect(readJsonl(path).map((r) => r['a'])).toEqual([1, 2]);
  });

  it('a file that is one torn line becomes empty', async () => {
    const path = join(dir, 'gpu.jsonl');
    writeFileSync(path, '{"ti');
    const log = new JsonlLogger(path);
    log.write({ a: 1 }, 1);
    await log.close();
    expect(readJsonl(path).map((r) => r['a'])).toEqual([1]);
  });

  it('flushes on its timer and on flush()', async () => {
    const path = join(dir, 'gpu.jsonl');
    const log = new JsonlLogger(path, { flushIntervalMs: 50 });
    log.write({ a: 1 }, 1);
    expect(readFileSync(path, 'utf8')).toBe('');
    await eventually(() => expect(readJsonl(path)).toHaveLength(1));
    log.write({ a: 2 }, 2);
    await log.flush();
    expect(readJsonl(path)).toHaveLength(2);
    await log.close();
    expect(() => log.write({ a: 3 })).toThrow(/closed/);
  });
});
