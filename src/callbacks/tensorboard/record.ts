/**
 * TFRecord framing, the container of TensorBoard event files. Each record is
 *
 * ```
 * uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | payload | uint32 masked_crc32c(payload)
 * ```
 *
 * @module
 */

import { maskedCrc32c } from './crc32c.js';

/** Frames `payload` as one TFRecord (16 bytes of framing around it). */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(payload.length + 16);
  out.writeBigUInt64LE(BigInt(payload.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(payload, 12);
  out.writeUInt32LE(maskedCrc32c(payload), 12 + payload.length);
  return out;
}
