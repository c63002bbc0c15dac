/**
 * The `nvitop` command: parses the command line, picks the mode (monitor when stdin and stdout
 * are terminals, else once), gathers the status through the core API and prints the table, the
 * JSON document or runs the monitor. Diagnostics go to stderr; any `ERROR:`/`HINT:` message makes
 * the exit status 1, a usage error 2.
 *
 * Importing this module runs the command (it is the bin's entry: `bin/nvitop.js`). Heavy modules
 * (the core with the NVML binding, the renderers, the monitor) are imported lazily, so `--help`
 * and `--version` never load NVML, and the once path never loads the monitor.
 *
 * @module
 */
import nodeModule from 'node:module';
import { isatty } from 'node:tty';

import { UsageError, helpText, isStream, parseNvitopArgs, resolveMonitorMode, usage, type NvitopArgs } from './args.js';
import { colorMessage, shouldColor, toText } from './ansi.js';
import { DEFAULT_CSV_FIELDS } from './stream/csv-fields.js';
import { packageVersion } from './version.js';
import { debugEnabled, unexpectedErrorText } from './unexpected-error.js';
import type { RenderOptions, StatusData } from './render/types.js';

/**
 * The streams and environment the command runs with (the process's by default).
 *
 * @example
 * ```ts
 * await main({ argv: ['-1'], env: process.env, stdout: process.stdout, stderr: process.stderr, stdinIsTTY: false });
 * ```
 */
export interface CliEnvironment {
  /** Arguments without the node and script paths. */
  readonly argv: readonly string[];
  /** Environment variables. */
  readonly env: NodeJS.ProcessEnv;
  /** Standard output. */
  readonly stdout: NodeJS.WriteStream;
  /** Standard error. */
  readonly stderr: NodeJS.WriteStream;
  /** Whether standard input is a terminal. */
  readonly stdinIsTTY: boolean;
}

/**
 * The terminal width nvitop uses: `COLUMNS` when set to a positive integer, else the terminal's
 * when stdout is one, else 79 (Python's `shutil.get_terminal_size((79, 24))`), never below 79.
 *
 * @example
 * ```ts
 * terminalWidth({ COLUMNS: '120' }, process.stdout); // 120
 * ```
 */
export function terminalWidth(env: NodeJS.ProcessEnv, stdout: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>): number {
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  if (Number.isInteger(columns) && columns > 0) return Math.max(79, columns);
  if (stdout.isTTY === true && Number.isInteger(stdout.columns) && stdout.columns > 0) return Math.max(79, stdout.columns);
  return 79;
}

/**
 * `ERROR: Invalid device index: 9.` or `ERROR: Invalid device indices: [8, 9].`
 *
 * @example
 * ```ts
 * invalidIndicesMessage([8, 9]); // 'ERROR: Invalid device indices: [8, 9].'
 * ```
 */
export function invalidIndicesMessage(indices: readonly number[]): string | null {
  if (indices.length === 0) return null;
  if (indices.length === 1) return `ERROR: Invalid device index: ${indices[0]}.`;
  return `ERROR: Invalid device indices: [${indices.join(', ')}].`;
}


/** `sh` whose parent is `watch`: nvitop's hint to use the monitor instead. */
async function underWatch(): Promise<boolean> {
  try {
    const { HostProcess, isNA } = await import('../core/index.js');
    const parent = HostProcess.get(process.ppid);
    if (parent.name() !== 'sh') return false;
    const grandparent = parent.parent();
    return !isNA(grandparent) && grandparent.name() === 'watch';
  } catch {
    return false;
  }
}

/**
 * Runs `nvitop` and returns its exit status (0 fine, 1 after an `ERROR:`/`HINT:` message or an
 * NVML failure, 2 for a usage error).
 *
 * @example
 * ```ts
 * process.exitCode = await main({ argv: ['-1'], env: process.env, stdout: process.stdout,
 *   stderr: process.stderr, stdinIsTTY: process.stdin.isTTY === true });
 * ```
 */
export async function main(cli: CliEnvironment): Promise<number> {
  let args: NvitopArgs;
  try {
    args = parseNvitopArgs(cli.argv, cli.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    cli.stderr.write(`${usage()}\nnvitop: error: ${error.message}\n`);
    return 2;
  }
  if (args.help) {
    cli.stdout.write(helpText());
    return 0;
  }
  if (args.version) {
    cli.stdout.write(`nvitop ${packageVersion()}\n`);
    return 0;
  }
  const printsData = args.json || args.csv;
  // A stream ends quietly on Ctrl-C or SIGTERM, also one that arrives while it is starting. The
  // handlers stay (not `once`): a signal sent to the process group as well (coreutils `timeout`,
  // a terminal's Ctrl-C with a wrapper) may arrive twice, and the second must not kill it.
  const streamStop = args.csv || isStream(args) ? new AbortController() : null;
  if (streamStop !== null) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => streamStop.abort());
  const color = !printsData && shouldColor({ isTTY: cli.stdout.isTTY === true, forceColor: args.forceColor, env: cli.env });
  const messages: string[] = [];
  const notes: string[] = [];
  const tty = cli.stdinIsTTY && cli.stdout.isTTY === true;
  let monitor = args.monitor !== undefined;
  if (args.once && monitor) {
    messages.push('ERROR: Both --once and --monitor switches are on.');
    monitor = false;
  }
  if (printsData && monitor) {
    messages.push(`ERROR: --${args.json ? 'json' : 'csv'} prints the status to stdout; it cannot be combined with --monitor.`);
    monitor = false;
  }
  if (!args.once && !printsData && !monitor && tty) monitor = true;
  if (monitor && !tty) {
    messages.push('ERROR: You must run monitor mode from a TTY terminal.');
    monitor = false;
  }

  // Loaded together (the once path needs all three; the module graph resolves in parallel).
  // Wall time and CPU time (user + system) of each phase, for LOGLEVEL=DEBUG.
  // (CPU time is read only when it is printed: the first process.cpuUsage() costs milliseconds.)
  const debug = debugEnabled(cli.env);
  const cpuMs = (): number => {
    if (!debug) return 0;
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const marks: Array<[string, number, number]> = [['start', performance.now(), cpuMs()]];
  const mark = (label: string) => marks.push([label, performance.now(), cpuMs()]);
  const [core, gatherModule, once, devicePanel, notesModule] = await Promise.all([
    import('../core/index.js'),
    import('./gather.js'),
    import('./render/once.js'),
    import('./render/device-panel.js'),
    import('./render/notes.js'),
  ]);
  let gather: ReturnType<typeof gatherModule.createGatherer>;
  try {
    mark('imports');
    gather = gatherModule.createGatherer({ ...args, cudaVisibleDevices: cli.env.CUDA_VISIBLE_DEVICES ?? null });
    mark('nvml init');
  } catch (error) {
    if (error instanceof core.NvmlLibraryNotFoundError) {
      cli.stderr.write(`${colorMessage(`ERROR: NVML could not be loaded. ${error.message.replace(/\s+/g, ' ')}`, color)}\n`);
      return 1;
    }
    if (error instanceof core.NvmlError) {
      cli.stderr.write(`${colorMessage(`NVML ERROR: ${error.message.replace(/\s+/g, ' ')}`, color)}\n`);
      return 1;
    }
    throw error;
  }
  if (debugEnabled(cli.env)) cli.stderr.write(`DEBUG: NVML loaded from ${String(core.nvmlLoadedFrom())}\n`);

  const renderBase: Omit<RenderOptions, 'width'> = {
    ascii: args.ascii,
    colorful: args.colorful,
    light: args.light,
    gpuUtilThresholds: args.gpuUtilThresholds,
    memUtilThresholds: args.memUtilThresholds,
  };

  if (monitor) {
    const probe = gather({ detail: 'table', clocks: false });
    if (probe.data.devices.length > 0) {
      // Loaded only here: the once path never pays for the monitor's modules.
      const { runMonitor } = await import('./monitor/index.js');
      const code = await runMonitor({
        ...renderBase,
        mode: resolveMonitorMode(args.monitor, cli.env),
        interval: args.interval ?? 2,
        readonly: args.readonly,
        containers: args.containers,
        gather: (request): StatusData => gather({ detail: 'table', clocks: true, containers: request?.containers ?? 'off' }).data,
      });
      const invalid = invalidIndicesMessage(probe.invalidIndices);
      if (invalid !== null) cli.stderr.write(`${colorMessage(invalid, color)}\n`);
      return invalid === null ? code : 1;
    }
  }

  // --containers: the kubelet's first answer (at most its 2 s deadline) before the first snapshot.
  if (args.containers !== 'off') await core.kubeletPodResources().fetch();

  if (streamStop !== null) {
    // Streams print data as they go: say what is wrong first, exit with its status at the end.
    const stream = await import('./stream/index.js');
    const schedule = { intervalMs: (args.interval ?? 2) * 1000, count: isStream(args) ? args.count : 1, out: cli.stdout, signal: streamStop.signal };
    const { devices, invalidIndices: invalid } = gatherModule.selectDevices({ ...args, cudaVisibleDevices: cli.env.CUDA_VISIBLE_DEVICES ?? null });
    const invalidMessage = invalidIndicesMessage(invalid);
    for (const message of invalidMessage === null ? messages : [...messages, invalidMessage]) cli.stderr.write(`${message}\n`);
    if (args.csv) await stream.streamCsv({ ...schedule, devices, fields: args.query ?? DEFAULT_CSV_FIELDS });
    else await stream.streamJson({ ...schedule, gather: () => gather({ detail: 'full' }) });
    return messages.length > 0 || invalid.length > 0 ? 1 : 0;
  }

  const columns = terminalWidth(cli.env, cli.stdout);
  let invalidIndices: readonly number[];
  if (args.json) {
    const { data, invalidIndices: invalid } = gather({ detail: 'full' });
    invalidIndices = invalid;
    const { renderJson } = await import('./render/json.js');
    cli.stdout.write(renderJson(data, invalid));
  } else {
    const { data, invalidIndices: invalid } = gather({
      detail: 'table',
      clocks: (processes) => devicePanel.shownClocks(once.onceWidth(1, processes, columns, args.containers)),
    });
    invalidIndices = invalid;
    mark('gather');
    const width = once.onceWidth(data.devices.length, data.processes, columns, args.containers);
    // `--colorful` is the monitor's (as in nvitop): printed bars are in one colour each.
    const text = toText(once.renderOnce(data, { ...renderBase, colorful: false, width }), { color, light: args.light });
    mark('render');
    cli.stdout.write(text);
    const note = notesModule.missingFunctionsNote(data.missingFunctions);
    if (note !== null) notes.push(note);
  }
  const invalid = invalidIndicesMessage(invalidIndices);
  if (invalid !== null) messages.push(invalid);
  if (cli.stdout.isTTY !== true && !printsData && (await underWatch())) {
    messages.push('HINT: You are running nvitop under the watch command. Please try nvitop -m directly.');
  }
  if (debugEnabled(cli.env)) {
    const steps = marks.slice(1).map(([label, at, cpu], i) => {
      const [, previousAt, previousCpu] = marks[i] as [string, number, number];
      return `${label} ${(at - previousAt).toFixed(1)} ms (CPU ${(cpu - previousCpu).toFixed(1)} ms)`;
    });
    const [, startAt, startCpu] = marks[0] as [string, number, number];
    cli.stderr.write(`DEBUG: process start to main ${startAt.toFixed(1)} ms (CPU ${startCpu.toFixed(1)} ms); ${steps.join(', ')}\n`);
  }
  for (const message of [...notes, ...messages]) cli.stderr.write(`${colorMessage(message, color)}\n`);
  return messages.length > 0 ? 1 : 0;
}

// Node >= 22.1 can cache the compiled modules on disk (in the OS temp folder): the core and the
// renderers, imported below, then start faster on every later run. A no-op on older Node.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stdinIsTTY: isatty(0) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nvitop: ${unexpectedErrorText(error)}\n`);
    process.exitCode = 1;
  },
);
