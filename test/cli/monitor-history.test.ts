import { describe, expect, it } from 'vitest';

import { NA, isNA } from '../../src/core/index.js';
import { HistoryGraph, timeLabelColumns } from '../../src/cli/monitor/history.js';

// Braille dot bits (Unicode): left column 1,2,3,7 = 0x01,0x02,0x04,0x40; right column 4,5,6,8 = 0x08,0x10,0x20,0x80.
const dots = (ch: string): number => (ch === ' ' ? 0 : (ch.codePointAt(0) as number) - 0x2800);
const popcount = (n: number): number => n.toString(2).split('').filter((b) => b === '1').length;

describe('history graphs', () => {
  it('draws a full value as full columns and a zero value as one bottom dot', () => {
    const g = new HistoryGraph({ height: 2 });
    g.add(100, 1000);
    g.add(100, 2000);
    const [top, bottom] = g.render(1);
    expect(dots(top!)).toBe(0xff);
    expect(dots(bottom!)).toBe(0xff);
    const z = new HistoryGraph({ height: 2 });
    z.add(0, 1000);
    z.add(0, 2000);
    const [zt, zb] = z.render(1);
    expect(zt).toBe(' ');
    expect(dots(zb!)).toBe(0x40 | 0x80); // the two bottom dots (7 and 8)
  });

  it('fills upside-down graphs from the top', () => {
    const g = new HistoryGraph({ height: 2, upsideDown: true });
    g.add(50, 1000);
    g.add(50, 2000);
    const [top, bottom] = g.render(1);
    expect(dots(top!)).toBe(0xff);
    expect(bottom).toBe(' ');
  });

  it('puts the newest sample at the right edge, two samples per column', () => {
    const g = new HistoryGraph({ height: 1 });
    g.add(100, 1000);
    g.add(0, 2000);
    const [line] = g.render(3);
    expect(line!.slice(0, 2)).toBe('  ');
    const last = dots(line![2]!);
    expect(popcount(last & 0x47)).toBe(4); // older sample (left column): full
    expect(popcount(last & 0xb8)).toBe(1); // newest (right column): one dot
  });

  it("fills each row with round(5 × (filled rows − row)) dots, at most 4, ties to even (nvitop's rule)", () => {
    // One row: 30 % → round(1.5) = 2 dots, 50 % → round(2.5) = 2, 70 % → round(3.5) = 4,
    // 14 % → round(0.7) = 1, 90 % → 4; a small value still shows one dot (a fifth of a row).
    const percents = [1, 14, 30, 50, 70, 90];
    const counts = percents.map((percent) => {
      const g = new HistoryGraph({ height: 1 });
      g.add(percent, 1000);
      return popcount(dots(g.render(1)[0]!) & 0xb8);
    });
    expect(counts).toEqual([1, 1, 2, 2, 4, 4]);
    // Five rows at 41.7 % and 63 % (the golden machine's GPU memory and utilization): two full
    // rows, and three full rows plus one dot.
    const memory = new HistoryGraph({ height: 5 });
    const util = new HistoryGraph({ height: 5, upsideDown: true });
    for (const t of [1000, 2000, 3000]) {
      memory.add(41.7, t);
      util.add(63, t);
    }
    expect(memory.render(2)).toEqual(['  ', '  ', '  ', '⢸⣿', '⢸⣿']);
    expect(util.render(2)).toEqual(['⢸⣿', '⢸⣿', '⢸⣿', '⠈⠉', '  ']);
  });

  it('makes one point of the values added within a second: their mean', () => {
    const g = new HistoryGraph({ height: 1 });
    g.add(10, 1000);
    g.add(NA, 1300);
    g.add(90, 1500);
    expect(g.length).toBe(1);
    // The mean of 10 and 90 (NA left out): 50 % → round(2.5) = 2 dots (90 alone would give 4).
    expect(popcount(dots(g.render(1)[0]!) & 0xb8)).toBe(2);
    g.add(90, 2000);
    expect(g.length).toBe(2);
  });

  it('interpolates seconds skipped between refreshes and leaves NA as a gap', () => {
    const g = new HistoryGraph({ height: 4 });
    g.add(0, 0);
    g.add(40, 4000);
    expect(g.length).toBe(5); // 0, 10, 20, 30, 40
    g.add(NA, 5000);
    expect(isNA(g.lastValue)).toBe(true);
    const rows = g.render(1);
    // newest (right column) is NA: no right-column dot anywhere.
    expect(rows.every((r) => (dots(r) & 0xb8) === 0)).toBe(true);
  });

  it('reports the maximum of the visible samples and scales dynamic graphs to it', () => {
    const g = new HistoryGraph({ height: 4, upperBound: 1000, dynamicBound: true, minBound: 10 });
    for (let t = 0; t < 10; t += 1) g.add(40, t * 1000);
    expect(g.maxValue()).toBe(40);
    // 40 of a 50 bound (1.25 × 40): 80 % of the height, not 4 % of 1000.
    const filled = g.render(5).reduce((n, r) => n + [...r].reduce((m, ch) => m + popcount(dots(ch)), 0), 0);
    expect(filled).toBeGreaterThan(0.7 * 4 * 4 * 10);
  });

  it('places the time labels where nvitop does in a 77-column graph', () => {
    expect(timeLabelColumns(77)).toEqual([
      { seconds: 30, column: 62 },
      { seconds: 60, column: 47 },
      { seconds: 120, column: 17 },
    ]);
  });
});
