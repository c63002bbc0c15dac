// The shared RFC 4180 writer (src/core/csv.ts) that replaced csv-stringify: awkward fields come
// back unchanged through the independent strict reader, quoting happens only where needed, and
// a quoted body is padded record by record.
import { describe, expect, it } from 'vitest';
import { csvRecord, quoteField } from '../../src/core/csv.js';
import { padRecords } from '../../src/callbacks/loggers/csv-text.js';
import { parseCsvStrict } from '../helpers/csv-reader.js';

const AWKWARD = ['', ' ', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\rhere', 'crlf\r\n', ' lead', 'trail ', 'ünï ☃', 'tab\there', '=1+2', 'gpu:(0, 1)/x'];

describe('csvRecord', () => {
  it('round-trips every awkward field through an independent reader', () => {
    const text = csvRecord(AWKWARD) + csvRecord(['x', ...AWKWARD.slice(1)]);
    expect(parseCsvStrict(text)).toEqual([AWKWARD, ['x', ...AWKWARD.slice(1)]]);
  });

  it('quotes exactly the fields with a comma, a quote, CR or LF', () => {
    expect(AWKWARD.filter((f) => quoteField(f) !== f)).toEqual(['a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\rhere', 'crlf\r\n', 'gpu:(0, 1)/x']);
    expect(quoteField('say "hi"')).toBe('"say ""hi"""');
    expect(csvRecord(['time', 'step', 'gpu:(0, 1)/util (%)'])).toBe('time,step,"gpu:(0, 1)/util (%)"\n');
  });

  it('padRecords appends empty fields to every record, also when quoted fields hold line ends', () => {
    const body = csvRecord(['1', 'a\nb', '2']) + csvRecord(['3', 'x', '4']);
    expect(parseCsvStrict(padRecords(body, 2))).toEqual([['1', 'a\nb', '2', '', ''], ['3', 'x', '4', '', '']]);
    expect(padRecords('1,2\n3,4\n', 1)).toBe('1,2,\n3,4,\n');
  });
});
