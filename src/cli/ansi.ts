/**
 * Styled lines to text, with or without ANSI SGR colour, and the decision whether to colour at
 * all (nvitop's rules: only when stdout is a TTY unless `--force-color`; `NO_COLOR`,
 * `ANSI_COLORS_DISABLED` and `TERM=dumb` turn it off, `FORCE_COLOR` on).
 *
 * @module
 */
import type { ColorName, Line, Style } from './render/types.js';

/**
 * What decides whether output is coloured.
 *
 * @example
 * ```ts
 * shouldColor({ isTTY: process.stdout.isTTY === true, forceColor: false, env: process.env });
 * ```
 */
export interface ColorContext {
  /** Whether stdout is a terminal. */
  readonly isTTY: boolean;
  /** `--force-color` was given. */
  readonly forceColor: boolean;
  /** The environment (`NO_COLOR`, `FORCE_COLOR`, `ANSI_COLORS_DISABLED`, `TERM`). */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Whether to colour the output. `--force-color` always does (it overrides `NO_COLOR`, as
 * nvitop's `set_color(True)` does); otherwise stdout must be a TTY, and then
 * `ANSI_COLORS_DISABLED` or `NO_COLOR` (set to anything) turn colour off, `FORCE_COLOR` on,
 * and `TERM=dumb` off.
 *
 * @example
 * ```ts
 * shouldColor({ isTTY: true, forceColor: false, env: { NO_COLOR: '1' } }); // false
 * shouldColor({ isTTY: false, forceColor: true, env: {} });                // true
 * ```
 */
export function shouldColor(context: ColorContext): boolean {
  if (context.forceColor) return true;
  if (!context.isTTY) return false;
  const env = context.env;
  if (env.ANSI_COLORS_DISABLED !== undefined) return false;
  if (env.NO_COLOR !== undefined) return false;
  if (env.FORCE_COLOR !== undefined) return true;
  return env.TERM !== 'dumb';
}

const FOREGROUND: Readonly<Record<ColorName, number>> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 97,
  gray: 90,
};

/**
 * Options of {@link toText}.
 *
 * @example
 * ```ts
 * toText(lines, { color: true, light: false });
 * ```
 */
export interface TextOptions {
  /** Emit SGR escape sequences. */
  readonly color: boolean;
  /** Light terminal theme: white text becomes black. */
  readonly light?: boolean;
}

/**
 * The SGR parameters of a style (`'1;31'`), or `''` for the default style.
 *
 * @example
 * ```ts
 * sgrParameters({ fg: 'red', bold: true }); // '1;31'
 * sgrParameters({ fg: 208 });               // '38;5;208'
 * ```
 */
export function sgrParameters(style: Style | undefined, light = false): string {
  if (style === undefined) return '';
  const codes: string[] = [];
  if (style.bold === true) codes.push('1');
  if (style.dim === true) codes.push('2');
  if (style.underline === true) codes.push('4');
  if (style.reverse === true) codes.push('7');
  const colorCode = (color: ColorName | number, base: number): string => {
    if (typeof color === 'number') return `${base === 30 ? 38 : 48};5;${color}`;
    const fg = light && color === 'white' ? FOREGROUND.black : FOREGROUND[color];
    return `${fg - 30 + base}`;
  };
  if (style.fg !== undefined) codes.push(colorCode(style.fg, 30));
  if (style.bg !== undefined) codes.push(colorCode(style.bg, 40));
  return codes.join(';');
}

/**
 * The escape sequences that switch a style on, written as nvitop's termcolor writes them: one
 * `ESC[<n>m` per attribute, then the background, then the foreground (`'\x1b[1m\x1b[36m'`);
 * `''` for the default style.
 *
 * @example
 * ```ts
 * sgrOpen({ fg: 'cyan', bold: true }); // '\x1b[1m\x1b[36m'
 * ```
 */
export function sgrOpen(style: Style | undefined, light = false): string {
  if (style === undefined) return '';
  let out = '';
  if (style.bold === true) out += '\x1b[1m';
  if (style.dim === true) out += '\x1b[2m';
  if (style.underline === true) out += '\x1b[4m';
  if (style.reverse === true) out += '\x1b[7m';
  if (style.bg !== undefined) out += `\x1b[${sgrParameters({ bg: style.bg }, light)}m`;
  if (style.fg !== undefined) out += `\x1b[${sgrParameters({ fg: style.fg }, light)}m`;
  return out;
}

function sameStyle(a: Style | undefined, b: Style | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.underline === b.underline && a.reverse === b.reverse;
}

/**
 * Joins lines into text (each line ended by `\n`). With `options.color`, each run of segments
 * in one style is wrapped in its escape sequences ({@link sgrOpen}) and a reset, as nvitop's
 * `colored()` wraps each text it colours; plain text otherwise.
 *
 * @example
 * ```ts
 * toText([[{ text: 'GPU ' }, { text: '0', style: { fg: 'green' } }]], { color: true });
 * // 'GPU \x1b[32m0\x1b[0m\n'
 * ```
 */
export function toText(lines: readonly Line[], options: TextOptions): string {
  let out = '';
  for (const line of lines) {
    if (!options.color) {
      for (const segment of line) out += segment.text;
      out += '\n';
      continue;
    }
    for (let i = 0; i < line.length; ) {
      const style = line[i]!.style;
      let text = '';
      while (i < line.length && sameStyle(line[i]!.style, style)) text += line[i++]!.text;
      const open = sgrOpen(style, options.light === true);
      out += open === '' ? text : `${open}${text}\x1b[0m`;
    }
    out += '\n';
  }
  return out;
}

/**
 * A diagnostic line with its `ERROR:` (red), `WARNING:` (yellow), `HINT:` (green), `NOTE:`
 * (cyan) or `NVML ERROR:` (red) prefix in bold colour.
 *
 * @example
 * ```ts
 * colorMessage('ERROR: Invalid device index: 9.', true); // '\x1b[1m\x1b[31mERROR:\x1b[0m Invalid device index: 9.'
 * ```
 */
export function colorMessage(message: string, color: boolean): string {
  if (!color) return message;
  const prefixes: ReadonlyArray<[string, ColorName]> = [
    ['NVML ERROR:', 'red'],
    ['ERROR:', 'red'],
    ['WARNING:', 'yellow'],
    ['HINT:', 'green'],
    ['NOTE:', 'cyan'],
  ];
  for (const [prefix, fg] of prefixes) {
    if (message.startsWith(prefix)) return `${sgrOpen({ fg, bold: true })}${prefix}\x1b[0m${message.slice(prefix.length)}`;
  }
  return message;
}
