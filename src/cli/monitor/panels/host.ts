/**
 * The host panel as the monitor draws it: two bar lines in compact form, or in full form a
 * framed panel with history graphs of the host's CPU, memory and swap and, on terminals at least
 * 100 columns wide, of the devices' (or the selected process's device's) memory and utilization.
 *
 * @module
 */
import { bytes2human, GiB, isNA, type Maybe } from '../../../core/index.js';
import { borderLine, verticalColumns } from '../../render/box.js';
import { intensityColor, loadIntensity } from '../../render/colors.js';
import { loadAverageText, renderHostPanel } from '../../render/host-panel.js';
import type { RenderOptions, StatusData } from '../../render/types.js';
import type { Canvas } from '../canvas.js';
import type { HistoryGraph } from '../history.js';
import { timeLabelColumns } from '../history.js';
import type { MonitorHistories } from '../histories.js';

/**
 * Rows of the full host panel (its top border replaces the device panel's bottom border).
 *
 * @example
 * ```ts
 * const end = deviceEnd + HOST_FULL_HEIGHT;
 * ```
 */
export const HOST_FULL_HEIGHT = 12;
/**
 * Rows of the compact host panel.
 *
 * @example
 * ```ts
 * const end = deviceEnd + HOST_COMPACT_HEIGHT;
 * ```
 */
export const HOST_COMPACT_HEIGHT = 2;

/** What the host panel needs. */
export interface HostPanelContext {
  /** Status data of this refresh. */
  readonly data: StatusData;
  /** Screen width. */
  readonly width: number;
  /** Compact form. */
  readonly compact: boolean;
  /** Render options (thresholds, colorful). */
  readonly render: Omit<RenderOptions, 'width'>;
  /** The graphs. */
  readonly histories: MonitorHistories;
  /** Display index of the selected process's device (its own graphs replace the averages). */
  readonly selectedDevice?: string | undefined;
}

const pct = (v: Maybe<number>): string => (isNA(v) ? 'N/A' : `${v.toFixed(1)}%`);

/**
 * Draw the host panel at row `y` (the full form also redraws row `y - 1` as its top border).
 * Returns the row after it.
 *
 * @example
 * ```ts
 * drawHostPanel(canvas, deviceEnd, { data, width: 120, compact: false, render, histories });
 * ```
 */
export function drawHostPanel(canvas: Canvas, y: number, ctx: HostPanelContext): number {
  const { data, width } = ctx;
  const h = data.host;
  const loadAverage = loadAverageText(h.loadAverage);
  if (ctx.compact) {
    renderHostPanel(h, { ...ctx.render, width }).forEach((line, i) => canvas.line(y + i, 0, line));
    return y + HOST_COMPACT_HEIGHT;
  }

  const wide = width >= 100;
  const rem = width - 79;
  const top = y - 1;
  // The top border joins the vertical lines of the device panel's last row (the table's columns
  // and, with two columns of bars, the line between them) to the host panel's.
  const below = wide ? [0, 78, width - 1] : [0, 78];
  canvas.text(top, 0, borderLine(wide ? width : 79, verticalColumns(canvas.rowText(top - 1)), below, 'double'));
  for (let r = y; r < y + 11; r += 1) {
    canvas.text(r, 0, `│${' '.repeat(77)}│`);
    if (wide) canvas.text(r, width - 1, '│');
  }
  const sepRow = y + 5;
  canvas.text(sepRow, 0, `├${'─'.repeat(77)}┤`);
  if (wide) canvas.text(sepRow, 78, `┼${'─'.repeat(rem - 1)}┤`);
  const labels = (x0: number, graphWidth: number): void => {
    for (const { seconds, column } of timeLabelColumns(graphWidth)) {
      const label = `╴${seconds}s`;
      canvas.text(sepRow, x0 + column - label.length, label);
      canvas.restyle(sepRow, x0 + column - label.length + 1, label.length - 1, { dim: true });
      canvas.text(sepRow, x0 + column, '├');
    }
  };
  labels(1, 77);
  canvas.text(top + 12, 0, `╘${'═'.repeat(77)}╛`);
  if (wide) canvas.text(top + 12, 78, `╧${'═'.repeat(rem - 1)}╛`);

  const drawGraph = (graph: HistoryGraph, row: number, x: number, w: number, color: Parameters<Canvas['text']>[3]): void => {
    graph.render(w).forEach((line, i) => canvas.text(row + i, x, line, color));
  };
  const hs = ctx.histories;
  drawGraph(hs.cpu, y, 1, 77, { fg: 'cyan' });
  drawGraph(hs.memory, y + 6, 1, 77, { fg: 'magenta' });
  drawGraph(hs.swap, y + 10, 1, 77, { fg: 'blue' });
  canvas.text(y, 1, ` ${loadAverage} `);
  canvas.text(y + 1, 1, ` CPU: ${pct(h.cpuPercent)} `);
  canvas.text(y + 9, 1, ` MEM: ${String(bytes2human(h.virtualMemory.used, { minUnit: GiB }))} (${pct(h.virtualMemory.percent)}) `);
  canvas.text(y + 10, 1, ` SWP: ${String(bytes2human(h.swapMemory.used, { minUnit: GiB }))} (${pct(h.swapMemory.percent)}) `);

  if (wide) {
    const graphWidth = Math.max(width - 80, 20);
    labels(79, graphWidth);
    let memGraph = hs.gpuMemory;
    let utilGraph = hs.gpuUtilization;
    let prefix = hs.deviceCount > 1 ? 'AVG GPU' : 'GPU';
    const selected = ctx.selectedDevice;
    if (selected !== undefined && hs.deviceCount > 1) {
      memGraph = hs.deviceMemory.get(selected) ?? memGraph;
      utilGraph = hs.deviceUtilization.get(selected) ?? utilGraph;
      prefix = `GPU ${selected}`;
    }
    drawGraph(memGraph, y, 79, graphWidth, { fg: intensityColor(loadIntensity(memGraph.lastValue, ctx.render.memUtilThresholds)) });
    drawGraph(utilGraph, y + 6, 79, graphWidth, { fg: intensityColor(loadIntensity(utilGraph.lastValue, ctx.render.gpuUtilThresholds)) });
    canvas.text(y, 79, ` ${prefix} MEM: ${pct(memGraph.lastValue)} `);
    canvas.text(y + 10, 79, ` ${prefix} UTL: ${pct(utilGraph.lastValue)} `);
  }
  return top + 13;
}
