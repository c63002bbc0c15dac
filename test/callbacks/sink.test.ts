import { describe, expect, it } from 'vitest';

import { createSink, isMetricSink, MultiSink } from '../../src/callbacks/index.js';
import type { MetricSink, Metrics } from '../../src/callbacks/index.js';
import { NA } from '../../src/core/na.js';

class MemorySink implements MetricSink {
  rows: Array<[Metrics, number | undefined, number | undefined]> = [];
  flushed = 0;
  closed = 0;
  constructor(readonly failOn?: 'write' | 'flush' | 'close') {}
  write(metrics: Metrics, step?: number, time?: number): void {
    if (this.failOn === 'write') throw new Error('write failed');
    this.rows.push([metrics, step, time]);
  }
  async flush(): Promise<void> {
    this.flushed++;
    if (this.failOn === 'flush') throw new Error('flush failed');
  }
  async close(): Promise<void> {
    this.closed++;
    if (this.failOn === 'close') throw new Error('close failed');
  }
}

describe('MultiSink', () => {
  it('fans out every row with one shared timestamp', async () => {
    const a = new MemorySink();
    const b = new MemorySink();
    const multi = new MultiSink([a]).add(b);
    const before = Date.now();
    multi.write({ x: 1, y: NA }, 5);
    multi.write({ x: 2 }, 6, 1234);
    await multi.flush();
    await multi.close();
    expect(a.rows).toEqual(b.rows);
    expect(a.rows[0]![2]).toBeGreaterThanOrEqual(before);
    expect(a.rows[1]).toEqual([{ x: 2 }, 6, 1234]);
    expect([a.flushed, b.flushed, a.closed, b.closed]).toEqual([1, 1, 1, 1]);
    expect(multi.sinks).toEqual([a, b]);
  });

  it('a failing sink does not stop the others; errors are thrown together', async () => {
    const ok = new MemorySink();
    expect(() => new MultiSink([new MemorySink('write'), ok]).write({ x: 1 })).toThrow('write failed');
    expect(ok.rows).toHaveLength(1);
    const multi = new MultiSink([new MemorySink('flush'), new MemorySink('flush'), ok]);
    await expect(multi.flush()).rejects.toBeInstanceOf(AggregateError);
    expect(ok.flushed).toBe(1);
    await expect(new MultiSink([new MemorySink('close'), ok]).close()).rejects.toThrow('close failed');
    expect(ok.closed).toBe(1);
  });
});

describe('createSink', () => {
  it('returns a sink as is', () => {
    const s = new MemorySink();
    expect(createSink(s)).toBe(s);
    expect(isMetricSink(s)).toBe(true);
    expect(isMetricSink(() => undefined)).toBe(false);
  });

  it('wraps a function; flush awaits its promises and rethrows their errors', async () => {
    const seen: unknown[] = [];
    let resolved = 0;
    const sink = createSink(async (metrics, step, time) => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push([metrics, step, typeof time]);
      resolved++;
    });
    sink.write({ a: 1 }, 1);
    sink.write({ a: 2 });
    expect(resolved).toBe(0);
    await sink.flush();
    expect(seen).toEqual([
      [{ a: 1 }, 1, 'number'],
      [{ a: 2 }, undefined, 'number'],
    ]);

    const failing = createSink(() => Promise.reject(new Error('nope')));
    failing.write({ a: 1 });
    await expect(failing.flush()).rejects.toThrow('nope');
    await failing.close();
    expect(() => failing.write({ a: 1 })).toThrow(/closed/);
  });

  it('turns a list into a MultiSink and rejects other values', () => {
    const calls: unknown[] = [];
    const s = new MemorySink();
    const multi = createSink([s, (m) => void calls.push(m)]);
    expect(multi).toBeInstanceOf(MultiSink);
    multi.write({ a: 1 });
    expect(calls).toEqual([{ a: 1 }]);
    expect(s.rows).toHaveLength(1);
    expect(() => createSink(42 as unknown as MetricSink)).toThrow(/MetricSink/);
  });
});
