/**
 * `nvmlDevice_t` as a branded object: the raw pointer never leaves the binding.
 *
 * @module
 */

const handleBrand = Symbol('NvmlDeviceHandle');

/**
 * An `nvmlDevice_t`. The raw pointer never leaves the binding: only the binding can read it.
 */
export class NvmlDeviceHandle {
  /** @internal */
  readonly [handleBrand]: bigint;

  /** @internal */
  constructor(pointer: bigint) {
    this[handleBrand] = pointer;
  }

  /** Two handles are equal when they point at the same NVML device. */
  equals(other: NvmlDeviceHandle): boolean {
    return this[handleBrand] === other[handleBrand];
  }
}

/** The pointer of a handle, for the calls of this folder. */
export function raw(handle: NvmlDeviceHandle): bigint {
  return handle[handleBrand];
}
