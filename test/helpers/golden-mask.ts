/**
 * Masks the run-dependent parts of nvitop's screens, so that real nvitop 1.7.0's printed output
 * (test/cli/golden/nvitop-1.7.0) and ours can be compared line for line. What is masked is what
 * the golden files' README lists as run-dependent, and nothing else:
 *
 * - the clock line's date and time;
 * - the host panel: the CPU/MEM/SWP bars with their texts (uptime, used memory) and the load
 *   averages of the two-line form, the history graphs (Braille) and the figures written over them
 *   (load average, CPU, MEM, SWP) in the monitor's full form;
 * - each process's PID, %CPU, %MEM and TIME, and the user (the user name of the machine that runs
 *   the test: the panel title's `user@host`, the USER column);
 * - the version number in `NVITOP x.y.z` (ours is nvitop-node's; the line's layout is kept).
 *
 * Each masked part becomes `#`s of the same width (or, where a value's width depends on the run, a
 * fixed form that keeps the columns of everything around it), so widths, alignment and borders
 * are still compared. Written independently of src/: every character these screens use is one
 * column wide.
 */

const DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \d{4}/;
const BRAILLE = /[\u2800-\u28ff]/g;
const VERTICAL = '[│|]';

function hashes(text: string): string {
  return '#'.repeat([...text].length);
}

/** Replaces `value` and the blanks after it by `#`s (a figure whose width varies with the run). */
function maskFigure(line: string, pattern: RegExp): string {
  return line.replace(pattern, (_match: string, label: string, value: string) => `${label}${hashes(value)}`);
}

/** The two-line host panel (once mode, the monitor's compact form). */
function maskHostBars(line: string): string {
  let m = /^\[ CPU: (.*) \]  \( Load Average: (.*) \)$/.exec(line);
  if (m) return `[ CPU: ${hashes(m[1]!)} ]  ( Load Average: ${hashes(m[2]!)} )`;
  m = /^\[ MEM: (.*) \]  \[ SWP: (.*) \]$/.exec(line);
  if (m) return `[ MEM: ${hashes(m[1]!)} ]  [ SWP: ${hashes(m[2]!)} ]`;
  return line;
}

/** The full host panel's rows (monitor): graphs blanked, the figures over them masked. */
function maskHostGraphs(line: string): string {
  if (!/^[│├]/.test(line)) return line;
  let out = line.replace(BRAILLE, ' ');
  out = maskFigure(out, /(Load Average: )(.{5} .{5} .{5} *)/);
  out = maskFigure(out, /(│ CPU: )([\d.]+% *)/);
  out = maskFigure(out, /(│ MEM: )([\d.]+[KMGTP]?i?B \([\d.]+%\) *)/);
  out = maskFigure(out, /(│ SWP: )([\d.]+[KMGTP]?i?B \([\d.]+%\) *)/);
  return out;
}

/** `│ Processes:   user@host │`: the user context (run-dependent) becomes a fixed token. */
function maskUserContext(line: string): string {
  const m = new RegExp(`^(${VERTICAL}) Processes:( +)(\\S+@\\S+) (${VERTICAL})$`).exec(line);
  if (!m) return line;
  const width = [...line].length;
  return `${m[1]} ${'Processes:'.padEnd(width - 4 - 'USER@HOST'.length)}USER@HOST ${m[4]}`;
}

/**
 * A process row `│ GPU     PID T    USER  GPU-MEM %SM %GMBW  %CPU  %MEM  TIME  COMMAND │`:
 * nvitop's fixed columns put the PID at 6–12, the user at 16–22, %CPU at 43–47, %MEM at 49–53
 * and the running time from 56 on.
 */
function maskProcessRow(line: string): string {
  const chars = [...line];
  if (!new RegExp(`^${VERTICAL}[ \\d:]{4} [ \\d.]{7} [CGX] `).test(line) || chars.length < 60) return line;
  const mask = (from: number, to: number): void => {
    for (let i = from; i <= to && i < chars.length; i += 1) chars[i] = '#';
  };
  mask(6, 12);
  mask(16, 22);
  mask(43, 47);
  mask(49, 53);
  let end = 56;
  while (end < chars.length && chars[end] === ' ') end += 1;
  while (end < chars.length && chars[end] !== ' ' && !/[│|]/.test(chars[end]!)) end += 1;
  mask(56, end - 1);
  return chars.join('');
}

/** Options of {@link maskRunDependent}. */
export interface MaskOptions {
  /**
   * Whether the screen was made by the superuser. When the run being compared is not, the
   * monitor's `!CAUTION: SUPERUSER LOGGED-IN.` line of the golden (made as root) is blanked.
   */
  readonly superuser?: boolean;
}

/**
 * The screen (one string per row, trailing blanks dropped) with its run-dependent parts masked.
 *
 * @example
 * ```ts
 * expect(maskRunDependent(ours)).toEqual(maskRunDependent(golden));
 * ```
 */
export function maskRunDependent(lines: readonly string[], options: MaskOptions = {}): string[] {
  return lines.map((raw) => {
    let line = raw.trimEnd();
    if (DATE.test(line)) line = line.replace(DATE, (date) => hashes(date));
    line = line.replace(/(NVITOP )(\S+)(?= .*Driver Version:)/, (_m, label: string, version: string) => `${label}${hashes(version)}`);
    line = maskHostBars(line);
    line = maskHostGraphs(line);
    line = maskUserContext(line);
    line = maskProcessRow(line);
    if (options.superuser === false && line === ' !CAUTION: SUPERUSER LOGGED-IN.') line = '';
    return line.trimEnd();
  });
}
