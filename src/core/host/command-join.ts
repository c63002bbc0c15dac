/**
 * Shell-quoting of command lines the way nvitop shows them (`nvitop/api/process.py`,
 * `add_quotes` and `command_join`).
 *
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Which shell's quoting `quoteArgument` (and so {@link commandJoin}) follows. */
export type QuoteStyle = 'posix' | 'windows';

const DEFAULT_STYLE: QuoteStyle = process.platform === 'win32' ? 'windows' : 'posix';

function quotePosix(s: string): string {
  if (s === '') return '""';
  if (!s.includes('$') && !s.includes('\\') && !s.includes('\n')) {
    if (!s.includes(' ')) return s;
    if (!s.includes('"')) return `"${s}"`;
  }
  if (!s.includes("'") && !s.includes('\n')) return `'${s}'`;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

function quoteWindows(s: string): string {
  if (s === '') return '""';
  if (!s.includes('%') && !s.includes('^') && !s.includes('\n')) {
    if (!s.includes(' ')) return s;
    if (!s.includes('"')) return `"${s}"`;
  }
  return `"${s.replace(/\^/g, '^^').replace(/"/g, '^"').replace(/%/g, '^%').replace(/\n/g, '\\n')}"`;
}

/**
 * Quotes one argument for display, as nvitop does. POSIX rules, in order: `''` → `""`; no
 * `$`, `\` or newline and no space → as is; no `$`, `\`, newline and no `"` → `"…"`; no `'` and
 * no newline → `'…'`; otherwise `"…"` with `\`, `"`, `$` backslash-escaped and newlines written
 * as `\n`. Windows escapes `^`, `"` and `%` with `^` instead.
 *
 * @param style - `'posix'` or `'windows'`; defaults to the running platform's.
 *
 * @example
 * ```ts
 * quoteArgument('a b');          // '"a b"'
 * quoteArgument('$HOME');        // "'$HOME'"
 * quoteArgument(`it's $1`);      // '"it\'s \\$1"'
 * ```
 */
export function quoteArgument(s: string, style: QuoteStyle = DEFAULT_STYLE): string {
  return style === 'windows' ? quoteWindows(s) : quotePosix(s);
}

function isAbsoluteExistingFile(p: string): boolean {
  if (!path.isAbsolute(p)) return false;
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

/**
 * Joins a command line into one shell-escaped string (nvitop's `command_join`). A single
 * argument is returned unchanged unless it is the absolute path of an existing file: a process
 * that rewrote its title with `setproctitle` has one "argument" holding the whole title, which
 * must not be quoted.
 *
 * @example
 * ```ts
 * commandJoin(['python3', '-c', 'import os; print(1)']); // 'python3 -c "import os; print(1)"'
 * commandJoin(['ray::Worker idle']);                    // 'ray::Worker idle'
 * commandJoin(['/usr/bin/my tool']);                    // '"/usr/bin/my tool"' if that file exists
 * ```
 */
export function commandJoin(cmdline: readonly string[], style: QuoteStyle = DEFAULT_STYLE): string {
  if (cmdline.length === 1 && !isAbsoluteExistingFile(cmdline[0] as string)) return cmdline[0] as string;
  return cmdline.map((arg) => quoteArgument(arg, style)).join(' ');
}
