/**
 * Encodes TensorBoard's `Event` message (tensorflow/core/util/event.proto) with a scalar
 * `Summary` (tensorflow/core/framework/summary.proto); only the fields we write:
 *
 * - `Event`: wall_time = 1 (double, seconds), step = 2 (int64), file_version = 3 (string),
 *   summary = 5 (Summary)
 * - `Summary`: value = 1 (repeated Summary.Value)
 * - `Summary.Value`: tag = 1 (string), simple_value = 2 (float)
 *
 * @module
 */

import { keySize, lengthDelimitedSize, ProtoWriter, varintSize } from './protobuf.js';

/** One scalar of a `Summary`. */
export interface ScalarValue {
  /** The tag (chart name), e.g. `'train/loss'`. */
  tag: string;
  /** The value, stored as a 32-bit float. */
  simpleValue: number;
}

/** The fields of an `Event` we write. */
export interface EventFields {
  /** Seconds since the epoch (a double). */
  wallTime: number;
  /** The step; omitted when undefined (reads as 0). */
  step?: number | undefined;
  /** The file version record, `'brain.Event:2'`. */
  fileVersion?: string;
  /** Scalars of the event's summary. */
  scalars?: readonly ScalarValue[];
}

/** The version string of the first record of every event file. */
export const FILE_VERSION = 'brain.Event:2';

/** Encodes an `Event`. */
export function encodeEvent(event: EventFields): Buffer {
  const version = event.fileVersion === undefined ? undefined : Buffer.from(event.fileVersion, 'utf8');
  const values = (event.scalars ?? []).map((s) => {
    const tag = Buffer.from(s.tag, 'utf8');
    // Summary.Value: tag = 1 (string), simple_value = 2 (float)
    return { tag, value: s.simpleValue, size: lengthDelimitedSize(1, tag.length) + keySize(2) + 4 };
  });
  const summarySize = values.reduce((sum, v) => sum + lengthDelimitedSize(1, v.size), 0);

  let size = keySize(1) + 8;
  if (event.step !== undefined) size += keySize(2) + varintSize(event.step);
  if (version !== undefined) size += lengthDelimitedSize(3, version.length);
  if (event.scalars !== undefined) size += lengthDelimitedSize(5, summarySize);

  const w = new ProtoWriter(size);
  w.double(1, event.wallTime);
  if (event.step !== undefined) w.int64(2, event.step);
  if (version !== undefined) w.bytes(3, version);
  if (event.scalars !== undefined) {
    w.lengthPrefix(5, summarySize); // Summary: value = 1 (repeated)
    for (const v of values) w.lengthPrefix(1, v.size).bytes(1, v.tag).float(2, v.value);
  }
  return w.finish();
}
