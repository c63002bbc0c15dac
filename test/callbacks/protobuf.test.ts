import { describe, expect, it } from 'vitest';

import { encodeEvent, FILE_VERSION } from '../../src/callbacks/tensorboard/event.js';
import { ProtoWriter, varint, varintSize } from '../../src/callbacks/tensorboard/protobuf.js';
import { frameRecord } from '../../src/callbacks/tensorboard/record.js';
import { decodeEvent, parseEventFile } from '../helpers/tfrecord-reader.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('protobuf encoder', () => {
  it('encodes varints', () => {
    expect(hex(varint(0))).toBe('00');
    expect(hex(varint(1))).toBe('01');
    expect(hex(varint(127))).toBe('7f');
    expect(hex(varint(128))).toBe('8001');
    expect(hex(varint(300))).toBe('ac02');
    expect(hex(varint(2 ** 53 - 1))).toBe('ffffffffffffff0f');
    expect(hex(varint(-1))).toBe('ffffffffffffffffff01'); // int64 two's complement, 10 bytes
    expect(hex(varint(2n ** 64n - 1n))).toBe('ffffffffffffffffff01');
    expect(() => varint(2n ** 64n)).toThrow(RangeError);
  });

  it('sizes varints exactly', () => {
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 35, 2 ** 53 - 1, -1, -(2 ** 40), 2n ** 63n, 2n ** 64n - 1n]) {
      expect(varintSize(v)).toBe(varint(v).length);
    }
  });

  it('encodes fields with the right keys and wire types', () => {
    const one = (size: number, f: (w: ProtoWriter) => void): string => {
      const w = new ProtoWriter(size);
      f(w);
      return hex(w.finish());
    };
    expect(one(9, (w) => w.double(1, 1))).toBe('09000000000000f03f');
    expect(one(5, (w) => w.float(2, 1))).toBe('150000803f');
    expect(one(5, (w) => w.float(2, Number.NaN))).toBe('150000c07f');
    expect(one(3, (w) => w.int64(2, 150))).toBe('109601');
    expect(one(4, (w) => w.bytes(1, Buffer.from('ab')))).toBe('0a026162');
    expect(one(3, (w) => w.lengthPrefix(5, 300))).toBe('2aac02');
    expect(() => one(4, (w) => w.int64(2, 150))).toThrow(/size mismatch/);
  });

  it('encodes Events that an independent decoder reads back', () => {
    const version = decodeEvent(encodeEvent({ wallTime: 1700000000.5, fileVersion: FILE_VERSION }));
    expect(version).toEqual({ wallTime: 1700000000.5, fileVersion: 'brain.Event:2', values: [], unknownFields: [] });

    const scalar = decodeEvent(
      encodeEvent({ wallTime: 12.25, step: -3, scalars: [{ tag: 'gpu/ütil (%)', simpleValue: 0.1 }] }),
    );
    expect(scalar.step).toBe(-3);
    expect(scalar.values).toEqual([{ tag: 'gpu/ütil (%)', simpleValue: Math.fround(0.1) }]);

    const noStep = decodeEvent(encodeEvent({ wallTime: 1, scalars: [{ tag: 't', simpleValue: 2 }] }));
    expect(noStep.step).toBeUndefined();
  });

  it('frames records that the reader walks', () => {
    const payload = encodeEvent({ wallTime: 5, step: 7, scalars: [{ tag: 'x', simpleValue: 1.5 }] });
    const framed = frameRecord(payload);
    expect(framed.length).toBe(payload.length + 16);
    expect(framed.readBigUInt64LE(0)).toBe(BigInt(payload.length));
    const file = parseEventFile(Buffer.concat([framed, framed]));
    expect(file.torn).toBeUndefined();
    expect(file.events).toHaveLength(2);
    expect(file.events[1]!.values[0]).toEqual({ tag: 'x', simpleValue: 1.5 });
  });

  it('the reader rejects a flipped bit', () => {
    const framed = frameRecord(encodeEvent({ wallTime: 5, step: 7 }));
    const bad = Buffer.from(framed);
    bad[14] ^= 1;
    expect(() => parseEventFile(bad)).toThrow(/payload CRC mismatch/);
    const badLength = Buffer.from(framed);
    badLength[9] ^= 1;
    expect(() => parseEventFile(badLength)).toThrow(/length CRC mismatch/);
  });
});
