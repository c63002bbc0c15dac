import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { exitHookCount } from '../../src/callbacks/auto-flush.js';
import { addScalarDict, SummaryWriter } from '../../src/callbacks/index.js';
import { NA } from '../../src/core/na.js';
import { parseEventFile, readEventFile, scalarsOf } from '../helpers/tfrecord-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-tb-'));
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

describe('SummaryWriter', () => {
  it('writes the file_version event first, then one event per scalar', async () => {
    const writer = new SummaryWriter(dir);
    const tags = ['train/loss', 'gpu/cuda:0 (gpu:3)/memory_used (MiB)/mean', 'ünïcode/☃'];
    const written: Array<{ step: number; tag: string; value: number }> = [];
    for (let step = 0; step < 50; step++) {
      for (const [k, tag] of tags.entries()) {
        const value = step * 1.37 + k * 1000 - 20;
        writer.addScalar(tag, value, step, 1_700_000_000 + step);
        written.push({ step, tag, value });
      }
    }
    await writer.close();

    const { events } = readEventFile(writer.path);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events[0]!.values).toEqual([]);
    expect(events[0]!.wallTime).toBeCloseTo(Date.now() / 1000, -1);
    expect(events).toHaveLength(1 + written.length);
    expect(events.slice(1).every((e) => e.values.length === 1 && e.unknownFields.length === 0)).toBe(true);
    const read = scalarsOf(events);
    expect(read.map(({ step, tag, value }) => ({ step, tag, value }))).toEqual(
      written.map((w) => ({ ...w, value: Math.fround(w.value) })),
    );
    expect(read.map((r) => r.wallTime)).toEqual(written.map((w) => 1_700_000_000 + w.step));
  });

  it('names files like tensorboardX and never reuses a name', async () => {
    const writers = Array.from({ length: 20 }, () => new SummaryWriter(dir, { filenameSuffix: '.gpu' }));
    const names = readdirSync(dir);
    expect(new Set(names).size).toBe(20);
    const pattern = new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/[.]/g, '\\.')}\\.${process.pid}\\.\\d+\\.gpu$`);
    for (const name of names) expect(name).toMatch(pattern);
    writers.forEach((w, i) => w.addScalar('i', i, 0));
    await Promise.all(writers.map((w) => w.close()));
    for (const [i, w] of writers.entries()) {
      expect(scalarsOf(readEventFile(w.path).events).map((s) => s.value)).toEqual([i]);
    }
  });

  it('skips a file name that already exists', async () => {
    const first = new SummaryWriter(dir);
    await first.close();
    // Plant files with the next few counter values, as another copy of the module could.
    const m = /^(.*\.)(\d+)$/.exec(first.path)!;
    for (let k = 1; k <= 3; k++) writeFileSync(`${m[1]}${Number(m[2]) + k}`, 'planted');
    const second = new SummaryWriter(dir);
    await second.close();
    expect(second.path).not.toBe(first.path);
    expect(readEventFile(second.path).events[0]!.fileVersion).toBe('brain.Event:2');
    for (const name of readdirSync(dir)) {
      const content = readFileSync(join(dir, name), 'utf8');
      if (content === 'planted') expect(join(dir, name)).not.toBe(second.path);
    }
  });

  it('skips NA, writes NaN and infinities, stores float32', async () => {
    const writer = new SummaryWriter(dir);
    writer.addScalar('na', NA, 1);
    writer.addScalar('nan', Number.NaN, 1);
    writer.addScalar('inf', Number.POSITIVE_INFINITY, 1);
    writer.addScalar('small', 0.1, 1);
    writer.addScalar('neg-step', 5, -2);
    writer.addScalar('no-step', 6);
    await writer.close();
    const read = scalarsOf(readEventFile(writer.path).events);
    expect(read.map((r) => r.tag)).toEqual(['nan', 'inf', 'small', 'neg-step', 'no-step']);
    expect(read[0]!.value).toBeNaN();
    expect(read[1]!.value).toBe(Number.POSITIVE_INFINITY);
    expect(read[2]!.value).toBe(Math.fround(0.1));
    expect(read[3]!.step).toBe(-2);
    expect(read[4]!.step).toBeUndefined();
  });

  it('rejects bad input', async () => {
    const writer = new SummaryWriter(dir);
    expect(() => writer.addScalar('', 1)).toThrow(/tag/);
    expect(() => writer.addScalar('x', '1' as unknown as number)).toThrow(/a number or NA/);
    expect(() => writer.addScalar('x', 1, 1.5)).toThrow(/step/);
    expect(() => writer.addScalar('x', 1, 1, Number.NaN)).toThrow(/walltime/);
    expect(() => writer.write({ a: 1, b: 'x' as unknown as number })).toThrow(/metric 'b'/);
    expect(() => new SummaryWriter(dir, { flushSecs: -1 })).toThrow(/flushSecs/);
    await writer.close();
    // Nothing of the rejected calls reached the file.
    expect(readEventFile(writer.path).events).toHaveLength(1);
  });

  it('flushes on its unref()ed timer', async () => {
    const writer = new SummaryWriter(dir, { flushSecs: 0.05 });
    writer.addScalar('a', 1, 1);
    expect(readEventFile(writer.path).events).toHaveLength(1); // buffered
    await eventually(() => expect(scalarsOf(readEventFile(writer.path).events)).toHaveLength(1));
    await writer.close();
  });

  it('flush() makes the data readable at once', async () => {
    const writer = new SummaryWriter(dir, { flushSecs: 0 });
    writer.addScalar('a', 1, 1);
    await writer.flush();
    expect(scalarsOf(readEventFile(writer.path).events)).toHaveLength(1);
    writer.addScalar('a', 2, 2);
    writer.flushSync();
    expect(scalarsOf(readEventFile(writer.path).events)).toHaveLength(2);
    await writer.close();
  });

  it('close() removes its exit hook and is idempotent; writes after close throw', async () => {
    const before = exitHookCount();
    const writer = new SummaryWriter(dir);
    expect(exitHookCount()).toBe(before + 1);
    await writer.close();
    await writer.close();
    expect(exitHookCount()).toBe(before);
    expect(() => writer.addScalar('a', 1)).toThrow(/closed/);
    await writer.flush(); // harmless
  });

  it('write() is the MetricSink entry point: tag = key, time in ms', async () => {
    const writer = new SummaryWriter(dir);
    writer.write({ 'a/b': 1, c: NA, d: 2 }, 9, 1_700_000_000_250);
    await writer.close();
    const read = scalarsOf(readEventFile(writer.path).events);
    expect(read).toEqual([
      { step: 9, tag: 'a/b', value: 1, wallTime: 1_700_000_000.25 },
      { step: 9, tag: 'd', value: 2, wallTime: 1_700_000_000.25 },
    ]);
  });

  it('addScalars writes one sub-run per key with the main tag (tensorboardX semantics)', async () => {
    const writer = new SummaryWriter(dir);
    writer.addScalars('loss/epoch', { train: 0.5, val: 0.75, skip: NA }, 3);
    writer.addScalars('loss/epoch', { train: 0.25, val: 0.5 }, 4);
    await writer.close();
    const sub = (key: string): string[] => readdirSync(join(dir, `loss_epoch_${key}`)).map((n) => join(dir, `loss_epoch_${key}`, n));
    const [trainFile] = sub('train');
    const [valFile] = sub('val');
    expect(sub('train')).toHaveLength(1);
    expect(scalarsOf(readEventFile(trainFile!).events).map(({ step, tag, value }) => ({ step, tag, value }))).toEqual([
      { step: 3, tag: 'loss/epoch', value: 0.5 },
      { step: 4, tag: 'loss/epoch', value: 0.25 },
    ]);
    expect(scalarsOf(readEventFile(valFile!).events).map((s) => s.value)).toEqual([0.75, 0.5]);
    // NA skipped: the sub-run exists (created on first sight) but holds no scalar.
    expect(scalarsOf(readEventFile(sub('skip')[0]!).events)).toEqual([]);
    // The main file got no scalars.
    expect(scalarsOf(readEventFile(writer.path).events)).toEqual([]);
  });

  it('a file cut mid-record is reported as torn by the reader', async () => {
    const writer = new SummaryWriter(dir);
    for (let i = 0; i < 5; i++) writer.addScalar('a', i, i);
    await writer.close();
    const full = readFileSync(writer.path);
    const whole = parseEventFile(full);
    expect(whole.torn).toBeUndefined();
    const recordEnds: number[] = [];
    for (let off = 0; off < full.length; ) {
      off += 16 + Number(full.readBigUInt64LE(off));
      recordEnds.push(off);
    }
    expect(recordEnds.at(-1)).toBe(full.length);
    for (const cut of [full.length - 1, full.length - 5, recordEnds.at(-2)! + 3, recordEnds.at(-2)! + 14]) {
      truncateSync(writer.path, cut);
      expect(() => readEventFile(writer.path)).toThrow(/torn record/);
      const partial = readEventFile(writer.path, { allowTorn: true });
      expect(partial.torn).toBeDefined();
      expect(scalarsOf(partial.events).map((s) => s.value)).toEqual([0, 1, 2, 3]);
      writeFileSync(writer.path, full);
    }
  });
});

describe('addScalarDict', () => {
  it('tags each metric `${mainTag}/${key}` and skips NA', async () => {
    const writer = new SummaryWriter(dir);
    addScalarDict(writer, 'resources', { 'train/host/cpu_percent (%)/mean': 12.5, 'train/gpu': NA, x: 3 }, 7, 100);
    await writer.close();
    expect(scalarsOf(readEventFile(writer.path).events)).toEqual([
      { step: 7, tag: 'resources/train/host/cpu_percent (%)/mean', value: 12.5, wallTime: 100 },
      { step: 7, tag: 'resources/x', value: 3, wallTime: 100 },
    ]);
  });

  it('works with any writer that has addScalar', () => {
    const calls: unknown[][] = [];
    addScalarDict({ addScalar: (...args: unknown[]) => calls.push(args) }, 'm', { a: 1, b: 2 }, 3);
    expect(calls).toEqual([
      ['m/a', 1, 3, undefined],
      ['m/b', 2, 3, undefined],
    ]);
  });
});
