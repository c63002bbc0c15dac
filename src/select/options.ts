/**
 * Options of {@link selectDevices} and their validation into {@link SelectionCriteria}, the plain
 * numbers the pure decision function works with.
 *
 * @module
 */
import { InvalidInputError, human2bytes } from '../core/index.js';
import { checkOptions, is, type OptionSchema } from '../core/options.js';

/** How selected devices are identified: NVML index, UUID string, or the device object. */
export type SelectFormat = 'index' | 'uuid' | 'device';

/**
 * Constraints and output options shared by {@link selectDevices}, {@link waitForDevices} and
 * {@link useDevices} (nvitop's `select_devices` keywords, camelCased).
 *
 * @example
 * ```ts
 * const options: SelectDevicesOptions = { format: 'uuid', minCount: 4, minFreeMemory: '8GiB' };
 * ```
 */
export interface SelectDevicesOptions {
  /**
   * `'index'` (default): NVML indices, `[parent, mig]` pairs for MIG devices; `'uuid'`: UUID
   * strings; `'device'`: the device objects. With a MIG device selected, `'index'` falls back to
   * `'uuid'` unless {@link forceIndex} is set.
   */
  format?: SelectFormat;
  /** Keep the `'index'` format even when a MIG device is selected. */
  forceIndex?: boolean;
  /** Minimum number of devices (default 0). Fewer fitting devices is an error. */
  minCount?: number;
  /** Maximum number of devices (default: all that fit). `0` selects nothing. */
  maxCount?: number | null;
  /** Minimum free memory: bytes, or a size string such as `'8GiB'`, `'5000M'`. */
  minFreeMemory?: number | string | null;
  /** Minimum total memory: bytes, or a size string such as `'10GiB'`. */
  minTotalMemory?: number | string | null;
  /** Maximum GPU (SM) utilization in percent. */
  maxGpuUtilization?: number | null;
  /** Maximum memory bandwidth utilization in percent. */
  maxMemoryUtilization?: number | null;
  /**
   * Tolerance in percent (default 0: strict). Memory minimums shrink by this fraction and
   * utilization maximums grow by this many points; devices that needed the tolerance rank after
   * those that did not.
   */
  tolerance?: number;
  /** GPU memory used by processes of these users counts as free. */
  freeAccounts?: readonly string[] | null;
  /** Rank by free memory, used memory and utilization as nvitop does (default true). */
  sort?: boolean;
  /**
   * Select among the devices `CUDA_VISIBLE_DEVICES` makes visible: `true` reads the environment,
   * a string is used instead of it. Cannot be combined with an explicit device list.
   */
  inherit?: boolean | string | null;
  /**
   * Take an advisory lock file per selected GPU (and skip GPUs other live processes hold), so
   * concurrent launchers never pick the same free GPU. `true` or {@link LockOptions}.
   */
  lock?: boolean | LockOptions | null;
  /**
   * Also consider lost GPUs (fallen off the bus: their handle or every query answers
   * `GPU_IS_LOST`). Default false: a training job must never be handed a GPU it cannot use.
   * (nvitop keeps them: its unknown memory passes the memory minimums, so a lost GPU ranks first.)
   */
  includeLost?: boolean;
}

/**
 * Where and for whom device locks are taken.
 *
 * @example
 * ```ts
 * selectDevices({ maxCount: 1, lock: { dir: '/shared/nvitop-locks' } });
 * ```
 */
export interface LockOptions {
  /** The shared lock folder (default `$NVITOP_LOCK_DIR`, else `<os.tmpdir()>/nvitop-locks`). */
  dir?: string;
  /**
   * The process that owns the locks (default: this process, which releases them when it exits).
   * Locks of another owner are released when that process is gone.
   */
  ownerPid?: number;
}

/** The validated constraints, in bytes and percent. */
export interface SelectionCriteria {
  /** Output format. */
  readonly format: SelectFormat;
  /** Keep the index format with MIG devices. */
  readonly forceIndex: boolean;
  /** Minimum number of devices. */
  readonly minCount: number;
  /** Maximum number of devices, or null for no limit. */
  readonly maxCount: number | null;
  /** Minimum free memory in bytes, or null. */
  readonly minFreeMemory: number | null;
  /** Minimum total memory in bytes, or null. */
  readonly minTotalMemory: number | null;
  /** Maximum GPU utilization in percent, or null. */
  readonly maxGpuUtilization: number | null;
  /** Maximum memory bandwidth utilization in percent, or null. */
  readonly maxMemoryUtilization: number | null;
  /** Tolerance in percent. */
  readonly tolerance: number;
  /** Accounts whose GPU memory counts as free. */
  readonly freeAccounts: ReadonlySet<string>;
  /** Whether to rank the devices. */
  readonly sort: boolean;
  /** Whether lost GPUs may be selected. */
  readonly includeLost: boolean;
}

const FORMATS: readonly SelectFormat[] = ['index', 'uuid', 'device'];

const LOCK_RULES: OptionSchema = {
  dir: is.string({ nonEmpty: true }),
  ownerPid: is.integer({ min: 1 }),
};

/** The options every selection entry point knows (see {@link SelectDevicesOptions}). @internal */
export const SELECT_RULES: OptionSchema = {
  format: is.oneOf(FORMATS),
  forceIndex: is.boolean,
  minCount: is.integer({ min: 0 }),
  maxCount: is.nullable(is.integer({ min: 0 })),
  minFreeMemory: is.nullable(is.size),
  minTotalMemory: is.nullable(is.size),
  maxGpuUtilization: is.nullable(is.number({ min: 0, unit: 'percent' })),
  maxMemoryUtilization: is.nullable(is.number({ min: 0, unit: 'percent' })),
  tolerance: is.number({ min: 0, max: 100, unit: 'percent' }),
  freeAccounts: is.nullable(is.custom('an array of user names', (v) => Array.isArray(v) && v.every((name) => typeof name === 'string'))),
  sort: is.boolean,
  inherit: is.nullable(is.anyOf(is.boolean, is.string())),
  lock: is.nullable(is.anyOf(is.boolean, is.object)),
  includeLost: is.boolean,
};

/**
 * Checks the `lock` option's object form (`{ dir?, ownerPid? }`).
 *
 * @internal
 */
export function checkLockOptions(where: string, lock: unknown): LockOptions {
  return checkOptions<LockOptions>(`${where}({ lock })`, lock, LOCK_RULES);
}

function count(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidInputError(name, value, 'a non-negative integer');
}

function percent(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidInputError(name, value, 'a non-negative number of percent');
}

function size(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new InvalidInputError(name, value, "a byte count or a size string such as '8GiB'");
  }
  try {
    return human2bytes(value);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(name, value, error.accepted);
    throw error;
  }
}

/**
 * Validates options into {@link SelectionCriteria}: unknown keys are refused (with the closest
 * known name), sizes go through `human2bytes` (the one size grammar), counts must be
 * non-negative integers, `maxCount >= minCount`.
 *
 * @param where - the entry point named in messages.
 * @throws {@link InvalidInputError} naming the option and the bad value;
 *   {@link UnknownOptionError} for an unknown key.
 *
 * @example
 * ```ts
 * normalizeSelectOptions({ minFreeMemory: '8GiB' }).minFreeMemory; // 8589934592
 * normalizeSelectOptions({ minFreeMemory: '8GB?' });               // throws: Invalid minFreeMemory: '8GB?' …
 * ```
 */
export function normalizeSelectOptions(options: SelectDevicesOptions = {}, where = 'normalizeSelectOptions'): SelectionCriteria {
  checkOptions(where, options, SELECT_RULES);
  const format = options.format ?? 'index';
  const minCount = count('minCount', options.minCount ?? 0);
  const maxCount = options.maxCount === undefined || options.maxCount === null ? null : count('maxCount', options.maxCount);
  if (maxCount !== null && maxCount < minCount) {
    throw new InvalidInputError('maxCount', maxCount, `a count no less than minCount (${minCount})`);
  }
  const tolerance = percent('tolerance', options.tolerance ?? 0) as number;
  const accounts = options.freeAccounts ?? [];
  return {
    format,
    forceIndex: options.forceIndex === true,
    minCount,
    maxCount,
    minFreeMemory: size('minFreeMemory', options.minFreeMemory),
    minTotalMemory: size('minTotalMemory', options.minTotalMemory),
    maxGpuUtilization: percent('maxGpuUtilization', options.maxGpuUtilization),
    maxMemoryUtilization: percent('maxMemoryUtilization', options.maxMemoryUtilization),
    tolerance,
    freeAccounts: new Set(accounts),
    sort: options.sort !== false,
    includeLost: options.includeLost === true,
  };
}
