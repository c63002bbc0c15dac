/**
 * `nvisel`: parse, select, print (or run a command with the selection).
 *
 * Output as nvitop's nvisel prints it: the identifiers joined by the separator on stdout, ended
 * by a newline (a NUL with `--null`); when stdout is not a terminal, also
 * `CUDA_VISIBLE_DEVICES="a,b"` on stderr. Exit status: 0 success; 1 NVML library not found;
 * 2 bad arguments (argparse's status) or an NVML error; 3 CUDA error from `--inherit`; 4 fewer
 * than `--min-count` devices (stdout still lists those that fit); 5 the lock folder cannot be
 * used (`--lock`); with a command, its status.
 *
 * @module
 */
import {
  CudaError,
  InvalidInputError,
  NvmlError,
  NvmlLibraryNotFoundError,
  host,
} from '../../core/index.js';
import {
  DeviceWaitTimeoutError,
  LockDirectoryError,
  explainShortfall,
  identifiersOf,
  normalizeSelectOptions,
  releaseDeviceLocks,
  runSelection,
  waitForSelection,
  type DeviceCandidate,
  type DeviceLock,
  type SelectDevicesOptions,
  type SelectionCriteria,
  type SelectionDecision,
} from '../../select/index.js';
import { UsageError } from '../args.js';
import { packageVersion } from '../version.js';
import { FLAG_LABELS, parseNviselArgs, type NviselArgs } from './args.js';
import { runCommand, signalExitStatus } from './command.js';
import { NVISEL_HELP, NVISEL_USAGE } from './help.js';

/** Where nvisel writes, and the environment it reads. */
export interface NviselIo {
  /** Standard output. */
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Standard error. */
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Environment (for `--inherit` without a value and the command's environment). */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Exit statuses of nvisel (usage errors and NVML errors share 2; the message tells them apart).
 *
 * @example
 * ```ts
 * if (status === EXIT.notEnough) console.error('not enough GPUs');
 * ```
 */
export const EXIT = { ok: 0, noLibrary: 1, usage: 2, nvml: 2, cuda: 3, notEnough: 4, lockFolder: 5 } as const;

function selectOptions(args: NviselArgs, env: NodeJS.ProcessEnv): SelectDevicesOptions {
  let freeAccounts = args.freeAccounts;
  if (freeAccounts !== null && freeAccounts.length === 0) {
    const user = host.getuser();
    freeAccounts = user === '' ? [] : [user];
  }
  const ownerPid = args.command.length > 0 ? process.pid : (args.lock ?? undefined);
  return {
    format: args.format,
    minCount: args.minCount,
    maxCount: args.maxCount,
    minFreeMemory: args.minFreeMemory,
    minTotalMemory: args.minTotalMemory,
    maxGpuUtilization: args.maxGpuUtilization,
    maxMemoryUtilization: args.maxMemoryUtilization,
    tolerance: args.tolerance,
    freeAccounts,
    sort: args.sort,
    inherit: args.inherit === undefined ? undefined : (args.inherit ?? env.CUDA_VISIBLE_DEVICES ?? true),
    lock: args.lock === undefined ? undefined : { ownerPid },
    includeLost: args.includeLost,
  };
}

/** What a selection gave: the decision, and the timeout message when waiting ran out. */
interface Selection {
  readonly decision: SelectionDecision<DeviceCandidate>;
  readonly identifiers: readonly string[];
  /** Locks taken (none after a timeout: each failed look releases its own). */
  readonly locks: readonly DeviceLock[];
  /** Milliseconds waited when `--wait` ran out of time. */
  readonly waitedMs?: number;
}

/** One selection, or the waiting loop; a timeout comes back as the last look's outcome. */
async function select(args: NviselArgs, options: SelectDevicesOptions, io: NviselIo): Promise<Selection> {
  const wrap = (decision: SelectionDecision<DeviceCandidate>, locks: readonly DeviceLock[], waitedMs?: number): Selection => ({
    decision,
    identifiers: identifiersOf(decision).map(String),
    locks,
    ...(waitedMs === undefined ? {} : { waitedMs }),
  });
  if (args.wait === undefined) {
    const outcome = runSelection(undefined, options);
    return wrap(outcome.decision, outcome.locks);
  }
  let said = '';
  try {
    const outcome = await waitForSelection(undefined, {
      ...options,
      wait: args.wait === true ? true : args.wait / 1000, // the API takes numbers as seconds
      interval: args.interval / 1000,
      labels: FLAG_LABELS,
      onProgress: (progress) => {
        if (progress.message === said) return;
        said = progress.message;
        io.stderr.write(`nvisel: waiting: ${progress.message}\n`);
      },
    });
    return wrap(outcome.decision, outcome.locks);
  } catch (error) {
    if (!(error instanceof DeviceWaitTimeoutError)) throw error;
    return wrap(error.decision as SelectionDecision<DeviceCandidate>, [], error.waitedMs);
  }
}

function failure(error: unknown, io: NviselIo): number {
  if (error instanceof NvmlLibraryNotFoundError) {
    io.stderr.write(`NVML ERROR: ${error.message}\n`);
    return EXIT.noLibrary;
  }
  if (error instanceof NvmlError) {
    io.stderr.write(`NVML ERROR: ${error.message}\n`);
    return EXIT.nvml;
  }
  if (error instanceof LockDirectoryError) {
    io.stderr.write(`nvisel: ${error.message}\n`);
    return EXIT.lockFolder;
  }
  if (error instanceof CudaError) {
    io.stderr.write(`CUDA ERROR: ${error.message.replace(/^CUDA Error: /, '')}\n`);
    return EXIT.cuda;
  }
  if (error instanceof UsageError || error instanceof InvalidInputError) {
    io.stderr.write(`${NVISEL_USAGE}\nnvisel: error: ${error.message}\n`);
    return EXIT.usage;
  }
  throw error;
}

/**
 * Runs nvisel with `argv` (without the node and script paths) and resolves to its exit status.
 *
 * @example
 * ```ts
 * process.exitCode = await runNvisel(['-n', '2', '-f', '8GiB']);
 * ```
 */
export async function runNvisel(argv: readonly string[], io: NviselIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let args: NviselArgs;
  try {
    args = parseNviselArgs(argv);
    if (args.help) {
      io.stdout.write(`${NVISEL_HELP}\n`);
      return EXIT.ok;
    }
    if (args.version) {
      io.stdout.write(`nvisel ${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (args.lock === null && args.command.length === 0) {
      throw new UsageError('--lock needs an owner that outlives nvisel: a PID (--lock $$) or a command (--lock -- COMMAND ...)');
    }
  } catch (error) {
    return failure(error, io);
  }

  let selection: Selection;
  let criteria: SelectionCriteria;
  try {
    const options = selectOptions(args, io.env);
    criteria = normalizeSelectOptions(options);
    selection = await select(args, options, io);
  } catch (error) {
    return failure(error, io);
  }
  const { identifiers } = selection;
  const { waitedMs } = selection;
  const enough = identifiers.length >= args.minCount && waitedMs === undefined;
  const required = waitedMs === undefined ? args.minCount : Math.max(args.minCount, 1);
  const why = (): string =>
    `${waitedMs === undefined ? '' : ` after waiting ${(waitedMs / 1000).toFixed(1)}s`}. ${explainShortfall(selection.decision, criteria, required, FLAG_LABELS)}`;
  const cudaVisibleDevices = `CUDA_VISIBLE_DEVICES="${identifiers.join(',')}"\n`;

  if (!enough) for (const lock of selection.locks) lock.release(); // nothing stays locked on failure
  if (args.command.length > 0) {
    if (!enough) {
      io.stderr.write(`nvisel: Not enough devices found${why()} Not running ${args.command[0]}.\n`);
      return EXIT.notEnough;
    }
    io.stderr.write(cudaVisibleDevices);
    const end = await runCommand(args.command, { ...io.env, CUDA_DEVICE_ORDER: 'PCI_BUS_ID', CUDA_VISIBLE_DEVICES: identifiers.join(',') });
    releaseDeviceLocks();
    if (end.kind === 'error') {
      io.stderr.write(`nvisel: ${end.message}\n`);
      return end.code;
    }
    return end.kind === 'exit' ? end.code : signalExitStatus(end.signal);
  }

  if (io.stdout.isTTY !== true) io.stderr.write(cudaVisibleDevices);
  let status: number = EXIT.ok;
  if (!enough) {
    io.stderr.write(`nvisel: Not enough devices found${why()}\n`);
    status = EXIT.notEnough;
  }
  const result = identifiers.join(args.sep);
  io.stdout.write(args.sep === '\0' ? `${result}\0` : `${result}\n`);
  return status;
}
