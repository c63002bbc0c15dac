// NA and the units: nvitop's exact formats, and the one size grammar with its bad inputs.
import { format, inspect } from 'node:util';

import { describe, expect, it } from 'vitest';
import { GiB, InvalidInputError, KiB, MiB, NA, TiB, bytes2human, compareNaLast, human2bytes, isNA, orElse, orNaN, parseDuration, timedelta2human, utilization2string } from '../../src/core/index.js';

describe('NA', () => {
  it('prints as N/A, is null in JSON, NaN in arithmetic', () => {
    expect(`${NA}`).toBe('N/A');
    expect(String(NA)).toBe('N/A');
    expect(JSON.stringify({ fan: NA })).toBe('{"fan":null}');
    expect(Number(NA)).toBeNaN();
    expect(+(NA as unknown as number) * 2).toBeNaN();
    expect(isNA(NA)).toBe(true);
    expect(isNA('N/A')).toBe(false);
    expect(Object.isFrozen(NA)).toBe(true);
    // console.log(NA) and nested values (util.inspect) show N/A too.
    expect(inspect(NA)).toBe('N/A');
    expect(format('%o %s', { fan: NA }, [NA])).toBe('{ fan: N/A } [ N/A ]');
    expect(format(NA)).toBe('N/A');
  });
  it('helpers', () => {
    expect(orNaN(NA)).toBeNaN();
    expect(orNaN(3)).toBe(3);
    expect(orElse(NA, 0)).toBe(0);
    expect([3, NA, 1, Number.NaN, 2].sort(compareNaLast).slice(0, 3)).toEqual([1, 2, 3]);
  });
});

describe('bytes2human', () => {
  it.each([
    [0, '0B'], [1023, '1023B'], [1024, '1KiB'], [512 * KiB, '512KiB'], [MiB, '1.00MiB'], [99.999 * MiB, '100.00MiB'],
    [150 * MiB, '150.0MiB'], [8862 * MiB, '8862MiB'], [11019 * MiB, '11019MiB'], [20 * GiB, '20.00GiB'], [80 * GiB, '80.00GiB'],
    [500 * GiB, '500.0GiB'], [2 * TiB, '2.00TiB'],
  ])('%d → %s', (bytes, human) => expect(bytes2human(bytes)).toBe(human));
  it('min unit and NA', () => {
    expect(bytes2human(512 * MiB, { minUnit: GiB })).toBe('0.50GiB');
    expect(bytes2human(NA)).toBe(NA);
  });
});

describe('human2bytes', () => {
  it.each([
    ['8GiB', 8 * GiB], ['8Gi', 8 * GiB], ['8G', 8e9], ['8GB', 8e9], ['8gib', 8 * GiB], ['5000M', 5e9], ['500MiB', 500 * MiB],
    ['1.5GiB', 1610612736], ['1024', 1024], ['500B', 500], ['10k', 10000], ['10ki', 10240], [' + 3 KiB ', 3072], [4096, 4096],
  ])('%s → %d', (text, bytes) => expect(human2bytes(text)).toBe(bytes));
  it.each(['8GB?', '-1G', '', '1e999', 'GiB', '8 XB', '8iB', '1,5G', 'NaN'])('rejects %j naming it', (bad) => {
    expect(() => human2bytes(bad)).toThrow(InvalidInputError);
    expect(() => human2bytes(bad)).toThrow(`Invalid size: '${bad}'`);
  });
  it('rejects negative, fractional and unsafe numbers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => human2bytes(bad)).toThrow(InvalidInputError);
  });
});

describe('timedelta2human and friends', () => {
  it.each([[0, '0:00'], [75, '1:15'], [3 * 3600 + 5, '3:00:05'], [3 * 86400 + 3600, '73:00:00'], [5 * 86400, '5.0 days'], [4.5 * 86400, '4.5 days']])(
    '%d s → %s',
    (seconds, human) => expect(timedelta2human(seconds)).toBe(human),
  );
  it('round and NA', () => {
    expect(timedelta2human(90000, { round: true })).toBe('1.0 days');
    expect(timedelta2human(NA)).toBe(NA);
  });
  it('utilization2string', () => {
    expect(utilization2string(42)).toBe('42%');
    expect(utilization2string(42.5)).toBe('42.5%');
    expect(utilization2string(NA)).toBe(NA);
  });
  it('parseDuration', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(2.5)).toBe(2500);
    for (const bad of ['', '-1s', '5x', '1h 30m', -2]) expect(() => parseDuration(bad)).toThrow(InvalidInputError);
  });
});
