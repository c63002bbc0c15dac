/**
 * Error classes of the package outside the NVML binding (see `nvml/errors.ts` for NVML's).
 *
 * @module
 */

const ERROR_BRAND = Symbol.for('nvitop.error');

/**
 * Root of every error this package throws. `isNvitopError(e)` works across duplicate installs.
 *
 * @example
 * ```ts
 * try { human2bytes('8GB?'); } catch (e) { if (e instanceof NvitopError) console.error(e.message); }
 * ```
 */
export class NvitopError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }

  /** The class name, e.g. `'NvmlNotSupportedError'`. */
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * Whether `error` is an error thrown by this package (brand check, works across realms).
 *
 * @example
 * ```ts
 * if (isNvitopError(err)) process.exitCode = 1;
 * ```
 */
export function isNvitopError(error: unknown): error is NvitopError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

/**
 * Bad input from the caller: the message names the bad value and what is accepted.
 *
 * @example
 * ```ts
 * new InvalidInputError('size', '8GB?', "a size such as '8GiB', '500M' or a byte count");
 * // message: Invalid size: '8GB?'. Expected a size such as '8GiB', '500M' or a byte count.
 * ```
 */
export class InvalidInputError extends NvitopError {
  /** What the value was for, e.g. `'size'` or `'interval'`. */
  readonly what: string;
  /** The rejected value. */
  readonly value: unknown;
  /** Human description of the accepted values. */
  readonly accepted: string;

  constructor(what: string, value: unknown, accepted: string) {
    super(`Invalid ${what}: ${describeValue(value)}. Expected ${accepted}.`);
    this.what = what;
    this.value = value;
    this.accepted = accepted;
  }
}

/**
 * An options object has a key the function does not know (often a typo). The message names the
 * key and, when one is close, the option that was probably meant.
 *
 * @example
 * ```ts
 * selectDevices({ minFreeMemmory: '20GiB' });
 * // UnknownOptionError: Unknown option of selectDevices: 'minFreeMemmory' (did you mean 'minFreeMemory'?).
 * ```
 */
export class UnknownOptionError extends InvalidInputError {
  /** The unknown key. */
  readonly option: string;
  /** The known option it is closest to, if any is close. */
  readonly suggestion: string | undefined;
  /** Every option the function knows. */
  readonly known: readonly string[];

  constructor(where: string, option: string, known: readonly string[], suggestion?: string) {
    const hint = suggestion === undefined ? `one of ${known.join(', ')}` : `'${suggestion}'`;
    super(`option of ${where}`, option, suggestion === undefined ? `one of ${known.join(', ')}` : `'${suggestion}'`);
    this.message =
      suggestion === undefined
        ? `Unknown option of ${where}: '${option}'. Known options: ${known.join(', ')}.`
        : `Unknown option of ${where}: '${option}' (did you mean ${hint}?).`;
    this.option = option;
    this.suggestion = suggestion;
    this.known = known;
  }
}

/** Renders a value for an error message (`'abc'`, `42`, `undefined`, `[object]`). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A host process could not be read. Subclasses say why: it is gone, access was denied, or it is
 * a zombie.
 *
 * @example
 * ```ts
 * try { HostProcess.get(123).cmdline(); } catch (e) { if (e instanceof NoSuchProcessError) {} }
 * ```
 */
export class HostProcessError extends NvitopError {
  /** The process id. */
  readonly pid: number;

  constructor(pid: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.pid = pid;
  }
}

/** The process does not exist (any more). */
export class NoSuchProcessError extends HostProcessError {
  constructor(pid: number, options?: { cause?: unknown }) {
    super(pid, `No such process (pid=${pid})`, options);
  }
}

/** The process exists but its information may not be read by this user. */
export class AccessDeniedError extends HostProcessError {
  constructor(pid: number, options?: { cause?: unknown }) {
    super(pid, `Access denied (pid=${pid})`, options);
  }
}

/** The process is a zombie: it has exited and awaits its parent. */
export class ZombieProcessError extends HostProcessError {
  constructor(pid: number, options?: { cause?: unknown }) {
    super(pid, `Zombie process (pid=${pid})`, options);
  }
}

/**
 * A CUDA-level failure, such as an invalid device ordinal, or an error from the CUDA driver
 * while resolving `CUDA_VISIBLE_DEVICES`.
 *
 * @example
 * ```ts
 * Device.fromCudaIndex(9); // throws CudaError('CUDA Error: invalid device ordinal: 9.')
 * ```
 */
export class CudaError extends NvitopError {}

/**
 * An object was used in a state that does not allow the call (for example `collect()` on a
 * collector that was never started).
 */
export class StateError extends NvitopError {}
