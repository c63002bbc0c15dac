/**
 * `nvisel`'s command line, parsed with argparse's forms: long options with unique-prefix
 * abbreviation and `--opt=value`, short options with attached values (`-n4`) and flag clusters
 * (`-S0`), optional values (`-i [CVD]`, `--wait [DURATION]`, `--lock [PID]`), and `--` before a
 * command to run. Pure: errors are {@link UsageError}s (exit status 2).
 *
 * @module
 */
import { InvalidInputError, human2bytes, parseDuration } from '../../core/index.js';
import type { SelectionCriteria } from '../../select/index.js';
import { OptionTable, UsageError, rejectUnrecognized, type OptionSpec } from '../argparse.js';

/** The selection constraints, in the select layer's units (bytes, percent). */
type Constraints = Pick<
  SelectionCriteria,
  'minCount' | 'maxCount' | 'minFreeMemory' | 'minTotalMemory' | 'maxGpuUtilization' | 'maxMemoryUtilization' | 'tolerance' | 'sort'
>;

/**
 * The parsed command line. The constraints are {@link SelectionCriteria}'s fields, from
 * `--min-count` and `--max-count` (both set by `--count`), `--min-free-memory`,
 * `--min-total-memory`, `--max-gpu-utilization`, `--max-memory-utilization`, `--tolerance`
 * (default 0: strict) and `--no-sort`.
 *
 * @example
 * ```ts
 * const args: NviselArgs = parseNviselArgs(['-n', '2', '-f', '8GiB']);
 * args.minFreeMemory; // 8589934592
 * ```
 */
export interface NviselArgs extends Constraints {
  /** `--help`. */
  readonly help: boolean;
  /** `--version`. */
  readonly version: boolean;
  /** `--inherit`: undefined when absent, null without a value (use the environment's). */
  readonly inherit: string | null | undefined;
  /** `--account-as-free`: null when absent, `[]` for the current user. */
  readonly freeAccounts: readonly string[] | null;
  /** `--format`. */
  readonly format: 'index' | 'uuid';
  /** The output separator (`--sep`, `--newline`, `--null`). */
  readonly sep: string;
  /** `--wait`: undefined when absent, `true` without a limit, else milliseconds. */
  readonly wait: true | number | undefined;
  /** `--interval` in milliseconds (default 1000). */
  readonly interval: number;
  /** `--lock`: undefined when absent, null without a PID, else the owner PID. */
  readonly lock: number | null | undefined;
  /** `--include-lost`: lost GPUs may be selected. */
  readonly includeLost: boolean;
  /** The command after `--` (empty when none). */
  readonly command: readonly string[];
}

const OPTIONS = [
  { key: 'help', names: ['--help', '-h'], arity: 'flag' },
  { key: 'version', names: ['--version', '-V'], arity: 'flag' },
  { key: 'inherit', names: ['--inherit', '-i'], arity: 'optional' },
  { key: 'freeAccounts', names: ['--account-as-free'], arity: 'any' },
  { key: 'minCount', names: ['--min-count', '-c'], arity: 'one' },
  { key: 'maxCount', names: ['--max-count', '-C'], arity: 'one' },
  { key: 'count', names: ['--count', '-n'], arity: 'one' },
  { key: 'minFreeMemory', names: ['--min-free-memory', '-f'], arity: 'one' },
  { key: 'minTotalMemory', names: ['--min-total-memory', '-t'], arity: 'one' },
  { key: 'maxGpuUtilization', names: ['--max-gpu-utilization', '-G'], arity: 'one' },
  { key: 'maxMemoryUtilization', names: ['--max-memory-utilization', '-M'], arity: 'one' },
  { key: 'tolerance', names: ['--tolerance', '--tol'], arity: 'one' },
  { key: 'format', names: ['--format', '-O'], arity: 'one' },
  { key: 'sep', names: ['--sep', '--separator', '-s'], arity: 'one' },
  { key: 'newline', names: ['--newline'], arity: 'flag' },
  { key: 'null', names: ['--null', '-0'], arity: 'flag' },
  { key: 'noSort', names: ['--no-sort', '-S'], arity: 'flag' },
  { key: 'wait', names: ['--wait'], arity: 'optional' },
  { key: 'interval', names: ['--interval'], arity: 'one' },
  { key: 'lock', names: ['--lock'], arity: 'optional' },
  { key: 'includeLost', names: ['--include-lost'], arity: 'flag' },
] as const satisfies readonly OptionSpec[];

type OptionKey = (typeof OPTIONS)[number]['key'];

// Only `--` and this table's options end a value: `--sep -x` and `--lock -5` take them as values.
const TABLE = new OptionTable<OptionKey>(OPTIONS, { valueStop: 'known' });
const display = (key: OptionKey): string => TABLE.label(key);

/**
 * How the CLI names each constraint in messages.
 *
 * @example
 * ```ts
 * explainShortfall(decision, criteria, 2, FLAG_LABELS); // '… (--min-free-memory).'
 * ```
 */
export const FLAG_LABELS = {
  minCount: '--min-count',
  minFreeMemory: '--min-free-memory',
  minTotalMemory: '--min-total-memory',
  maxGpuUtilization: '--max-gpu-utilization',
  maxMemoryUtilization: '--max-memory-utilization',
  locked: '--lock',
  uuid: '--format uuid',
  lost: '--include-lost',
} as const;

function nonNegativeInt(key: OptionKey, value: string): number {
  const text = value.trim();
  if (/^[+-]?\d+$/.test(text)) {
    const number = Number.parseInt(text, 10);
    if (number >= 0 && Number.isSafeInteger(number)) return number;
  }
  throw new UsageError(`argument ${display(key)}: invalid non-negative integer value: '${value}'`);
}

function sizeValue(key: OptionKey, value: string): number {
  try {
    return human2bytes(value);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(`argument ${display(key)}: ${error.message}`);
    throw error;
  }
}

function durationValue(key: OptionKey, value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(`argument ${display(key)}: ${error.message}`);
    throw error;
  }
}

const EXCLUSIVE_SEPARATORS = ['sep', 'newline', 'null'] as const;

/**
 * Parses `nvisel`'s arguments (without the node and script paths).
 *
 * @throws {@link UsageError} for unknown options, missing or malformed values (the message names
 *   the value: `argument --min-free-memory/-f: Invalid size: '8GB?'. …`), `--max-count` below
 *   `--min-count`, and more than one of `--sep`, `--newline`, `--null`.
 *
 * @example
 * ```ts
 * parseNviselArgs(['-n', '4']);                  // minCount 4, maxCount 4
 * parseNviselArgs(['-0', '-O', 'uuid', '-f', '4GiB']).sep; // '\0'
 * ```
 */
export function parseNviselArgs(argv: readonly string[]): NviselArgs {
  const raw = TABLE.scan(argv);
  if (!raw.values.has('help') && !raw.values.has('version')) rejectUnrecognized(raw.unrecognized);
  const one = (key: OptionKey): string | undefined => {
    const value = raw.values.get(key);
    return Array.isArray(value) ? value[0] : undefined;
  };
  const has = (key: OptionKey): boolean => raw.values.has(key);

  const given = EXCLUSIVE_SEPARATORS.filter(has);
  if (given.length > 1) {
    throw new UsageError(`argument ${display(given[1] as OptionKey)}: not allowed with argument ${display(given[0] as OptionKey)}`);
  }
  const format = one('format') ?? 'index';
  if (format !== 'index' && format !== 'uuid') {
    throw new UsageError(`argument ${display('format')}: invalid choice: '${format}' (choose from 'index', 'uuid')`);
  }
  let minCount = has('minCount') ? nonNegativeInt('minCount', one('minCount') as string) : 0;
  let maxCount = has('maxCount') ? nonNegativeInt('maxCount', one('maxCount') as string) : null;
  if (has('count')) minCount = maxCount = nonNegativeInt('count', one('count') as string);
  if (maxCount !== null && maxCount < minCount) throw new UsageError('Max count must be no less than min count.');

  const optionalValue = (key: OptionKey): string | null | undefined => {
    if (!has(key)) return undefined;
    const value = raw.values.get(key);
    return Array.isArray(value) ? (value[0] as string) : null;
  };
  const waitValue = optionalValue('wait');
  const lockValue = optionalValue('lock');
  const lock = lockValue === undefined || lockValue === null ? lockValue : nonNegativeInt('lock', lockValue);
  if (lock === 0) throw new UsageError(`argument ${display('lock')}: invalid process id: '0'`);
  const interval = has('interval') ? durationValue('interval', one('interval') as string) : 1000;
  if (interval < 10) throw new UsageError(`argument ${display('interval')}: the interval must be at least 10ms, got '${one('interval')}'`);
  const accounts = raw.values.get('freeAccounts');

  return {
    help: has('help'),
    version: has('version'),
    inherit: optionalValue('inherit'),
    freeAccounts: Array.isArray(accounts) ? accounts : null,
    minCount,
    maxCount,
    minFreeMemory: has('minFreeMemory') ? sizeValue('minFreeMemory', one('minFreeMemory') as string) : null,
    minTotalMemory: has('minTotalMemory') ? sizeValue('minTotalMemory', one('minTotalMemory') as string) : null,
    maxGpuUtilization: has('maxGpuUtilization') ? nonNegativeInt('maxGpuUtilization', one('maxGpuUtilization') as string) : null,
    maxMemoryUtilization: has('maxMemoryUtilization') ? nonNegativeInt('maxMemoryUtilization', one('maxMemoryUtilization') as string) : null,
    tolerance: has('tolerance') ? nonNegativeInt('tolerance', one('tolerance') as string) : 0,
    format,
    sep: has('newline') ? '\n' : has('null') ? '\0' : (one('sep') ?? ','),
    sort: !has('noSort'),
    wait: waitValue === undefined ? undefined : waitValue === null ? true : durationValue('wait', waitValue),
    interval,
    lock,
    includeLost: has('includeLost'),
    command: raw.rest,
  };
}
