/**
 * Independent reader of TensorBoard event files, for tests. Written without importing `src/`:
 * its own table-driven CRC32C, its own TFRecord walker and its own protobuf decoding.
 *
 * Framing per record: uint64 LE length | uint32 LE masked CRC32C(8 length bytes) | payload |
 * uint32 LE masked CRC32C(payload). Every CRC is verified; a record cut short at the end of the
 * file is reported in `torn` (never silently accepted); a CRC mismatch throws.
 */

import { readFileSync } from 'node:fs';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli, reflected polynomial 0x82F63B78). */
export function refCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC: rotate right by 15, add 0xa282ead8, modulo 2^32. */
export function refMaskedCrc32c(data: Uint8Array): number {
  const crc = refCrc32c(data);
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return Number((BigInt(rotated) + 0xa282ead8n) % 0x100000000n);
}

/** A scalar value of an event's summary. */
export interface DecodedValue {
  tag?: string;
  simpleValue?: number;
}

/** A decoded Event (only the fields the tests care about). */
export interface DecodedEvent {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  values: DecodedValue[];
  /** Field numbers seen that this reader does not know. */
  unknownFields: number[];
}

/** The result of walking an event file. */
export interface EventFile {
  events: DecodedEvent[];
  /** Set when the file ends inside a record. */
  torn?: { offset: number; reason: string };
}

class ProtoReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('protobuf: varint too long');
    }
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lengthDelimited(): Buffer {
    return this.bytes(Number(this.varint()));
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.bytes(8);
    else if (wireType === 2) this.lengthDelimited();
    else if (wireType === 5) this.bytes(4);
    else throw new Error(`protobuf: unsupported wire type ${wireType}`);
  }
  key(): { field: number; wireType: number } {
    const k = Number(this.varint());
    return { field: k >>> 3, wireType: k & 7 };
  }
}

function expectWire(field: string, wireType: number, expected: number): void {
  if (wireType !== expected) throw new Error(`protobuf: ${field} has wire type ${wireType}, expected ${expected}`);
}

function decodeValue(buf: Buffer): DecodedValue {
  const r = new ProtoReader(buf);
  const value: DecodedValue = {};
  while (!r.done) {
    const { field, wireType } = r.key();
    if (field === 1) {
      expectWire('Value.tag', wireType, 2);
      value.tag = r.lengthDelimited().toString('utf8');
    } else if (field === 2) {
      expectWire('Value.simple_value', wireType, 5);
      value.simpleValue = r.bytes(4).readFloatLE(0);
    } else r.skip(wireType);
  }
  return value;
}

/** Decodes one Event payload. */
export function decodeEvent(buf: Buffer): DecodedEvent {
  const r = new ProtoReader(buf);
  const event: DecodedEvent = { values: [], unknownFields: [] };
  while (!r.done) {
    const { field, wireType } = r.key();
    if (field === 1) {
      expectWire('Event.wall_time', wireType, 1);
      event.wallTime = r.bytes(8).readDoubleLE(0);
    } else if (field === 2) {
      expectWire('Event.step', wireType, 0);
      event.step = Number(BigInt.asIntN(64, r.varint()));
    } else if (field === 3) {
      expectWire('Event.file_version', wireType, 2);
      event.fileVersion = r.lengthDelimited().toString('utf8');
    } else if (field === 5) {
      expectWire('Event.summary', wireType, 2);
      const summary = new ProtoReader(r.lengthDelimited());
      while (!summary.done) {
        const k = summary.key();
        if (k.field === 1) {
          expectWire('Summary.value', k.wireType, 2);
          event.values.push(decodeValue(summary.lengthDelimited()));
        } else summary.skip(k.wireType);
      }
    } else {
      event.unknownFields.push(field);
      r.skip(wireType);
    }
  }
  return event;
}

/** Walks the TFRecord framing of `buf`, verifying both CRCs of every record. */
export function parseEventFile(buf: Buffer): EventFile {
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < 12) {
      return { events, torn: { offset, reason: `record header cut short (${buf.length - offset} of 12 bytes)` } };
    }
    const lengthBytes = buf.subarray(offset, offset + 8);
    const lengthCrc = buf.readUInt32LE(offset + 8);
    if (refMaskedCrc32c(lengthBytes) !== lengthCrc) throw new Error(`length CRC mismatch at offset ${offset}`);
    const length = Number(buf.readBigUInt64LE(offset));
    const end = offset + 12 + length + 4;
    if (end > buf.length) {
      return { events, torn: { offset, reason: `record of ${length} bytes cut short (${buf.length - offset} of ${length + 16} bytes)` } };
    }
    const payload = buf.subarray(offset + 12, offset + 12 + length);
    if (refMaskedCrc32c(payload) !== buf.readUInt32LE(offset + 12 + length)) {
      throw new Error(`payload CRC mismatch at offset ${offset}`);
    }
    events.push(decodeEvent(Buffer.from(payload)));
    offset = end;
  }
  return { events };
}

/** Reads and walks an event file; throws if the last record is torn unless `allowTorn`. */
export function readEventFile(path: string, options: { allowTorn?: boolean } = {}): EventFile {
  const file = parseEventFile(readFileSync(path));
  if (file.torn && !options.allowTorn) throw new Error(`torn record in ${path}: ${file.torn.reason}`);
  return file;
}

/** One scalar read back: one entry per Summary.Value of every event. */
export interface ReadScalar {
  step: number | undefined;
  tag: string | undefined;
  value: number | undefined;
  wallTime: number | undefined;
}

/** The scalars of an event file's events (file_version event excluded). */
export function scalarsOf(events: readonly DecodedEvent[]): ReadScalar[] {
  return events.flatMap((e) => e.values.map((v) => ({ step: e.step, tag: v.tag, value: v.simpleValue, wallTime: e.wallTime })));
}
