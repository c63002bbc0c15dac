/**
 * CRC32C (Castagnoli) and the masked form that TFRecord framing stores.
 *
 * @module
 */

import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';

/**
 * CRC32C (Castagnoli polynomial) of `data`, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * crc32c(Buffer.from('123456789')); // 0xe3069283
 * ```
 */
export function crc32c(data: Uint8Array): number {
  return awsCrc32c(data) >>> 0;
}

/**
 * The masked CRC32C that TFRecord stores: `((crc >>> 15) | (crc << 17)) + 0xa282ead8` modulo
 * 2^32 (TensorFlow masks CRCs so that a CRC of data that embeds CRCs stays well distributed).
 *
 * @example
 * ```ts
 * maskedCrc32c(Buffer.from('123456789')); // 0xc78ab0e5 (the mask of 0xe3069283)
 * ```
 */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}

/**
 * Masks an already computed CRC32C (see {@link maskedCrc32c}).
 *
 * @example
 * ```ts
 * maskCrc(0); // 0xa282ead8
 * ```
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
