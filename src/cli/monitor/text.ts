/**
 * Small text helpers of the monitor's panels: padding and cutting to a display width, nvitop's
 * intensity colours, and the ASCII translation of box-drawing and block characters.
 *
 * @module
 */
import { isNA, type Maybe } from '../../core/index.js';
import type { ColorName } from '../render/types.js';
import { cutToWidth, stringWidth } from './width.js';

/**
 * Pad (or cut) to exactly `width` columns, text on the left.
 *
 * @example
 * ```ts
 * padEnd('ab', 4); // 'ab  '
 * ```
 */
export function padEnd(text: string, width: number): string {
  const w = stringWidth(text);
  if (w > width) return cutToWidth(text, width).padEnd(width);
  return text + ' '.repeat(width - w);
}

/**
 * Pad (or cut) to exactly `width` columns, text on the right.
 *
 * @example
 * ```ts
 * padStart('ab', 4); // '  ab'
 * ```
 */
export function padStart(text: string, width: number): string {
  const w = stringWidth(text);
  if (w > width) return cutToWidth(text, width);
  return ' '.repeat(width - w) + text;
}

/**
 * Cut to at most `maxlen` columns, marking the cut with `pad` (nvitop's `cut_string`); with
 * `keepTail` the end of the text is kept instead of the start.
 *
 * @example
 * ```ts
 * cutString('python3 train.py', 10, '..');            // 'python3 ..'
 * cutString('GeForce RTX 4090 Ti SUPER', 12, '..', true); // '..4090 Ti SUPER'.slice(-12)
 * ```
 */
export function cutString(text: string, maxlen: number, pad = '..', keepTail = false): string {
  if (stringWidth(text) <= maxlen) return text;
  if (maxlen <= pad.length) return pad.slice(0, maxlen);
  if (!keepTail) return cutToWidth(text, maxlen - pad.length) + pad;
  const chars = [...text];
  let tail = '';
  while (chars.length > 0 && stringWidth(chars[chars.length - 1] + tail) <= maxlen - pad.length) tail = chars.pop() + tail;
  return pad + tail;
}

/**
 * nvitop's load-intensity colour: green below `th1`, yellow below `th2`, red from `th2`; NA is
 * yellow (moderate).
 *
 * @example
 * ```ts
 * intensityColor(80, [10, 75]); // 'red'
 * intensityColor(NA, [10, 75]); // 'yellow'
 * ```
 */
export function intensityColor(value: Maybe<number>, thresholds: readonly [number, number]): ColorName {
  if (isNA(value) || Number.isNaN(value)) return 'yellow';
  if (value < thresholds[0]) return 'green';
  if (value < thresholds[1]) return 'yellow';
  return 'red';
}

/** Index of the intensity: 0 light, 1 moderate, 2 heavy. */
function intensityLevel(value: Maybe<number>, thresholds: readonly [number, number]): number {
  return ['green', 'yellow', 'red'].indexOf(intensityColor(value, thresholds));
}

/**
 * The colour of a device row: the heavier of its memory and GPU-utilization intensities (MIG
 * devices: memory only); red for a device whose name starts with `ERROR:`.
 *
 * @example
 * ```ts
 * deviceColor({ name: 'A100', memoryPercent: 50, gpuUtilization: 98, isMigDevice: false }, [10, 75], [10, 80]); // 'red'
 * ```
 */
export function deviceColor(
  device: { readonly name: Maybe<string>; readonly memoryPercent: Maybe<number>; readonly gpuUtilization: Maybe<number>; readonly isMigDevice: boolean },
  gpuThresholds: readonly [number, number],
  memThresholds: readonly [number, number],
): ColorName {
  if (!isNA(device.name) && device.name.startsWith('ERROR:')) return 'red';
  const mem = intensityLevel(device.memoryPercent, memThresholds);
  const level = device.isMigDevice ? mem : Math.max(mem, intensityLevel(device.gpuUtilization, gpuThresholds));
  return (['green', 'yellow', 'red'] as const)[level] as ColorName;
}

const ASCII_FROM = '═─╴╒╤╕╪╘╧╛┌┬┐┼└┴┘│╞╡├┤▏▎▍▌▋▊▉█░▲▼␤';
const ASCII_TO = '=--++++++++++++++||||||||||||||^v?';

/**
 * nvitop's ASCII translation (`--ascii`): box drawing to `=-+|`, bar blocks to `|`, arrows to
 * `^v`, Braille graph dots to `=`.
 *
 * @example
 * ```ts
 * toAscii('╒══╕ ▲ ⣿'); // '+==+ ^ ='
 * ```
 */
export function toAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    const i = ASCII_FROM.indexOf(ch);
    if (i >= 0) out += ASCII_TO[i];
    else if (ch >= '\u2801' && ch <= '\u28ff') out += '=';
    else out += ch;
  }
  return out;
}

/**
 * A percentage as nvitop prints it in bars: `'NN.N%'`, `'MAX'` at 100 % or more, `'N/A'`.
 *
 * @example
 * ```ts
 * percentText(34.72); // '34.7%'
 * percentText(100);   // 'MAX'
 * ```
 */
export function percentText(value: Maybe<number>): string {
  if (isNA(value) || Number.isNaN(value)) return 'N/A';
  if (value >= 100) return 'MAX';
  return `${value.toFixed(1)}%`;
}

/**
 * A bar chart `PREFIX: ████▍ 34.7%EXTRA` exactly `width` columns wide (full blocks plus one
 * eighth-block, at least one eighth for a non-zero value; NA fills with `░`).
 *
 * @example
 * ```ts
 * barChart('MEM', 50, 20); // 'MEM: ██████    50.0%'
 * ```
 */
export function barChart(prefix: string, value: Maybe<number>, width: number, extra = ''): string {
  const text = percentText(value);
  const head = `${prefix}: `;
  const barWidth = Math.max(0, width - head.length - text.length - 1 - stringWidth(extra));
  let bar: string;
  if (isNA(value) || Number.isNaN(value)) {
    bar = '░'.repeat(barWidth);
  } else {
    const eighths = Math.max(value > 0 ? 1 : 0, Math.round((Math.min(value, 100) / 100) * barWidth * 8));
    const full = Math.floor(eighths / 8);
    const part = eighths % 8;
    bar = '█'.repeat(full) + (part > 0 ? ' ▏▎▍▌▋▊▉'[part] : '');
    bar = bar.padEnd(barWidth);
  }
  return padEnd(`${head}${bar} ${text}${extra}`, width);
}
