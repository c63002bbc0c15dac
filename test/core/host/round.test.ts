import { describe, expect, it } from 'vitest';

import { pyRound, roundPercent } from '../../../src/core/host/index.js';

describe('pyRound (Python round)', () => {
  it.each([
    [0.25, 1, 0.2],
    [0.75, 1, 0.8],
    [0.35, 1, 0.3],
    [2.675, 2, 2.67],
    [1.45, 1, 1.4],
    [28.94, 1, 28.9],
    [99.96, 1, 100],
    [2.5, 0, 2],
    [3.5, 0, 4],
  ])('round(%d, %d) = %d', (value, digits, expected) => {
    expect(pyRound(value, digits)).toBe(expected);
  });

  it('usage percent is 0 for a zero total', () => {
    expect(roundPercent(5, 0)).toBe(0);
    expect(roundPercent(1, 3)).toBe(33.3);
  });
});
