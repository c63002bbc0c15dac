/**
 * NVML queries that answer NA instead of throwing.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, type Maybe } from '../na.js';

/** Runs an NVML query; NVML errors become NA (other errors are bugs and propagate). */
export function nvmlQuery<T>(fn: () => T): Maybe<T> {
  try {
    return N.withQuietErrors(fn);
  } catch (error) {
    if (error instanceof N.NvmlError) return NA;
    throw error;
  }
}
