// The independent exposition-format reader used by the exporter tests: it must read valid text
// exactly and refuse malformed text, or the exporter tests would prove nothing.
import { describe, expect, it } from 'vitest';

import { parseGoFloat, parsePromText } from '../helpers/prom-text.js';

describe('parsePromText', () => {
  it('reads families, escaped labels, special values and timestamps', () => {
    const text = [
      '# HELP a_total Things\\ncounted \\\\ here.',
      '# TYPE a_total counter',
      'a_total{x="1",y="q\\"uote\\\\ back\\nline"} 3 1700000000000',
      'a_total{x="2",} +Inf',
      '# a plain comment',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 3.5',
      'h_count 2',
      'u{} Nan',
      'v -1.5e-3',
      '',
    ].join('\n');
    const families = parsePromText(text);
    const a = families.get('a_total');
    expect(a?.help).toBe('Things\ncounted \\ here.');
    expect(a?.type).toBe('counter');
    expect(a?.samples[0]).toEqual({ name: 'a_total', labels: { x: '1', y: 'q"uote\\ back\nline' }, value: 3, timestamp: 1700000000000 });
    expect(a?.samples[1]?.value).toBe(Infinity);
    expect(families.get('h')?.samples.map((s) => s.name)).toEqual(['h_bucket', 'h_bucket', 'h_sum', 'h_count']);
    expect(families.get('u')?.samples[0]?.value).toBeNaN();
    expect(families.get('u')?.type).toBe('untyped');
    expect(families.get('v')?.samples[0]?.value).toBe(-0.0015);
  });

  it.each([
    ['no final newline', 'a 1'],
    ['bad metric name', '1a 1\n'],
    ['unterminated label value', 'a{x="1} 1\n'],
    ['unknown escape', 'a{x="\\t"} 1\n'],
    ['duplicate label', 'a{x="1",x="2"} 1\n'],
    ['duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['bad value', 'a 1,5\n'],
    ['missing value', 'a{x="1"}\n'],
    ['bad type', '# TYPE a gaugeish\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['second HELP', '# HELP a x\n# HELP a y\na 1\n'],
    ['family split in two', 'a 1\nb 1\na{x="1"} 2\n'],
    ['bad timestamp', 'a 1 12.5\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePromText(text)).toThrow();
  });

  it('parses decimal floats and NaN, ±Inf in any case (no hex floats)', () => {
    expect(parseGoFloat('NaN')).toBeNaN();
    expect(parseGoFloat('nan')).toBeNaN();
    expect(parseGoFloat('-Inf')).toBe(-Infinity);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(() => parseGoFloat('0x1p3')).toThrow();
    expect(() => parseGoFloat('')).toThrow();
  });
});
