// RunningStatistics and the metric buffer, against hand-computed numbers and an independent
// piecewise-linear reference (test/collector/reference.ts).
import { describe, expect, it } from 'vitest';

import { MetricBuffer } from '../../src/collector/buffer.js';
import { RunningStatistics } from '../../src/collector/statistics.js';
import { NA } from '../../src/core/index.js';
import { reference, type Point } from './reference.js';

function run(start: number, points: readonly Point[]): RunningStatistics {
  const stats = new RunningStatistics(start);
  for (const [t, v] of points) stats.add(v === null ? Number.NaN : v, t);
  return stats;
}

describe('RunningStatistics', () => {
  it('time-weights the mean with trapezoids (hand-computed)', () => {
    const stats = run(0, [
      [1, 10],
      [2, 20],
    ]);
    // 10 held over [0,1], trapezoid (10+20)/2 over [1,2]: 25 over 2 s.
    expect(stats.mean(2)).toBeCloseTo(12.5, 12);
    // ... and 20 held over [2,4]: 65 over 4 s.
    expect(stats.mean(4)).toBeCloseTo(16.25, 12);
    expect([stats.min(), stats.max(), stats.last(), stats.count]).toEqual([10, 20, 20, 2]);
  });

  it('skips missing values and stops extrapolating after a gap (hand-computed)', () => {
    const stats = run(0, [
      [1, 10],
      [2, null],
      [3, 30],
    ]);
    // 10 over [0,1], then the line 10 → 30 over [1,3]: 10 + 40 = 50 over 3 s, whatever "now" is.
    expect(stats.mean(10)).toBeCloseTo(50 / 3, 12);
    expect(stats.mean(100)).toBeCloseTo(50 / 3, 12);
    expect(stats.hasGap).toBe(true);
    expect([stats.min(), stats.max(), stats.last()]).toEqual([10, 30, 30]);
  });

  it('is NaN before any value, and the value itself over a zero span', () => {
    const empty = run(5, [[6, null]]);
    expect([empty.mean(7), empty.min(), empty.max(), empty.last()].every(Number.isNaN)).toBe(true);
    expect(run(5, [[5, 42]]).mean(5)).toBe(42);
  });

  it('matches the reference on irregular schedules with gaps', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 50; trial += 1) {
      const start = random() * 100;
      let t = start;
      const points: Point[] = [];
      const n = 1 + Math.floor(random() * 20);
      for (let i = 0; i < n; i += 1) {
        t += random() * 3;
        points.push([t, random() < 0.15 ? null : Math.round(random() * 1000) / 10]);
      }
      const now = t + random() * 5;
      const stats = run(start, points);
      const expected = reference(start, points, now);
      if (expected.mean === null) {
        expect(Number.isNaN(stats.mean(now))).toBe(true);
        continue;
      }
      expect(stats.mean(now)).toBeCloseTo(expected.mean, 9);
      expect([stats.min(), stats.max(), stats.last()]).toEqual([expected.min, expected.max, expected.last]);
    }
  });
});

describe('MetricBuffer', () => {
  const sample = (time: number, values: Record<string, number>) => ({ time, epoch: 1_000 + time, values: new Map(Object.entries(values)) });

  it("writes nvitop's keys, with running_time reported by its maximum", () => {
    const buffer = new MetricBuffer('train', null, 0, 1_000);
    buffer.add(sample(1, { 'gpu:0/temperature (C)': 50, 'pid:7/host/running_time (min)': 2 }));
    buffer.add(sample(3, { 'gpu:0/temperature (C)': 60, 'pid:7/host/running_time (min)': 3 }));
    const out = buffer.collect(4, 1_004);
    expect(Object.keys(out)).toEqual([
      'train/gpu:0/temperature (C)/mean',
      'train/gpu:0/temperature (C)/min',
      'train/gpu:0/temperature (C)/max',
      'train/gpu:0/temperature (C)/last',
      'train/pid:7/host/running_time (min)',
      'train/pid:7/host/running_time (min)/last',
      'train/duration (s)',
      'train/timestamp',
      'train/last_timestamp',
    ]);
    // 50 over [0,1], (50+60)/2 over [1,3], 60 over [3,4] = 50 + 110 + 60 = 220 over 4 s.
    expect(out['train/gpu:0/temperature (C)/mean']).toBeCloseTo(55, 12);
    expect(out['train/pid:7/host/running_time (min)']).toBe(3);
    expect(out['train/duration (s)']).toBe(4);
    expect(out['train/timestamp']).toBe(1_004);
    expect(out['train/last_timestamp']).toBe(1_003);
  });

  it('treats metrics absent from a sample as missing, and starts new metrics at the previous sample', () => {
    const buffer = new MetricBuffer('t', null, 0, 0);
    buffer.add(sample(2, { a: 10 }));
    buffer.add(sample(4, { a: 20, b: 5 })); // b starts at t = 2 (the previous sample)
    buffer.add(sample(6, { b: 7 })); // a is missing at t = 6
    const out = buffer.collect(10, 10);
    // a: 10 over [0,2], (10+20)/2 over [2,4], no extrapolation (gap): 50 / 4.
    expect(out['t/a/mean']).toBeCloseTo(12.5, 12);
    expect(out['t/a/last']).toBe(20);
    // b: 5 over [2,4], (5+7)/2 over [4,6], 7 over [6,10] = 10 + 12 + 28 = 50 over 8 s.
    expect(out['t/b/mean']).toBeCloseTo(50 / 8, 12);
  });

  it('reports NA for statistics without a value, and clear() starts over', () => {
    const buffer = new MetricBuffer('t', null, 0, 0);
    buffer.add(sample(1, { a: Number.NaN }));
    expect(buffer.collect(2, 2)['t/a/mean']).toBe(NA);
    expect(buffer.collect(2, 2)['t/a/max']).toBe(NA);
    buffer.clear(5, 5);
    expect(buffer.collect(6, 6)).toEqual({ 't/duration (s)': 1, 't/timestamp': 6, 't/last_timestamp': 5 });
  });

  it('nests key prefixes', () => {
    const outer = new MetricBuffer('train', null, 0, 0);
    const inner = new MetricBuffer('batch', outer, 0, 0);
    expect(inner.prefix).toBe('train/batch');
  });
});
