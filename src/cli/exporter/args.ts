/**
 * Command-line options of `nvitop-exporter`, with nvitop-exporter's flags, aliases, defaults
 * and checks, scanned by the shared option table (argparse's forms: unique-prefix abbreviations
 * such as `--inter 2`, `--name=value`, `-p8000`, `-p=8000`). Parsing is pure: it returns what to
 * do, it never prints or exits.
 *
 * @module
 */
import { OptionTable, UsageError, rejectUnrecognized, type OptionSpec, type RawArgs } from '../argparse.js';

/** The parsed options. */
export interface ExporterCliOptions {
  /** Value of the `hostname` label. */
  readonly hostname: string;
  /** Address to listen on. */
  readonly bindAddress: string;
  /** Port to listen on. */
  readonly port: number;
  /** Seconds between collections (>= 0.25). */
  readonly interval: number;
  /** Server certificate (PEM) for HTTPS. */
  readonly certfile?: string;
  /** Server private key (PEM) for HTTPS. */
  readonly keyfile?: string;
  /** Trusted client CA bundle for mutual TLS. */
  readonly clientCafile?: string;
  /** Directory of trusted client CAs for mutual TLS. */
  readonly clientCapath?: string;
  /** Require a client certificate. */
  readonly clientAuthRequired: boolean;
  /** Add Kubernetes workload labels and `gpu_allocation_info` (`--kubernetes`). */
  readonly kubernetes: boolean;
  /** The kubelet's pod-resources socket (`--kubelet-socket`). */
  readonly podResourcesSocket?: string;
}

/** What the command line asks for. */
export type ExporterCliRequest =
  | { readonly action: 'run'; readonly options: ExporterCliOptions }
  | { readonly action: 'help' }
  | { readonly action: 'version' }
  | { readonly action: 'usage-error'; readonly message: string };

/** The smallest `--interval` accepted (nvitop-exporter's 1/4 s). */
export const MIN_INTERVAL = 0.25;

type Dest = 'hostname' | 'bindAddress' | 'port' | 'interval' | 'certfile' | 'keyfile' | 'clientCafile' | 'clientCapath' | 'podResourcesSocket';
type Key = Dest | 'help' | 'version' | 'clientAuthRequired' | 'kubernetes';

interface Flag {
  readonly names: readonly string[];
  readonly dest: Key;
  readonly metavar?: string;
  readonly help: string;
}

const FLAGS: readonly Flag[] = [
  { names: ['--help', '-h'], dest: 'help', help: 'Show this help message and exit.' },
  { names: ['--version', '-V'], dest: 'version', help: "Show nvitop-exporter's version number and exit." },
  { names: ['--hostname', '--host', '-H'], dest: 'hostname', metavar: 'HOSTNAME', help: 'Hostname to display in the exporter. (default: {hostname})' },
  { names: ['--bind-address', '--bind', '-B'], dest: 'bindAddress', metavar: 'ADDRESS', help: 'Local address to bind to. (default: 127.0.0.1)' },
  { names: ['--port', '-p'], dest: 'port', metavar: 'PORT', help: 'Port to listen on. (default: 8000)' },
  { names: ['--interval'], dest: 'interval', metavar: 'SEC', help: 'Interval between updates in seconds. (default: 1.0)' },
  { names: ['--certfile'], dest: 'certfile', metavar: 'PATH', help: 'Path to the TLS certificate file (PEM).\nEnables HTTPS when set together with `--keyfile`.' },
  { names: ['--keyfile'], dest: 'keyfile', metavar: 'PATH', help: 'Path to the TLS private key file (PEM).\nRequired if `--certfile` is set.' },
  {
    names: ['--client-cafile'],
    dest: 'clientCafile',
    metavar: 'PATH',
    help: 'Path to a PEM bundle of trusted client CA certificates for mutual TLS.\nMust be passed together with `--client-auth-required`.',
  },
  {
    names: ['--client-capath'],
    dest: 'clientCapath',
    metavar: 'PATH',
    help: 'Path to a directory of trusted client CA certificates for mutual TLS.\nMust be passed together with `--client-auth-required`.',
  },
  {
    names: ['--client-auth-required'],
    dest: 'clientAuthRequired',
    help: 'Require clients to present a valid certificate (mutual TLS).\nMust be passed together with `--client-cafile` or `--client-capath`.',
  },
  {
    names: ['--kubernetes'],
    dest: 'kubernetes',
    help: 'Label process series with their `pod`, `namespace` and `container`\n(from cgroups and the kubelet pod-resources API) and export\n`gpu_allocation_info` per GPU and container. (default: off)',
  },
  {
    names: ['--kubelet-socket'],
    dest: 'podResourcesSocket',
    metavar: 'PATH',
    help: "The kubelet's pod-resources socket for `--kubernetes`.\n(default: /var/lib/kubelet/pod-resources/kubelet.sock)",
  },
];

// nvitop-exporter has no option that looks like a negative number: `-p -5` gives -5 to -p.
const TABLE = new OptionTable<Key>(
  FLAGS.map((flag): OptionSpec<Key> => ({ key: flag.dest, names: flag.names, arity: flag.metavar === undefined ? 'flag' : 'one' })),
  { valueStop: 'option-like' },
);

/**
 * The one-line usage summary.
 *
 * @example
 * ```ts
 * exporterUsage(); // 'usage: nvitop-exporter [--help] [--version] [--hostname HOSTNAME] ...'
 * ```
 */
export function exporterUsage(): string {
  const parts = FLAGS.map((flag) => `[${flag.names[0]}${flag.metavar === undefined ? '' : ` ${flag.metavar}`}]`);
  return `usage: nvitop-exporter ${parts.join(' ')}`;
}

/**
 * The `--help` text; `defaultHostname` fills the hostname default.
 *
 * @example
 * ```ts
 * console.log(exporterHelp('192.168.1.23'));
 * ```
 */
export function exporterHelp(defaultHostname: string): string {
  const lines = [exporterUsage(), '', 'Prometheus exporter built on top of `nvitop`.', '', 'options:'];
  for (const flag of FLAGS) {
    const head = `  ${flag.names.map((name) => (flag.metavar === undefined ? name : `${name} ${flag.metavar}`)).join(', ')}`;
    const help = flag.help.replace('{hostname}', defaultHostname).split('\n');
    if (head.length <= 30) {
      lines.push(`${head.padEnd(32)}${help[0] ?? ''}`);
    } else {
      lines.push(head, `${' '.repeat(32)}${help[0] ?? ''}`);
    }
    for (const more of help.slice(1)) lines.push(`${' '.repeat(32)}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Formats like Python's `'{:0.2g}'` for the interval error message. */
function shortNumber(value: number): string {
  const text = value.toPrecision(2);
  return String(Number(text));
}

function parseValue(dest: Dest, raw: string): string | number {
  const label = TABLE.label(dest);
  if (dest === 'port') {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw new UsageError(`argument ${label}: invalid int value: '${raw}'`);
    const port = Number(raw);
    if (port < 0 || port > 65535) throw new UsageError(`argument ${label}: port must be 0-65535, got ${port}`);
    return port;
  }
  if (dest === 'interval') {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`argument ${label}: invalid positive float value: '${raw}'`);
    return value;
  }
  return raw;
}

/** `--help`/`--version` that argparse reaches before the token that fails the scan. */
function earlyExit(argv: readonly string[]): ExporterCliRequest | undefined {
  for (let end = 1; end < argv.length; end += 1) {
    try {
      const values = TABLE.scan(argv.slice(0, end)).values;
      if (values.has('help')) return { action: 'help' };
      if (values.has('version')) return { action: 'version' };
    } catch {
      // A value cut off by the slice: look further.
    }
  }
  return undefined;
}

function parse(argv: readonly string[], defaultHostname: string): ExporterCliRequest {
  let raw: RawArgs<Key>;
  try {
    raw = TABLE.scan(argv);
  } catch (error) {
    const early = error instanceof UsageError ? earlyExit(argv) : undefined;
    if (early !== undefined) return early;
    throw error;
  }
  if (raw.values.has('help')) return { action: 'help' };
  if (raw.values.has('version')) return { action: 'version' };
  rejectUnrecognized([...raw.unrecognized, ...raw.rest]);
  const values: Partial<Record<Dest, string | number>> = {};
  for (const [key, value] of raw.values) {
    if (key === 'help' || key === 'version' || key === 'clientAuthRequired' || key === 'kubernetes' || !Array.isArray(value)) continue;
    values[key] = parseValue(key, value[0] as string);
  }
  const interval = (values.interval as number | undefined) ?? 1.0;
  if (interval < MIN_INTERVAL) {
    throw new UsageError(`the interval ${shortNumber(interval)}s is too short, which may cause performance issues. Expected 1/4 or higher.`);
  }
  const text = (dest: Dest): string | undefined => values[dest] as string | undefined;
  const options: ExporterCliOptions = {
    hostname: text('hostname') ?? defaultHostname,
    bindAddress: text('bindAddress') ?? '127.0.0.1',
    port: (values.port as number | undefined) ?? 8000,
    interval,
    clientAuthRequired: raw.values.get('clientAuthRequired') === true,
    kubernetes: raw.values.get('kubernetes') === true,
    ...(text('podResourcesSocket') === undefined ? {} : { podResourcesSocket: text('podResourcesSocket') }),
    ...(text('certfile') === undefined ? {} : { certfile: text('certfile') }),
    ...(text('keyfile') === undefined ? {} : { keyfile: text('keyfile') }),
    ...(text('clientCafile') === undefined ? {} : { clientCafile: text('clientCafile') }),
    ...(text('clientCapath') === undefined ? {} : { clientCapath: text('clientCapath') }),
  };
  return { action: 'run', options };
}

/**
 * Parses `argv` (without `node` and the script) with argparse's rules: every alias
 * nvitop-exporter has, unique-prefix abbreviations (`--inter 2`, `--bind=0.0.0.0`), `-p 8000`,
 * `-p8000` and `-p=8000`. Unknown flags, ambiguous abbreviations, missing values, bad numbers and
 * an interval under 0.25 s are usage errors (argparse's messages).
 *
 * @example
 * ```ts
 * parseExporterArguments(['--inter', '2', '-p', '9000'], '10.0.0.5');
 * // { action: 'run', options: { hostname: '10.0.0.5', bindAddress: '127.0.0.1', port: 9000, interval: 2, ... } }
 * ```
 */
export function parseExporterArguments(argv: readonly string[], defaultHostname: string): ExporterCliRequest {
  try {
    return parse(argv, defaultHostname);
  } catch (error) {
    if (error instanceof UsageError) return { action: 'usage-error', message: error.message };
    throw error;
  }
}
