/**
 * The NVML binding: koffi FFI to libnvidia-ml. Only `src/core` imports this module.
 *
 * @module
 */
export * from './api.js';
export * from './errors.js';
export * from './constants.js';
export { RETURN_CODES, returnCodeInfo, type ReturnCodeInfo } from './return-codes.js';
export { libraryCandidates } from './library.js';
export { EXPECTED_STRUCT_SIZES, STRUCT_TYPES, nvmlMemory_v2, nvmlTemperature_v1 } from './structs.js';
