/**
 * NVML errors: `NvmlError` with the numeric code, the NVML function and NVML's own message, and
 * one subclass per return code, built from the table in `return-codes.ts`.
 *
 * @module
 */
import { NvitopError } from '../errors.js';
import { RETURN_CODES, returnCodeInfo } from './return-codes.js';

/**
 * An NVML call returned an error code. Catch a subclass to branch on the code.
 *
 * @example
 * ```ts
 * try {
 *   Device.count();
 * } catch (error) {
 *   if (error instanceof NvmlLibraryNotFoundError) console.error(error.message);
 *   else if (error instanceof NvmlError) console.error(`NVML ERROR: ${error.nvmlMessage}`);
 * }
 * ```
 */
export class NvmlError extends NvitopError {
  /** The `nvmlReturn_t` value. */
  readonly code: number;
  /** The constant name without `NVML_`, e.g. `'ERROR_NOT_SUPPORTED'` (`'ERROR_<code>'` if unknown). */
  readonly codeName: string;
  /** The NVML function that failed, when known. */
  readonly functionName: string | undefined;
  /** NVML's own text for the code (from `nvmlErrorString` when the library is loaded). */
  readonly nvmlMessage: string;

  constructor(code: number, options: { functionName?: string; nvmlMessage?: string; message?: string; cause?: unknown } = {}) {
    const info = returnCodeInfo(code);
    const nvmlMessage = options.nvmlMessage ?? info?.message ?? `Unknown NVML error code ${code}`;
    const where = options.functionName === undefined ? '' : ` (${options.functionName})`;
    super(options.message ?? `${nvmlMessage}${where}`, { cause: options.cause });
    this.code = code;
    this.codeName = info?.constant ?? `ERROR_${code}`;
    this.functionName = options.functionName;
    this.nvmlMessage = nvmlMessage;
  }
}

type NvmlErrorClass = new (options?: { functionName?: string; nvmlMessage?: string; message?: string; cause?: unknown }) => NvmlError;

function defineCodeError(code: number): NvmlErrorClass {
  return class extends NvmlError {
    constructor(options: { functionName?: string; nvmlMessage?: string; message?: string; cause?: unknown } = {}) {
      super(code, options);
    }
  };
}

/** `NVML_ERROR_UNINITIALIZED` (1): NVML was not initialised or was shut down. */
export class NvmlUninitializedError extends defineCodeError(1) {}
/** `NVML_ERROR_INVALID_ARGUMENT` (2): a bad argument, such as an index out of range. */
export class NvmlInvalidArgumentError extends defineCodeError(2) {}
/** `NVML_ERROR_NOT_SUPPORTED` (3): the device or platform cannot give this value. */
export class NvmlNotSupportedError extends defineCodeError(3) {}
/** `NVML_ERROR_NO_PERMISSION` (4): the caller lacks the privilege. */
export class NvmlNoPermissionError extends defineCodeError(4) {}
/** `NVML_ERROR_ALREADY_INITIALIZED` (5): deprecated by NVML. */
export class NvmlAlreadyInitializedError extends defineCodeError(5) {}
/** `NVML_ERROR_NOT_FOUND` (6): the lookup found nothing. */
export class NvmlNotFoundError extends defineCodeError(6) {}
/** `NVML_ERROR_INSUFFICIENT_SIZE` (7): a buffer was too small. */
export class NvmlInsufficientSizeError extends defineCodeError(7) {}
/** `NVML_ERROR_INSUFFICIENT_POWER` (8): external power cables are not attached properly. */
export class NvmlInsufficientPowerError extends defineCodeError(8) {}
/** `NVML_ERROR_DRIVER_NOT_LOADED` (9): the NVIDIA kernel driver is not loaded. */
export class NvmlDriverNotLoadedError extends defineCodeError(9) {}
/** `NVML_ERROR_TIMEOUT` (10). */
export class NvmlTimeoutError extends defineCodeError(10) {}
/** `NVML_ERROR_IRQ_ISSUE` (11). */
export class NvmlIrqIssueError extends defineCodeError(11) {}
/** `NVML_ERROR_CORRUPTED_INFOROM` (14). */
export class NvmlCorruptedInforomError extends defineCodeError(14) {}
/** `NVML_ERROR_GPU_IS_LOST` (15): the GPU fell off the bus or is unreachable. */
export class NvmlGpuIsLostError extends defineCodeError(15) {}
/** `NVML_ERROR_RESET_REQUIRED` (16). */
export class NvmlResetRequiredError extends defineCodeError(16) {}
/** `NVML_ERROR_OPERATING_SYSTEM` (17): the OS blocked access to the GPU. */
export class NvmlOperatingSystemError extends defineCodeError(17) {}
/** `NVML_ERROR_LIB_RM_VERSION_MISMATCH` (18): library and kernel driver versions differ. */
export class NvmlLibRmVersionMismatchError extends defineCodeError(18) {}
/** `NVML_ERROR_IN_USE` (19). */
export class NvmlInUseError extends defineCodeError(19) {}
/** `NVML_ERROR_MEMORY` (20). */
export class NvmlMemoryError extends defineCodeError(20) {}
/** `NVML_ERROR_NO_DATA` (21). */
export class NvmlNoDataError extends defineCodeError(21) {}
/** `NVML_ERROR_VGPU_ECC_NOT_SUPPORTED` (22). */
export class NvmlVgpuEccNotSupportedError extends defineCodeError(22) {}
/** `NVML_ERROR_INSUFFICIENT_RESOURCES` (23). */
export class NvmlInsufficientResourcesError extends defineCodeError(23) {}
/** `NVML_ERROR_FREQ_NOT_SUPPORTED` (24). */
export class NvmlFreqNotSupportedError extends defineCodeError(24) {}
/** `NVML_ERROR_ARGUMENT_VERSION_MISMATCH` (25): a struct version word was not accepted. */
export class NvmlArgumentVersionMismatchError extends defineCodeError(25) {}
/** `NVML_ERROR_DEPRECATED` (26). */
export class NvmlDeprecatedError extends defineCodeError(26) {}
/** `NVML_ERROR_NOT_READY` (27). */
export class NvmlNotReadyError extends defineCodeError(27) {}
/** `NVML_ERROR_GPU_NOT_FOUND` (28). */
export class NvmlGpuNotFoundError extends defineCodeError(28) {}
/** `NVML_ERROR_INVALID_STATE` (29). */
export class NvmlInvalidStateError extends defineCodeError(29) {}
/** `NVML_ERROR_RESET_TYPE_NOT_SUPPORTED` (30). */
export class NvmlResetTypeNotSupportedError extends defineCodeError(30) {}
/** `NVML_ERROR_UNKNOWN` (999): an internal driver error. */
export class NvmlUnknownError extends defineCodeError(999) {}

/** A library file that was found but refused before loading, and why. */
export interface DamagedLibrary {
  /** The file. */
  readonly path: string;
  /** What is wrong with it, e.g. `'truncated: 20000 bytes, a loadable segment ends at byte 58304'`. */
  readonly problem: string;
}

/**
 * `NVML_ERROR_LIBRARY_NOT_FOUND` (12): the NVML shared library could not be loaded. The message
 * names the paths that were tried and what to install; a file that was found but is truncated or
 * corrupt (refused before `dlopen`, which would crash on it) is named with its problem.
 */
export class NvmlLibraryNotFoundError extends NvmlError {
  /** The library names or paths that were tried, in order. */
  readonly searchedPaths: readonly string[];
  /** Files that were found but refused as damaged (see {@link DamagedLibrary}). */
  readonly damaged: readonly DamagedLibrary[];

  constructor(searchedPaths: readonly string[], reasons: readonly string[] = [], damaged: readonly DamagedLibrary[] = []) {
    const tried = searchedPaths.join(', ');
    const hint =
      process.platform === 'linux' || process.platform === 'win32'
        ? 'Install the NVIDIA driver (it provides libnvidia-ml.so.1 / nvml.dll), or set NVITOP_NVML_LIBRARY to the library\'s path.'
        : `NVML is not available on ${process.platform}; NVIDIA ships it for Linux and Windows only.`;
    const first = damaged[0];
    const message =
      first === undefined
        ? `NVIDIA Management Library (NVML) not found (tried: ${tried}). ${hint}`
        : `The NVML library ${first.path} is truncated or corrupt (${first.problem}), so it was not loaded` +
          `${damaged.length > 1 ? ` (nor ${damaged.length - 1} other damaged ${damaged.length > 2 ? 'copies' : 'copy'})` : ''}. ` +
          'Reinstall the NVIDIA driver, or set NVITOP_NVML_LIBRARY to an intact copy of libnvidia-ml.so.1.';
    super(12, {
      message,
      cause: reasons.length > 0 ? new Error(reasons.join('; ')) : undefined,
    });
    this.searchedPaths = searchedPaths;
    this.damaged = damaged;
  }
}

/**
 * `NVML_ERROR_FUNCTION_NOT_FOUND` (13): the installed NVML lacks the function (an old driver).
 * Raised for that call only.
 */
export class NvmlFunctionNotFoundError extends NvmlError {
  /** The missing symbol (the newest versioned name that was wanted). */
  readonly symbol: string;

  constructor(symbol: string) {
    super(13, { functionName: symbol, message: `Function Not Found: the installed NVML library lacks ${symbol}` });
    this.symbol = symbol;
  }
}

const CLASSES = new Map<number, NvmlErrorClass>([
  [1, NvmlUninitializedError],
  [2, NvmlInvalidArgumentError],
  [3, NvmlNotSupportedError],
  [4, NvmlNoPermissionError],
  [5, NvmlAlreadyInitializedError],
  [6, NvmlNotFoundError],
  [7, NvmlInsufficientSizeError],
  [8, NvmlInsufficientPowerError],
  [9, NvmlDriverNotLoadedError],
  [10, NvmlTimeoutError],
  [11, NvmlIrqIssueError],
  [14, NvmlCorruptedInforomError],
  [15, NvmlGpuIsLostError],
  [16, NvmlResetRequiredError],
  [17, NvmlOperatingSystemError],
  [18, NvmlLibRmVersionMismatchError],
  [19, NvmlInUseError],
  [20, NvmlMemoryError],
  [21, NvmlNoDataError],
  [22, NvmlVgpuEccNotSupportedError],
  [23, NvmlInsufficientResourcesError],
  [24, NvmlFreqNotSupportedError],
  [25, NvmlArgumentVersionMismatchError],
  [26, NvmlDeprecatedError],
  [27, NvmlNotReadyError],
  [28, NvmlGpuNotFoundError],
  [29, NvmlInvalidStateError],
  [30, NvmlResetTypeNotSupportedError],
  [999, NvmlUnknownError],
]);

// Every code of the table except SUCCESS and the two the binding creates itself has a class.
for (const info of RETURN_CODES) {
  if (info.code !== 0 && info.code !== 12 && info.code !== 13 && !CLASSES.has(info.code)) {
    throw new Error(`internal: no error class for NVML return code ${info.code}`);
  }
}

/**
 * Builds the error for an NVML return code: the subclass of that code, or a plain `NvmlError`
 * for a code this package does not know (newer drivers add codes; they pass through unchanged).
 */
export function nvmlErrorFromCode(code: number, functionName?: string, nvmlMessage?: string): NvmlError {
  if (code === 13 && functionName !== undefined) return new NvmlFunctionNotFoundError(functionName);
  const cls = CLASSES.get(code);
  const options: { functionName?: string; nvmlMessage?: string } = {};
  if (functionName !== undefined) options.functionName = functionName;
  if (nvmlMessage !== undefined) options.nvmlMessage = nvmlMessage;
  return cls === undefined ? new NvmlError(code, options) : new cls(options);
}
