/**
 * `useDevices`: select, then point CUDA at the choice (`CUDA_DEVICE_ORDER=PCI_BUS_ID`,
 * `CUDA_VISIBLE_DEVICES=<ids>`) in this process's environment, before a CUDA library loads.
 *
 * @module
 */
import { checkOptions, is } from '../core/options.js';
import type { DeviceIndex } from './candidate.js';
import { runSelection, shortfallError, type SelectionOutcome } from './select-devices.js';
import type { DeviceLock } from './lock/index.js';
import { SELECT_RULES, type SelectDevicesOptions } from './options.js';
import { WAIT_RULES, waitForSelection, type WaitForDevicesOptions } from './wait.js';

/** Options of {@link useDevices}: selection options with an `'index'` or `'uuid'` format. */
export interface UseDevicesOptions extends Omit<SelectDevicesOptions, 'format' | 'forceIndex'> {
  /** `'index'` (default; a MIG device is still given by UUID) or `'uuid'`. */
  format?: 'index' | 'uuid';
  /** Environment to set (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** What {@link useDevices} chose and set. */
export interface UsedDevices {
  /** The selected identifiers. */
  readonly identifiers: ReadonlyArray<DeviceIndex | string>;
  /** The value given to `CUDA_VISIBLE_DEVICES`. */
  readonly cudaVisibleDevices: string;
  /** Locks taken (with `lock`); they are released at exit, or by {@link UsedDevices.release}. */
  readonly locks: readonly DeviceLock[];
  /** Releases the locks now. */
  release(): void;
}

const { format: _format, forceIndex: _forceIndex, ...SHARED_RULES } = SELECT_RULES;
const USE_RULES = {
  ...SHARED_RULES,
  ...WAIT_RULES,
  format: is.oneOf(['index', 'uuid']),
  env: is.custom('an environment object such as process.env', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
};

function apply(outcome: SelectionOutcome, env: NodeJS.ProcessEnv): UsedDevices {
  const identifiers = outcome.identifiers as Array<DeviceIndex | string>;
  const cudaVisibleDevices = identifiers.map(String).join(',');
  env.CUDA_DEVICE_ORDER = 'PCI_BUS_ID';
  env.CUDA_VISIBLE_DEVICES = cudaVisibleDevices;
  const locks = outcome.locks;
  return { identifiers, cudaVisibleDevices, locks, release: () => locks.forEach((lock) => lock.release()) };
}

/**
 * Selects devices and sets `CUDA_DEVICE_ORDER=PCI_BUS_ID` and `CUDA_VISIBLE_DEVICES` (so NVML
 * indices mean the same GPUs to CUDA). Call it before loading a CUDA-backed library.
 *
 * Synchronous without `wait`; with `wait` it returns a Promise (see {@link waitForDevices}).
 *
 * @throws {@link NotEnoughDevicesError} (or {@link DeviceWaitTimeoutError}) when fewer than
 *   `minCount` devices fit; the environment is then left unchanged.
 *
 * @example
 * ```ts
 * useDevices({ minCount: 1, maxCount: 2, minFreeMemory: '16GiB', lock: true });
 * const tf = await import('@tensorflow/tfjs-node-gpu');
 *
 * await useDevices({ minCount: 4, wait: '1h' }); // waits for four devices
 * ```
 */
export function useDevices(options?: UseDevicesOptions & { wait?: undefined }): UsedDevices;
export function useDevices(
  options: UseDevicesOptions & Pick<WaitForDevicesOptions, 'wait' | 'interval' | 'onProgress' | 'signal'> & { wait: true | number | string },
): Promise<UsedDevices>;
export function useDevices(
  options: UseDevicesOptions & Pick<WaitForDevicesOptions, 'wait' | 'interval' | 'onProgress' | 'signal'> = {},
): UsedDevices | Promise<UsedDevices> {
  checkOptions('useDevices', options, USE_RULES);
  const { env = process.env, wait, interval, onProgress, signal, ...selectOptions } = options;
  if (wait !== undefined) {
    const waiting = { ...selectOptions, wait, interval, onProgress, signal };
    return waitForSelection(undefined, waiting, 'useDevices').then((outcome) => apply(outcome, env));
  }
  const outcome = runSelection(undefined, selectOptions, 'useDevices');
  const required = outcome.criteria.minCount;
  if (outcome.identifiers.length < required) {
    for (const lock of outcome.locks) lock.release();
    throw shortfallError(outcome, required);
  }
  return apply(outcome, env);
}
