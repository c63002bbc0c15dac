/**
 * NVML's return codes (`nvmlReturn_t`), one row each: the single table from which the error
 * classes are built.
 *
 * @module
 */

/** One NVML return code. */
export interface ReturnCodeInfo {
  /** The numeric `nvmlReturn_t` value. */
  readonly code: number;
  /** The constant name without the `NVML_` prefix, e.g. `ERROR_NOT_SUPPORTED`. */
  readonly constant: string;
  /** The pynvml-style short name used for the error class, e.g. `NotSupported`. */
  readonly shortName: string;
  /** NVML's own wording (`nvmlErrorString`), used when the library is not loaded. */
  readonly message: string;
}

/** Every return code of NVML's headers up to NVML 13 (CUDA 13.x). */
export const RETURN_CODES: readonly ReturnCodeInfo[] = Object.freeze([
  { code: 0, constant: 'SUCCESS', shortName: 'Success', message: 'Success' },
  { code: 1, constant: 'ERROR_UNINITIALIZED', shortName: 'Uninitialized', message: 'Uninitialized' },
  { code: 2, constant: 'ERROR_INVALID_ARGUMENT', shortName: 'InvalidArgument', message: 'Invalid Argument' },
  { code: 3, constant: 'ERROR_NOT_SUPPORTED', shortName: 'NotSupported', message: 'Not Supported' },
  { code: 4, constant: 'ERROR_NO_PERMISSION', shortName: 'NoPermission', message: 'Insufficient Permissions' },
  { code: 5, constant: 'ERROR_ALREADY_INITIALIZED', shortName: 'AlreadyInitialized', message: 'Already Initialized' },
  { code: 6, constant: 'ERROR_NOT_FOUND', shortName: 'NotFound', message: 'Not Found' },
  { code: 7, constant: 'ERROR_INSUFFICIENT_SIZE', shortName: 'InsufficientSize', message: 'Insufficient Size' },
  { code: 8, constant: 'ERROR_INSUFFICIENT_POWER', shortName: 'InsufficientPower', message: 'Insufficient External Power' },
  { code: 9, constant: 'ERROR_DRIVER_NOT_LOADED', shortName: 'DriverNotLoaded', message: 'Driver Not Loaded' },
  { code: 10, constant: 'ERROR_TIMEOUT', shortName: 'Timeout', message: 'Timeout' },
  { code: 11, constant: 'ERROR_IRQ_ISSUE', shortName: 'IrqIssue', message: 'Interrupt Request Issue' },
  { code: 12, constant: 'ERROR_LIBRARY_NOT_FOUND', shortName: 'LibraryNotFound', message: 'NVML Shared Library Not Found' },
  { code: 13, constant: 'ERROR_FUNCTION_NOT_FOUND', shortName: 'FunctionNotFound', message: 'Function Not Found' },
  { code: 14, constant: 'ERROR_CORRUPTED_INFOROM', shortName: 'CorruptedInforom', message: 'Corrupted infoROM' },
  { code: 15, constant: 'ERROR_GPU_IS_LOST', shortName: 'GpuIsLost', message: 'GPU is lost' },
  { code: 16, constant: 'ERROR_RESET_REQUIRED', shortName: 'ResetRequired', message: 'GPU requires restart' },
  { code: 17, constant: 'ERROR_OPERATING_SYSTEM', shortName: 'OperatingSystem', message: 'The operating system has blocked the request.' },
  { code: 18, constant: 'ERROR_LIB_RM_VERSION_MISMATCH', shortName: 'LibRmVersionMismatch', message: 'RM has detected an NVML/RM version mismatch.' },
  { code: 19, constant: 'ERROR_IN_USE', shortName: 'InUse', message: 'In use by another client' },
  { code: 20, constant: 'ERROR_MEMORY', shortName: 'Memory', message: 'Insufficient Memory' },
  { code: 21, constant: 'ERROR_NO_DATA', shortName: 'NoData', message: 'No data' },
  { code: 22, constant: 'ERROR_VGPU_ECC_NOT_SUPPORTED', shortName: 'VgpuEccNotSupported', message: 'The requested vgpu operation is not available on target device, becasue ECC is enabled' },
  { code: 23, constant: 'ERROR_INSUFFICIENT_RESOURCES', shortName: 'InsufficientResources', message: 'Ran out of critical resources, other than memory' },
  { code: 24, constant: 'ERROR_FREQ_NOT_SUPPORTED', shortName: 'FreqNotSupported', message: 'Ran out of critical resources, other than memory' },
  { code: 25, constant: 'ERROR_ARGUMENT_VERSION_MISMATCH', shortName: 'ArgumentVersionMismatch', message: 'Argument version mismatch' },
  { code: 26, constant: 'ERROR_DEPRECATED', shortName: 'Deprecated', message: 'Deprecated' },
  { code: 27, constant: 'ERROR_NOT_READY', shortName: 'NotReady', message: 'Not ready' },
  { code: 28, constant: 'ERROR_GPU_NOT_FOUND', shortName: 'GpuNotFound', message: 'GPU not found' },
  { code: 29, constant: 'ERROR_INVALID_STATE', shortName: 'InvalidState', message: 'Invalid state' },
  { code: 30, constant: 'ERROR_RESET_TYPE_NOT_SUPPORTED', shortName: 'ResetTypeNotSupported', message: 'Reset type not supported' },
  { code: 999, constant: 'ERROR_UNKNOWN', shortName: 'Unknown', message: 'Unknown Error' },
]);

/** Numeric values of the return codes the package branches on. */
export const NVML_SUCCESS = 0;
/** `NVML_ERROR_UNINITIALIZED`. */
export const NVML_ERROR_UNINITIALIZED = 1;
/** `NVML_ERROR_INVALID_ARGUMENT`. */
export const NVML_ERROR_INVALID_ARGUMENT = 2;
/** `NVML_ERROR_NOT_SUPPORTED`. */
export const NVML_ERROR_NOT_SUPPORTED = 3;
/** `NVML_ERROR_NO_PERMISSION`. */
export const NVML_ERROR_NO_PERMISSION = 4;
/** `NVML_ERROR_NOT_FOUND`. */
export const NVML_ERROR_NOT_FOUND = 6;
/** `NVML_ERROR_INSUFFICIENT_SIZE`. */
export const NVML_ERROR_INSUFFICIENT_SIZE = 7;
/** `NVML_ERROR_LIBRARY_NOT_FOUND`. */
export const NVML_ERROR_LIBRARY_NOT_FOUND = 12;
/** `NVML_ERROR_FUNCTION_NOT_FOUND`. */
export const NVML_ERROR_FUNCTION_NOT_FOUND = 13;
/** `NVML_ERROR_GPU_IS_LOST`. */
export const NVML_ERROR_GPU_IS_LOST = 15;
/** `NVML_ERROR_UNKNOWN`. */
export const NVML_ERROR_UNKNOWN = 999;

const BY_CODE = new Map(RETURN_CODES.map((info) => [info.code, info]));

/** The table row of `code`, or undefined for a code this package does not know. */
export function returnCodeInfo(code: number): ReturnCodeInfo | undefined {
  return BY_CODE.get(code);
}
