/**
 * Styles ({@link Style} of the shared renderer vocabulary) as SGR escape sequences.
 *
 * @module
 */
import type { ColorName, Style } from '../render/types.js';

const COLOR_CODES: Readonly<Record<ColorName, number>> = {
  black: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
  gray: 8,
};

/** How the monitor turns styles into escape codes. */
export interface SgrOptions {
  /** Light terminal theme: reverse video on a coloured foreground gets a black background. */
  readonly light: boolean;
  /** No colours at all (`NO_COLOR`, `TERM=dumb`): attributes only. */
  readonly noColor: boolean;
}

function colorParam(color: ColorName | number, background: boolean): string {
  const code = typeof color === 'number' ? color : COLOR_CODES[color];
  if (code < 8) return String((background ? 40 : 30) + code);
  if (code < 16) return String((background ? 100 : 90) + code - 8);
  return `${background ? 48 : 38};5;${code}`;
}

const keys = new WeakMap<Style, string>();

/**
 * A stable key for a style: two segments with equal keys look the same on screen (cached per
 * style object).
 *
 * @example
 * ```ts
 * styleKey({ fg: 'red', bold: true }) === styleKey({ bold: true, fg: 'red' }); // true
 * ```
 */
export function styleKey(style: Style | undefined): string {
  if (style === undefined) return '';
  let key = keys.get(style);
  if (key === undefined) {
    key = computeKey(style);
    keys.set(style, key);
  }
  return key;
}

function computeKey(style: Style): string {
  return [
    style.fg ?? '',
    style.bg ?? '',
    style.bold === true ? 'b' : '',
    style.dim === true ? 'd' : '',
    style.underline === true ? 'u' : '',
    style.reverse === true ? 'r' : '',
  ].join(',');
}

/**
 * The SGR sequence that sets exactly `style` (it starts with a reset, so the previous style
 * never leaks into the next run).
 *
 * @example
 * ```ts
 * sgr({ fg: 'red', bold: true }, { light: false, noColor: false }); // '\x1b[0;1;31m'
 * sgr(undefined, { light: false, noColor: false });                 // '\x1b[0m'
 * ```
 */
export function sgr(style: Style | undefined, options: SgrOptions): string {
  const params = ['0'];
  if (style !== undefined) {
    if (style.bold === true) params.push('1');
    if (style.dim === true) params.push('2');
    if (style.underline === true) params.push('4');
    if (style.reverse === true) params.push('7');
    if (!options.noColor) {
      if (style.fg !== undefined) params.push(colorParam(style.fg, false));
      let bg = style.bg;
      if (bg === undefined && options.light && style.reverse === true && style.fg !== undefined && style.fg !== 'black') {
        bg = 'black';
      }
      if (bg !== undefined) params.push(colorParam(bg, true));
    }
  }
  return `\x1b[${params.join(';')}m`;
}
