/**
 * `nvitop -1`: the date, the device panel, the host panel and the process panel, one after the
 * other, at one width.
 *
 * @module
 */
import { asciiLines } from './ascii.js';
import { renderDevicePanel, renderTimeLine } from './device-panel.js';
import { renderHostPanel } from './host-panel.js';
import { seg } from './line.js';
import { hiddenHostInfoHint } from './notes.js';
import { processPanelWidth, renderProcessPanel } from './process-panel.js';
import type { GpuProcessSnapshot } from '../../core/index.js';
import type { ContainerColumn } from '../args.js';
import type { Line, RenderOptions, StatusData } from './types.js';

/**
 * Widest table once mode prints unless a long command needs more (nvitop's cap).
 *
 * @example
 * ```ts
 * onceWidth(8, [], 200) === ONCE_MAX_DEFAULT_WIDTH; // true
 * ```
 */
export const ONCE_MAX_DEFAULT_WIDTH = 140;

/**
 * The width `nvitop -1` prints at, from the terminal's width (79 at least): 79 without
 * devices; otherwise the terminal width up to 140 columns, and beyond 140 only as far as the
 * longest process command needs.
 *
 * @example
 * ```ts
 * onceWidth(8, processes, 79);  // 79
 * onceWidth(8, processes, 120); // 120
 * onceWidth(8, [], 200);        // 140
 * ```
 */
export function onceWidth(
  deviceCount: number,
  processes: readonly GpuProcessSnapshot[],
  terminalWidth: number,
  containerColumn: ContainerColumn = 'off',
): number {
  const terminal = Math.max(79, Math.floor(terminalWidth));
  if (deviceCount === 0) return 79;
  const panels = terminal >= 100 ? terminal : 79;
  const printWidth = Math.min(panels, Math.min(terminal, processPanelWidth(processes, containerColumn)));
  return Math.max(79, printWidth, Math.min(terminal, ONCE_MAX_DEFAULT_WIDTH));
}

/**
 * Everything `nvitop -1` prints on stdout, as styled lines at `options.width` (use
 * {@link onceWidth}): the date, the device panel, the two host lines, a blank line, the process
 * panel, and the hint for hidden host facts when some processes' PIDs are not visible. With
 * `options.ascii`, box and block characters are ASCII.
 *
 * @example
 * ```ts
 * const width = onceWidth(data.devices.length, data.processes, 120);
 * const text = toText(renderOnce(data, { ...options, width }), { color: false });
 * ```
 */
export function renderOnce(data: StatusData, options: RenderOptions): Line[] {
  const lines: Line[] = [
    renderTimeLine(data.timestamp),
    ...renderDevicePanel(data, options),
    ...renderHostPanel(data.host, options),
    [],
    ...renderProcessPanel(data, options),
  ];
  const hint = hiddenHostInfoHint(data.processes);
  if (hint !== null) lines.push([seg('HINT:', { fg: 'green', bold: true }), seg(hint.slice('HINT:'.length))]);
  return options.ascii ? asciiLines(lines) : lines;
}
