/**
 * TensorBoard event files: `SummaryWriter`, `addScalarDict`, and the CRC32C of TFRecord framing.
 *
 * @module
 */

export { addScalarDict } from './add-scalar-dict.js';
export type { ScalarWriter } from './add-scalar-dict.js';
export { crc32c, maskCrc, maskedCrc32c } from './crc32c.js';
export { SummaryWriter } from './summary-writer.js';
export type { SummaryWriterOptions } from './summary-writer.js';
