/**
 * The host panel's two lines (once mode and the monitor's compact mode):
 * `[ CPU: ▉ 3.1%  UPTIME: 12.3 days ]  ( Load Average:  0.52  0.48  0.50 )` and
 * `[ MEM: ███ 28.9%  USED: 9.37GiB ]  [ SWP: ▏ 0.0% ]`.
 *
 * @module
 */
import { GiB, bytes2human, isNA, timedelta2human, type HostSnapshot } from '../../core/index.js';
import { makeBarChart, styleBar } from './bar-chart.js';
import { seg } from './line.js';
import type { ColorName, Line, RenderOptions, Segment } from './types.js';

/**
 * A load average figure in 5 columns (`%5.2f`, cut to 5 characters; `9999+` from 10000).
 *
 * @example
 * ```ts
 * formatLoad(0.5);    // ' 0.50'
 * formatLoad(123.45); // '123.4'
 * ```
 */
export function formatLoad(value: number): string {
  if (!Number.isFinite(value)) return '  N/A';
  if (value >= 10000) return '9999+';
  return value.toFixed(2).padStart(5).slice(0, 5);
}

/**
 * `Load Average:  0.52  0.48  0.50` (N/A where the system has no load average).
 *
 * @example
 * ```ts
 * loadAverageText([0.52, 0.48, 0.5]); // 'Load Average:  0.52  0.48  0.50'
 * ```
 */
export function loadAverageText(load: HostSnapshot['loadAverage']): string {
  const values = isNA(load) ? [Number.NaN, Number.NaN, Number.NaN] : load;
  return `Load Average: ${values.map(formatLoad).join(' ')}`;
}

/** `[ bar ]` in one bold colour (nvitop draws the host bars without a gradient, even with --colorful). */
function bracketed(bar: string, color: ColorName): Segment[] {
  return [seg('[ ', { fg: color, bold: true }), ...styleBar(bar, color, false, { bold: true }), seg(' ]', { fg: color, bold: true })];
}

/**
 * The host panel's two lines, `options.width` columns wide (79 at least): CPU bar with the
 * uptime and the load averages; memory bar with the used memory, and the swap bar.
 *
 * @example
 * ```ts
 * const [cpuLine, memoryLine] = renderHostPanel(host.takeHostSnapshot(), options);
 * ```
 */
export function renderHostPanel(snapshot: HostSnapshot, options: RenderOptions): Line[] {
  const width = Math.max(79, options.width);
  const load = loadAverageText(snapshot.loadAverage);
  const rightWidth = load.length + 4;
  const leftWidth = width - 2 - rightWidth;
  const uptime = timedelta2human(snapshot.uptime, { round: true });
  const cpu = makeBarChart('CPU', snapshot.cpuPercent, leftWidth - 4, { float: true, extraText: `  UPTIME: ${isNA(uptime) ? 'N/A' : uptime}` });
  const used = bytes2human(snapshot.virtualMemory.used, { minUnit: GiB });
  const memory = makeBarChart('MEM', snapshot.virtualMemory.percent, leftWidth - 4, { float: true, extraText: `  USED: ${isNA(used) ? 'N/A' : used}` });
  const swap = makeBarChart('SWP', snapshot.swapMemory.percent, rightWidth - 4, { float: true });
  return [
    [...bracketed(cpu, 'cyan'), seg('  '), seg(`( ${load} )`, { bold: true })],
    [...bracketed(memory, 'magenta'), seg('  '), ...bracketed(swap, 'blue')],
  ];
}
