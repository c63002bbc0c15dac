import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { crc32c, maskCrc, maskedCrc32c } from '../../src/callbacks/index.js';
import { refCrc32c, refMaskedCrc32c } from '../helpers/tfrecord-reader.js';

describe('crc32c', () => {
  it('matches the check values', () => {
    // The CRC catalogue's check value of CRC-32/ISCSI (CRC32C).
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    // RFC 3720 (iSCSI) appendix B.4: 32 bytes of zeros, of ones, ascending, descending.
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // The independent table-driven reference agrees.
    expect(refCrc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(refCrc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });

  it('masks as TFRecord does', () => {
    const crc = 0xe3069283;
    const expected = Number((BigInt(((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8n) % 2n ** 32n);
    expect(maskCrc(crc)).toBe(expected);
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe(0xc78ab0e5);
    expect(maskCrc(0)).toBe(0xa282ead8);
    // The sum wraps modulo 2^32 and stays unsigned.
    expect(maskCrc(0xffffffff)).toBe((0xffffffff + 0xa282ead8) % 2 ** 32);
  });

  it('agrees with the reference on random data', () => {
    // Bit by bit, without a table: the polynomial's definition.
    const bitwise = (data: Uint8Array): number => {
      let crc = 0xffffffff;
      for (const byte of data) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(i * 7);
      expect(crc32c(data)).toBe(bitwise(data));
      expect(crc32c(data)).toBe(refCrc32c(data));
      expect(maskedCrc32c(data)).toBe(refMaskedCrc32c(data));
    }
  });
});
