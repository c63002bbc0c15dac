/**
 * Command-line options of `nvitop-exporter`, with nvitop-exporter's flags, aliases, defaults
 * and checks. Parsing is pure: it returns what to do, it never prints or exits.
 *
 * @module
 */

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
}

/** What the command line asks for. */
export type ExporterCliRequest =
  | { readonly action: 'run'; readonly options: ExporterCliOptions }
  | { readonly action: 'help' }
  | { readonly action: 'version' }
  | { readonly action: 'usage-error'; readonly message: string };

/** The smallest `--interval` accepted (nvitop-exporter's 1/4 s). */
export const MIN_INTERVAL = 0.25;

type Dest = 'hostname' | 'bindAddress' | 'port' | 'interval' | 'certfile' | 'keyfile' | 'clientCafile' | 'clientCapath';

interface Flag {
  readonly names: readonly string[];
  readonly dest: Dest | 'help' | 'version' | 'clientAuthRequired';
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
];

const flagLabel = (flag: Flag): string => flag.names.join('/');

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

function parseValue(flag: Flag, raw: string): { value: string | number } | { error: string } {
  const label = flagLabel(flag);
  if (flag.dest === 'port') {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) return { error: `argument ${label}: invalid int value: '${raw}'` };
    const port = Number(raw);
    if (port < 0 || port > 65535) return { error: `argument ${label}: port must be 0-65535, got ${port}` };
    return { value: port };
  }
  if (flag.dest === 'interval') {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value <= 0) return { error: `argument ${label}: invalid positive float value: '${raw}'` };
    return { value };
  }
  return { value: raw };
}

/**
 * Parses `argv` (without `node` and the script): `--name value`, `--name=value`, `-p value` and
 * `-p8000` forms, every alias nvitop-exporter has. Unknown flags, missing values, bad numbers and
 * an interval under 0.25 s are usage errors (argparse's messages).
 *
 * @example
 * ```ts
 * parseExporterArguments(['-p', '9000'], '10.0.0.5');
 * // { action: 'run', options: { hostname: '10.0.0.5', bindAddress: '127.0.0.1', port: 9000, interval: 1, ... } }
 * ```
 */
export function parseExporterArguments(argv: readonly string[], defaultHostname: string): ExporterCliRequest {
  const values: Partial<Record<Dest, string | number>> = {};
  let clientAuthRequired = false;
  const byName = new Map<string, Flag>();
  for (const flag of FLAGS) for (const name of flag.names) byName.set(name, flag);
  const unknown: string[] = [];

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    let flag: Flag | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      flag = byName.get(eq === -1 ? arg : arg.slice(0, eq));
      if (eq !== -1) inline = arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length >= 2) {
      flag = byName.get(arg.slice(0, 2));
      if (arg.length > 2) inline = arg.slice(2).replace(/^=/, '');
    }
    if (flag === undefined) {
      unknown.push(arg);
      continue;
    }
    if (flag.dest === 'help') return { action: 'help' };
    if (flag.dest === 'version') return { action: 'version' };
    if (flag.dest === 'clientAuthRequired') {
      if (inline !== undefined) return { action: 'usage-error', message: `argument ${flagLabel(flag)}: ignored explicit argument '${inline}'` };
      clientAuthRequired = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      // argparse takes a following negative number as a value, but not another flag.
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) {
        return { action: 'usage-error', message: `argument ${flagLabel(flag)}: expected one argument` };
      }
      raw = next;
      i += 1;
    }
    const parsed = parseValue(flag, raw);
    if ('error' in parsed) return { action: 'usage-error', message: parsed.error };
    values[flag.dest] = parsed.value;
  }
  if (unknown.length > 0) return { action: 'usage-error', message: `unrecognized arguments: ${unknown.join(' ')}` };

  const interval = (values.interval as number | undefined) ?? 1.0;
  if (interval < MIN_INTERVAL) {
    return {
      action: 'usage-error',
      message: `the interval ${shortNumber(interval)}s is too short, which may cause performance issues. Expected 1/4 or higher.`,
    };
  }
  const text = (dest: Dest): string | undefined => values[dest] as string | undefined;
  const options: ExporterCliOptions = {
    hostname: text('hostname') ?? defaultHostname,
    bindAddress: text('bindAddress') ?? '127.0.0.1',
    port: (values.port as number | undefined) ?? 8000,
    interval,
    clientAuthRequired,
    ...(text('certfile') === undefined ? {} : { certfile: text('certfile') }),
    ...(text('keyfile') === undefined ? {} : { keyfile: text('keyfile') }),
    ...(text('clientCafile') === undefined ? {} : { clientCafile: text('clientCafile') }),
    ...(text('clientCapath') === undefined ? {} : { clientCapath: text('clientCapath') }),
  };
  return { action: 'run', options };
}
