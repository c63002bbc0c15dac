/**
 * Runs the command given after `--` with the selected devices in its environment, and reports
 * how it ended. SIGTERM and SIGHUP sent to nvisel are passed on; SIGINT is left to the terminal,
 * which already sends it to the whole foreground process group.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** How the command ended: an exit status, a signal, or a failure to start. */
export type CommandEnd =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'error'; readonly code: number; readonly message: string };

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/**
 * Runs `command` with `env`, stdio inherited, and resolves when it ends.
 *
 * @example
 * ```ts
 * const end = await runCommand(['python3', 'train.py'], { ...process.env, CUDA_VISIBLE_DEVICES: '3' });
 * ```
 */
export function runCommand(command: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandEnd> {
  return new Promise((resolve) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const ignore = (): void => {};
    const detach = (): void => {
      for (const signal of FORWARDED) process.off(signal, forward);
      process.off('SIGINT', ignore);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    process.on('SIGINT', ignore);
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach();
      const code = error.code === 'ENOENT' ? 127 : 126;
      resolve({ kind: 'error', code, message: `${file}: ${error.code === 'ENOENT' ? 'command not found' : error.message}` });
    });
    child.once('exit', (code, signal) => {
      detach();
      resolve(signal !== null ? { kind: 'signal', signal } : { kind: 'exit', code: code ?? 1 });
    });
  });
}

/**
 * The shell's exit status for a command killed by `signal` (128 + its number).
 *
 * @example
 * ```ts
 * signalExitStatus('SIGTERM'); // 143
 * ```
 */
export function signalExitStatus(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
