/**
 * The one line a command prints for an error it did not expect (a bug, not bad input): the
 * error's message, and its stack only when `LOGLEVEL=DEBUG` asks for diagnostics.
 *
 * @module
 */

/** Whether `LOGLEVEL=DEBUG` asks for diagnostics on stderr. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return (env.LOGLEVEL ?? '').trim().toUpperCase() === 'DEBUG';
}

/** `error` as one line (its stack instead under `LOGLEVEL=DEBUG`), without a trailing newline. */
export function unexpectedErrorText(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (error instanceof Error) {
    if (debugEnabled(env) && error.stack !== undefined) return error.stack;
    const message = error.message.split('\n', 1)[0] ?? '';
    return message === '' ? error.name : `${error.name === 'Error' ? '' : `${error.name}: `}${message}`;
  }
  return String(error).split('\n', 1)[0] ?? '';
}
