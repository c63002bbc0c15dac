/**
 * The `nvitop` command line: a small parser with nvitop's (argparse's) forms — long options with
 * unique-prefix abbreviation and `--opt=value`, short options with attached values (`-o1`) and
 * clusters (`-1c`), multi-character short options (`-ov`), optional (`-m [mode]`), variadic
 * (`-o 0 1`, `-u [USER ...]`) and fixed-count (`--gpu-util-thresh 10 75`) values — plus the
 * environment variables that supply defaults (`NVITOP_MONITOR_MODE`,
 * `NVITOP_GPU_UTILIZATION_THRESHOLDS`, `NVITOP_MEMORY_UTILIZATION_THRESHOLDS`).
 *
 * Parsing is pure: errors are thrown as {@link UsageError}; the entry point prints the usage
 * line and the message and exits with status 2.
 *
 * @module
 */
import { OptionTable, UsageError, rejectUnrecognized, type OptionSpec } from './argparse.js';
import { CSV_FIELDS, type CsvField } from './stream/csv-fields.js';

/**
 * Display mode of the monitor.
 *
 * @example
 * ```ts
 * const mode: MonitorMode = resolveMonitorMode(args.monitor); // 'auto'
 * ```
 */
export type MonitorMode = 'auto' | 'full' | 'compact';

/**
 * The parsed command line.
 *
 * @example
 * ```ts
 * const args: NvitopArgs = parseNvitopArgs(['-1', '-o', '0']);
 * args.once; // true
 * ```
 */
export interface NvitopArgs {
  /** `--help`, `-h`. */
  readonly help: boolean;
  /** `--version`, `-V`. */
  readonly version: boolean;
  /** `--once`, `-1`. */
  readonly once: boolean;
  /**
   * `--monitor`, `-m`: undefined when absent, null when given without a mode (then
   * `NVITOP_MONITOR_MODE` decides, see {@link resolveMonitorMode}).
   */
  readonly monitor: MonitorMode | null | undefined;
  /** `--interval SEC` (at least 0.25), or null. */
  readonly interval: number | null;
  /** `--ascii`, `--no-unicode`, `-U`. */
  readonly ascii: boolean;
  /** `--readonly` or the `readonly` token of `NVITOP_MONITOR_MODE`. */
  readonly readonly: boolean;
  /** `--colorful` or the `colorful` token (unless `plain`). */
  readonly colorful: boolean;
  /** `--force-color`. */
  readonly forceColor: boolean;
  /** `--light` or the `light` token (unless `dark`). */
  readonly light: boolean;
  /** GPU-utilization thresholds: `--gpu-util-thresh`, the environment, or `[10, 75]`. */
  readonly gpuUtilThresholds: readonly [number, number];
  /** Memory-percent thresholds: `--mem-util-thresh`, the environment, or `[10, 80]`. */
  readonly memUtilThresholds: readonly [number, number];
  /** `--only`, `-o`: NVML indices to show, or null. */
  readonly only: readonly number[] | null;
  /** `--only-visible`, `-ov`. */
  readonly onlyVisible: boolean;
  /** `--compute`, `-c`: type contains C (C or C+G). */
  readonly compute: boolean;
  /** `--only-compute`, `-C`: type is exactly C. */
  readonly onlyCompute: boolean;
  /** `--graphics`, `-g`: type contains G (G or C+G). */
  readonly graphics: boolean;
  /** `--only-graphics`, `-G`: type is exactly G. */
  readonly onlyGraphics: boolean;
  /** `--user`, `-u`: user names, `[]` for the current user, null when absent. */
  readonly user: readonly string[] | null;
  /** `--pid`, `-p`: PIDs, or null. */
  readonly pid: readonly number[] | null;
  /** `--json`: print one JSON document instead of the table (a stream of lines with `--interval`/`--count`). */
  readonly json: boolean;
  /** `--csv`: print comma-separated device rows instead of the table. */
  readonly csv: boolean;
  /** `--query FIELD,...`: the columns of `--csv` (device snapshot keys), or null for the default set. */
  readonly query: readonly CsvField[] | null;
  /** `--count N`: stop a `--json`/`--csv` stream after N samples, or null. */
  readonly count: number | null;
  /**
   * `--containers [{beside,instead}]`: show each process's container, pod or Slurm job beside
   * its command or instead of it (and fill `container` in `--json`); `'off'` when absent.
   */
  readonly containers: ContainerColumn;
}

/** Where the process table shows each process's container: not at all, beside or instead of the command. */
export type ContainerColumn = 'off' | 'beside' | 'instead';

/**
 * Whether the command line asks for a stream of samples (`--json`/`--csv` with `--interval` or
 * `--count`) rather than one.
 *
 * @example
 * ```ts
 * isStream(parseNvitopArgs(['--json', '--interval', '2'])); // true
 * isStream(parseNvitopArgs(['--json']));                    // false
 * ```
 */
export function isStream(args: Pick<NvitopArgs, 'json' | 'csv' | 'interval' | 'count'>): boolean {
  return (args.json || args.csv) && (args.interval !== null || args.count !== null);
}

// The shared scanner's error class, still importable from here (nvitop.ts, nvisel/main.ts, tests).
export { UsageError } from './argparse.js';

const OPTIONS = [
  { key: 'help', names: ['--help', '-h'], arity: 'flag' },
  { key: 'version', names: ['--version', '-V'], arity: 'flag' },
  { key: 'once', names: ['--once', '-1'], arity: 'flag' },
  { key: 'monitor', names: ['--monitor', '-m'], arity: 'optional' },
  { key: 'interval', names: ['--interval'], arity: 'one' },
  { key: 'ascii', names: ['--ascii', '--no-unicode', '-U'], arity: 'flag' },
  { key: 'readonly', names: ['--readonly'], arity: 'flag' },
  { key: 'json', names: ['--json'], arity: 'flag' },
  { key: 'csv', names: ['--csv'], arity: 'flag' },
  { key: 'query', names: ['--query'], arity: 'one' },
  { key: 'count', names: ['--count'], arity: 'one' },
  { key: 'containers', names: ['--containers'], arity: 'optional' },
  { key: 'colorful', names: ['--colorful'], arity: 'flag' },
  { key: 'forceColor', names: ['--force-color'], arity: 'flag' },
  { key: 'light', names: ['--light'], arity: 'flag' },
  { key: 'gpuUtilThresh', names: ['--gpu-util-thresh'], arity: 'two' },
  { key: 'memUtilThresh', names: ['--mem-util-thresh'], arity: 'two' },
  { key: 'only', names: ['--only', '-o'], arity: 'some' },
  { key: 'onlyVisible', names: ['--only-visible', '-ov'], arity: 'flag' },
  { key: 'compute', names: ['--compute', '-c'], arity: 'flag' },
  { key: 'onlyCompute', names: ['--only-compute', '-C'], arity: 'flag' },
  { key: 'graphics', names: ['--graphics', '-g'], arity: 'flag' },
  { key: 'onlyGraphics', names: ['--only-graphics', '-G'], arity: 'flag' },
  { key: 'user', names: ['--user', '-u'], arity: 'any' },
  { key: 'pid', names: ['--pid', '-p'], arity: 'some' },
] as const satisfies readonly OptionSpec[];

type OptionKey = (typeof OPTIONS)[number]['key'];

const TABLE = new OptionTable<OptionKey>(OPTIONS);
const MONITOR_MODES: readonly MonitorMode[] = ['auto', 'full', 'compact'];

/**
 * Default GPU-utilization thresholds.
 *
 * @example
 * ```ts
 * parseNvitopArgs([], {}).gpuUtilThresholds; // DEFAULT_GPU_UTIL_THRESHOLDS, [10, 75]
 * ```
 */
export const DEFAULT_GPU_UTIL_THRESHOLDS: readonly [number, number] = [10, 75];
/**
 * Default memory-percent thresholds.
 *
 * @example
 * ```ts
 * parseNvitopArgs([], {}).memUtilThresholds; // DEFAULT_MEM_UTIL_THRESHOLDS, [10, 80]
 * ```
 */
export const DEFAULT_MEM_UTIL_THRESHOLDS: readonly [number, number] = [10, 80];

function parseInteger(key: OptionKey, value: string): number {
  const text = value.trim();
  if (!/^[+-]?\d+$/.test(text)) throw new UsageError(`argument ${TABLE.label(key)}: invalid int value: '${value}'`);
  return Number.parseInt(text, 10);
}

function parseThresholds(key: OptionKey, values: readonly string[]): [number, number] {
  const [th1, th2] = values.map((value) => parseInteger(key, value)) as [number, number];
  for (const th of [th1, th2]) {
    if (th < 1 || th > 99) throw new UsageError(`argument ${TABLE.label(key)}: invalid choice: ${th} (choose from 1 to 99)`);
  }
  if (th1 >= th2) throw new UsageError(`argument ${TABLE.label(key)}: expected th1 < th2, got ${th1} ${th2}`);
  return [th1, th2];
}

function formatG2(value: number): string {
  return String(Number(value.toPrecision(2)));
}

function parseInterval(key: OptionKey, value: string): number {
  const text = value.trim();
  const number = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`argument ${TABLE.label(key)}: invalid positive float value: '${value}'`);
  if (number < 0.25) {
    throw new UsageError(`the interval ${formatG2(number)}s is too short, which may cause performance issues. Expected 1/4 or higher.`);
  }
  return number;
}

function parseCount(key: OptionKey, value: string): number {
  const text = value.trim();
  const number = /^\+?\d+$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`argument ${TABLE.label(key)}: invalid positive int value: '${value}'`);
  return number;
}

function parseQuery(key: OptionKey, value: string): CsvField[] {
  const fields = value.split(',').map((field) => field.trim());
  if (fields.some((field) => field === '')) throw new UsageError(`argument ${TABLE.label(key)}: expected comma-separated field names, got '${value}'`);
  const known = CSV_FIELDS as readonly string[];
  const unknown = fields.filter((field) => !known.includes(field));
  if (unknown.length > 0) {
    throw new UsageError(`argument ${TABLE.label(key)}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `'${f}'`).join(', ')} (choose from ${CSV_FIELDS.join(', ')})`);
  }
  return fields as CsvField[];
}

/**
 * The tokens of `NVITOP_MONITOR_MODE` (comma-separated, trimmed, lower-cased).
 *
 * @example
 * ```ts
 * monitorModeTokens({ NVITOP_MONITOR_MODE: 'Full, light' }); // Set { 'full', 'light' }
 * ```
 */
export function monitorModeTokens(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env.NVITOP_MONITOR_MODE ?? '').toLowerCase().split(',').map((token) => token.trim()));
}

/**
 * Thresholds from an environment variable such as `NVITOP_GPU_UTILIZATION_THRESHOLDS="10,75"`:
 * two integers in 1..99 (sorted); null when unset or invalid (then ignored, as nvitop does).
 *
 * @example
 * ```ts
 * thresholdsFromEnv('75,10'); // [10, 75]
 * thresholdsFromEnv('0,50');  // null
 * ```
 */
export function thresholdsFromEnv(value: string | undefined): [number, number] | null {
  if (value === undefined) return null;
  const parts = value.split(',').slice(0, 2).map((part) => part.trim());
  if (parts.length !== 2 || !parts.every((part) => /^[+-]?\d+$/.test(part))) return null;
  const [a, b] = parts.map(Number) as [number, number];
  if (Math.min(a, b) < 1 || Math.max(a, b) > 99 || a === b) return null;
  return a < b ? [a, b] : [b, a];
}

/**
 * Parses `nvitop`'s command line (without the node and script paths) and applies the
 * environment's defaults.
 *
 * @throws {@link UsageError} for an unknown option, a missing or malformed value, thresholds
 *   outside 1..99 or not increasing, an interval below 0.25 s.
 *
 * @example
 * ```ts
 * parseNvitopArgs(['-1', '-o', '0', '1', '-ov']).only; // [0, 1]
 * parseNvitopArgs(['-u']).user;                         // [] (the current user)
 * ```
 */
export function parseNvitopArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): NvitopArgs {
  const raw = TABLE.scan(argv);
  const flag = (key: OptionKey): boolean => raw.values.get(key) === true;
  const list = (key: OptionKey): readonly string[] | null | undefined => {
    const value = raw.values.get(key);
    return value === true ? undefined : value;
  };
  if (flag('help') || flag('version')) return { ...defaults(env), help: flag('help'), version: flag('version') && !flag('help') };
  rejectUnrecognized([...raw.unrecognized, ...raw.rest]);

  let monitor: MonitorMode | null | undefined;
  if (raw.values.has('monitor')) {
    const value = list('monitor');
    if (value === null || value === undefined) monitor = null;
    else {
      const mode = value[0] as string;
      if (!(MONITOR_MODES as readonly string[]).includes(mode)) {
        throw new UsageError(`argument ${TABLE.label('monitor')}: invalid choice: '${mode}' (choose from 'auto', 'full', 'compact')`);
      }
      monitor = mode as MonitorMode;
    }
  }
  let containers: ContainerColumn = 'off';
  if (raw.values.has('containers')) {
    const value = list('containers');
    const where = value === null || value === undefined ? 'beside' : (value[0] as string);
    if (where !== 'beside' && where !== 'instead') {
      throw new UsageError(`argument ${TABLE.label('containers')}: invalid choice: '${where}' (choose from 'beside', 'instead')`);
    }
    containers = where;
  }
  const intervalValue = list('interval');
  const gpu = list('gpuUtilThresh');
  const mem = list('memUtilThresh');
  const only = list('only');
  const pid = list('pid');
  const user = list('user');
  const queryValue = list('query');
  const countValue = list('count');
  if (flag('json') && flag('csv')) throw new UsageError(`argument ${TABLE.label('csv')}: not allowed with argument ${TABLE.label('json')}`);
  if (queryValue !== undefined && !flag('csv')) throw new UsageError(`argument ${TABLE.label('query')}: only allowed with argument ${TABLE.label('csv')}`);
  if (countValue !== undefined && !flag('json') && !flag('csv')) {
    throw new UsageError(`argument ${TABLE.label('count')}: only allowed with argument ${TABLE.label('json')} or ${TABLE.label('csv')}`);
  }
  const base = defaults(env);
  const tokens = monitorModeTokens(env);
  return {
    ...base,
    once: flag('once'),
    monitor,
    interval: intervalValue === null || intervalValue === undefined ? null : parseInterval('interval', intervalValue[0] as string),
    ascii: flag('ascii'),
    readonly: flag('readonly') || tokens.has('readonly'),
    colorful: flag('colorful') || (tokens.has('colorful') && !tokens.has('plain')),
    forceColor: flag('forceColor'),
    light: flag('light') || (tokens.has('light') && !tokens.has('dark')),
    gpuUtilThresholds: gpu === null || gpu === undefined ? base.gpuUtilThresholds : parseThresholds('gpuUtilThresh', gpu),
    memUtilThresholds: mem === null || mem === undefined ? base.memUtilThresholds : parseThresholds('memUtilThresh', mem),
    only: only === null || only === undefined ? null : only.map((value) => parseInteger('only', value)),
    onlyVisible: flag('onlyVisible'),
    compute: flag('compute'),
    onlyCompute: flag('onlyCompute'),
    graphics: flag('graphics'),
    onlyGraphics: flag('onlyGraphics'),
    user: user === null || user === undefined ? null : user,
    pid: pid === null || pid === undefined ? null : pid.map((value) => parseInteger('pid', value)),
    json: flag('json'),
    csv: flag('csv'),
    query: queryValue === null || queryValue === undefined ? null : parseQuery('query', queryValue[0] as string),
    count: countValue === null || countValue === undefined ? null : parseCount('count', countValue[0] as string),
    containers,
  };
}

function defaults(env: NodeJS.ProcessEnv): NvitopArgs {
  return {
    help: false,
    version: false,
    once: false,
    monitor: undefined,
    interval: null,
    ascii: false,
    readonly: false,
    colorful: false,
    forceColor: false,
    light: false,
    gpuUtilThresholds: thresholdsFromEnv(env.NVITOP_GPU_UTILIZATION_THRESHOLDS) ?? DEFAULT_GPU_UTIL_THRESHOLDS,
    memUtilThresholds: thresholdsFromEnv(env.NVITOP_MEMORY_UTILIZATION_THRESHOLDS) ?? DEFAULT_MEM_UTIL_THRESHOLDS,
    only: null,
    onlyVisible: false,
    compute: false,
    onlyCompute: false,
    containers: 'off',
    graphics: false,
    onlyGraphics: false,
    user: null,
    pid: null,
    json: false,
    csv: false,
    query: null,
    count: null,
  };
}

/**
 * The monitor's display mode: the one given to `-m`, else the single `auto`/`full`/`compact`
 * token of `NVITOP_MONITOR_MODE`, else `auto`.
 *
 * @example
 * ```ts
 * resolveMonitorMode(null, { NVITOP_MONITOR_MODE: 'full,light' }); // 'full'
 * ```
 */
export function resolveMonitorMode(mode: MonitorMode | null | undefined, env: NodeJS.ProcessEnv = process.env): MonitorMode {
  if (mode !== null && mode !== undefined) return mode;
  const tokens = monitorModeTokens(env);
  const modes = MONITOR_MODES.filter((candidate) => tokens.has(candidate));
  return modes.length === 1 ? (modes[0] as MonitorMode) : 'auto';
}

/**
 * The usage synopsis printed above a command-line error and at the top of `--help`.
 *
 * @example
 * ```ts
 * usage().startsWith('usage: nvitop'); // true
 * ```
 */
export function usage(): string {
  return [
    'usage: nvitop [--help] [--version] [--once | --monitor [{auto,full,compact}]]',
    '              [--interval SEC] [--ascii] [--readonly]',
    '              [--json | --csv [--query FIELD,...]] [--count N]',
    '              [--colorful] [--force-color] [--light]',
    '              [--gpu-util-thresh th1 th2] [--mem-util-thresh th1 th2]',
    '              [--only INDEX [INDEX ...]] [--only-visible]',
    '              [--compute] [--only-compute] [--graphics] [--only-graphics]',
    '              [--user [USERNAME ...]] [--pid PID [PID ...]]',
    '              [--containers [{beside,instead}]]',
  ].join('\n');
}

/**
 * The `--help` text.
 *
 * @example
 * ```ts
 * helpText().includes('--only-visible'); // true
 * ```
 */
export function helpText(): string {
  return `${usage()}

An interactive NVIDIA-GPU process viewer (Node.js port of nvitop).

options:
  --help, -h            Show this help message and exit.
  --version, -V         Show nvitop's version number and exit.
  --once, -1            Print the status once and exit.
  --monitor [{auto,full,compact}], -m [{auto,full,compact}]
                        Run the interactive resource monitor. Without a mode, the mode in
                        NVITOP_MONITOR_MODE is used (fallback: auto).
  --interval SEC        Refresh interval of the monitor in seconds, at least 0.25. (default: 2)
                        With --json or --csv: print a sample every SEC seconds until stopped.
  --ascii, --no-unicode, -U
                        Use ASCII characters only (for terminals without Unicode support).
  --readonly            Monitor without the keys that send signals to processes.
  --json                Print one JSON document (devices, MIG devices, processes, host) instead
                        of the table. Schema: docs/json-schema.md. With --interval or --count:
                        one compact document per line (NDJSON), one line per sample.
  --csv                 Print the devices as CSV (a header, then one row per GPU) instead of the
                        table; with --interval or --count, new rows every sample.
  --query FIELD,...     Columns of --csv: device snapshot fields such as index,name,memoryUsed,
                        gpuUtilization (units as in --json), plus time and timestamp.
  --count N             Stop a --json/--csv stream after N samples (default interval: 2 s).
  --containers [{beside,instead}]
                        Show each process's container, Kubernetes pod or Slurm job beside its
                        command (default) or instead of it; with --json, fill each process's
                        "container" and the kubelet's "podResources". See docs/kubernetes.md.

coloring:
  --colorful            Gradient bar charts (needs a 256-colour terminal, e.g. TERM=xterm-256color).
  --force-color         Colour the output even when stdout is not a terminal.
  --light               Tweak colours for terminals with a light background.
  --gpu-util-thresh th1 th2
                        GPU utilization thresholds of the load colours:
                        light < th1 % <= moderate < th2 % <= heavy. (1 <= th1 < th2 <= 99, defaults: 10 75)
  --mem-util-thresh th1 th2
                        GPU memory percent thresholds of the load colours:
                        light < th1 % <= moderate < th2 % <= heavy. (1 <= th1 < th2 <= 99, defaults: 10 80)

device filtering:
  --only INDEX [INDEX ...], -o INDEX [INDEX ...]
                        Only show these devices (NVML indices); overrides --only-visible.
  --only-visible, -ov   Only show the devices in CUDA_VISIBLE_DEVICES.

process filtering:
  --compute, -c         Only GPU processes with a compute context (type C or C+G).
  --only-compute, -C    Only GPU processes with a compute context and no graphics one (type C).
  --graphics, -g        Only GPU processes with a graphics context (type G or C+G).
  --only-graphics, -G   Only GPU processes with a graphics context and no compute one (type G).
  --user [USERNAME ...], -u [USERNAME ...]
                        Only processes of these users (the current user when none is given).
  --pid PID [PID ...], -p PID [PID ...]
                        Only processes with these PIDs.

environment:
  NVITOP_MONITOR_MODE                   auto|full|compact, plain|colorful, dark|light, readonly (comma-separated)
  NVITOP_GPU_UTILIZATION_THRESHOLDS     th1,th2 (default 10,75)
  NVITOP_MEMORY_UTILIZATION_THRESHOLDS  th1,th2 (default 10,80)
  NVITOP_NVML_LIBRARY                   path of libnvidia-ml.so.1 when it is not on the loader's path
  LOGLEVEL                              DEBUG prints diagnostics on stderr
  NO_COLOR, FORCE_COLOR, ANSI_COLORS_DISABLED, TERM=dumb
`;
}
