/**
 * A minimal protobuf *encoder* for the three TensorBoard messages the SummaryWriter writes.
 *
 * Why our own instead of protobufjs: we write exactly three messages (Event, Summary,
 * Summary.Value) with six fields, never decode, and need no schema compiler, no reflection and
 * no runtime dependency; the wire format for these field types is a few dozen lines and is
 * tested byte for byte (and decoded by an independent reader in the tests).
 *
 * Messages are written in one pass into a buffer of the exact size, computed first with the
 * `*Size` functions (a nested message's length prefix needs its size before its bytes).
 *
 * @module
 */

/** Protobuf wire types. */
export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

const TWO_POW_64 = 1n << 64n;

/** Bytes of the varint of `value` (a negative int64 takes ten, as its two's complement). */
export function varintSize(value: number | bigint): number {
  if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    let size = 1;
    for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
    return size;
  }
  let v = BigInt(value);
  if (v < 0n) v = BigInt.asUintN(64, v);
  let size = 1;
  for (; v >= 0x80n; v >>= 7n) size++;
  return size;
}

/** Bytes of a field's key (field number and wire type). */
export function keySize(field: number): number {
  return varintSize(field << 3);
}

/** Bytes of a length-delimited field whose content has `length` bytes. */
export function lengthDelimitedSize(field: number, length: number): number {
  return keySize(field) + varintSize(length) + length;
}

/** Writes protobuf fields into a buffer of a size known in advance. */
export class ProtoWriter {
  /** The output buffer. */
  readonly buffer: Buffer;
  /** The write position. */
  pos = 0;

  /** @param size - the exact number of bytes that will be written. */
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** A base-128 varint: a non-negative integer below 2^64, or a negative int64 (ten bytes). */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      let v = value;
      while (v >= 0x80) {
        this.buffer[this.pos++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buffer[this.pos++] = v;
      return this;
    }
    let v = BigInt(value);
    if (v < 0n) v = BigInt.asUintN(64, v);
    if (v >= TWO_POW_64) throw new RangeError(`varint out of range: ${v}`);
    while (v >= 0x80n) {
      this.buffer[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.pos++] = Number(v);
    return this;
  }

  /** A field key. */
  key(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  /** A `double` field (little-endian IEEE 754). */
  double(field: number, value: number): this {
    this.key(field, WireType.FIXED64);
    this.pos = this.buffer.writeDoubleLE(value, this.pos);
    return this;
  }

  /** A `float` field (little-endian IEEE 754 single precision; NaN stays NaN). */
  float(field: number, value: number): this {
    this.key(field, WireType.FIXED32);
    this.pos = this.buffer.writeFloatLE(value, this.pos);
    return this;
  }

  /** An `int64` field. */
  int64(field: number, value: number | bigint): this {
    return this.key(field, WireType.VARINT).varint(value);
  }

  /** The key and length of a length-delimited field; its `length` bytes must follow. */
  lengthPrefix(field: number, length: number): this {
    return this.key(field, WireType.LENGTH_DELIMITED).varint(length);
  }

  /** A length-delimited field of raw bytes (`string` fields pass UTF-8 bytes). */
  bytes(field: number, value: Uint8Array): this {
    this.lengthPrefix(field, value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** The buffer, checking that exactly the announced size was written. */
  finish(): Buffer {
    if (this.pos !== this.buffer.length) {
      throw new Error(`protobuf size mismatch: wrote ${this.pos} of ${this.buffer.length} bytes`);
    }
    return this.buffer;
  }
}

/** Encodes a single non-negative or int64 varint (for tests and one-off use). */
export function varint(value: number | bigint): Buffer {
  if (typeof value === 'bigint' && value >= TWO_POW_64) throw new RangeError(`varint out of range: ${value}`);
  return new ProtoWriter(varintSize(value)).varint(value).finish();
}
