/**
 * nvitop's one-line bar charts: `MEM: ████▍ 34.7%`, eighth blocks for the fraction, `MAX` at
 * 100 %, a `░` fill and `N/A` when the value is unknown, and an optional extra text at the
 * right end (`UPTIME: 3.2 days`, `@ 1980MHz`).
 *
 * @module
 */
import { host, isNA, type Maybe } from '../../core/index.js';
import { gradientColor } from './colors.js';
import { seg } from './line.js';
import type { ColorName, Segment, Style } from './types.js';
import { padEnd } from './text.js';

const EIGHTHS = ' ▏▎▍▌▋▊▉';

/**
 * Options of {@link makeBarChart}.
 *
 * @example
 * ```ts
 * makeBarChart('CPU', 12.5, 40, { float: true, extraText: '  UPTIME: 3.0 days' });
 * ```
 */
export interface BarChartOptions {
  /** Show one decimal (`34.7%`) when it fits; otherwise the value is shown as an integer. */
  readonly float?: boolean;
  /** Text shown at the right end of the bar when it fits (dropped when it does not). */
  readonly extraText?: string;
  /** Show the extra text where the percentage goes (and the percentage at the right end). */
  readonly swapText?: boolean;
  /** Spaces put before the extra text. */
  readonly extraBlank?: string;
}

/**
 * A bar chart exactly `width` columns wide.
 *
 * The bar has `8 × (width − prefix − 6) × percent / 100` eighth-blocks (at least one), then the
 * value: one decimal when `float` is set and it fits, else an integer, `MAX` from 100 %; an
 * unknown value fills the bar with `░` and shows `N/A`.
 *
 * @example
 * ```ts
 * makeBarChart('MEM', 34.7, 20, { float: true }); // 'MEM: ███▉ 34.7%     '
 * makeBarChart('UTL', NA, 12);                    // 'UTL: ░░░ N/A'
 * ```
 */
export function makeBarChart(prefix: string, percent: Maybe<number>, width: number, options: BarChartOptions = {}): string {
  let bar = `${prefix}: `;
  let text: string;
  let extra = options.extraText ?? '';
  const blank = options.extraBlank ?? '';
  const swap = options.swapText === true;
  if (!isNA(percent) && Number.isFinite(percent)) {
    const fraction = Math.max(0, Math.min(percent / 100, 1));
    const units = Math.max(1, host.pyRound(8 * (width - bar.length - 4) * fraction));
    const quotient = Math.floor(units / 8);
    const remainder = units % 8;
    bar += '█'.repeat(quotient);
    if (remainder > 0) bar += EIGHTHS[remainder] as string;
    const decimal = `${percent.toFixed(1)}%`;
    if (options.float === true && `${bar} ${decimal}`.length <= width) text = decimal;
    else {
      const rounded = Math.min(host.pyRound(percent), 100);
      text = rounded === 100 ? 'MAX' : `${rounded}%`;
    }
  } else {
    text = 'N/A';
    if (extra !== '' && !extra.toUpperCase().includes('N/A') && swap && bar.length + extra.length + 2 <= width) {
      text = extra;
      extra = '';
    }
    bar += '░'.repeat(Math.max(0, width - bar.length - text.length - 1));
  }
  if (extra !== '') {
    if (`${bar} ${text} ${blank}${extra}`.length <= width) {
      if (swap) [text, extra] = [extra, text];
      return padEnd(`${bar} ${text}`, width - blank.length - extra.length - 1) + ` ${blank}${extra}`;
    }
    if (`${bar} ${extra}`.length <= width && swap) return padEnd(`${bar} ${extra}`, width);
  }
  return padEnd(`${bar} ${text}`, width);
}

/**
 * Styles a bar made by {@link makeBarChart}: all of it in `color`, or with `colorful` a
 * green → red gradient (256 colours) as nvitop's monitor draws it: block `i` in the colour of
 * `i / n` and the rest of the bar in that of `blocks / n`, where `n` is the number of blocks a
 * full bar has (its width − prefix − 6).
 *
 * @example
 * ```ts
 * styleBar(makeBarChart('MEM', 50, 30), 'yellow', false); // [{ text: 'MEM: …', style: { fg: 'yellow' } }]
 * ```
 */
export function styleBar(bar: string, color: ColorName, colorful: boolean, extra: Style = {}): Segment[] {
  if (!colorful) return [seg(bar, { ...extra, fg: color })];
  const colon = bar.indexOf(': ');
  const start = colon < 0 ? 0 : colon + 2;
  let end = start;
  while (end < bar.length && '█▏▎▍▌▋▊▉'.includes(bar[end] as string)) end += 1;
  const blocks = end - start;
  const full = Math.max(1, bar.length - start - 4);
  const segments: Segment[] = [seg(bar.slice(0, start), { ...extra, fg: gradientColor(blocks / full) })];
  for (let i = 0; i < blocks; i += 1) segments.push(seg(bar[start + i] as string, { ...extra, fg: gradientColor(i / full) }));
  segments.push(seg(bar.slice(end), { ...extra, fg: gradientColor(blocks / full) }));
  return segments.filter((segment) => segment.text.length > 0);
}
