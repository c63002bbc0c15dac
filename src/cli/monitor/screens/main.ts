/**
 * The main screen: the time line, the device panel, the host panel and the process panel, in
 * full or compact forms picked by the display mode (auto: by terminal height, as nvitop does).
 *
 * @module
 */
import type { GpuProcessSnapshot } from '../../../core/index.js';
import type { RenderOptions, StatusData } from '../../render/types.js';
import { Canvas } from '../canvas.js';
import type { MonitorHistories } from '../histories.js';
import type { MonitorMode } from '../options.js';
import type { Line } from '../../render/types.js';
import { devicePanelLines } from '../panels/device.js';
import { drawHostPanel, HOST_COMPACT_HEIGHT, HOST_FULL_HEIGHT } from '../panels/host.js';
import { drawProcessPanel, processPanelHeight, type PanelSelection } from '../panels/process.js';
import type { OrderName } from '../sort.js';

/** Which panels are compact. */
export interface MainLayout {
  /** Device panel in compact form. */
  readonly device: boolean;
  /** Host panel in compact form. */
  readonly host: boolean;
  /** Process panel in compact form. */
  readonly process: boolean;
}

/** Heights the layout choice needs. */
export interface PanelHeights {
  /** Device panel (with the time line), full form. */
  readonly deviceFull: number;
  /** Device panel (with the time line), compact form. */
  readonly deviceCompact: number;
  /** Process panel (with its hint row), full form. */
  readonly processFull: number;
}

/**
 * Pick the panels' forms: `full` and `compact` force all; `auto` makes the device panel compact
 * when everything does not fit, then the host panel, then the process panel (nvitop's rule).
 * `--ascii` always uses the compact host panel (its graphs need Braille characters).
 *
 * @example
 * ```ts
 * chooseLayout('auto', 24, { deviceFull: 13, deviceCompact: 10, processFull: 9 }, false);
 * // { device: true, host: true, process: false }
 * ```
 */
export function chooseLayout(mode: MonitorMode, rows: number, heights: PanelHeights | undefined, ascii: boolean): MainLayout {
  if (mode !== 'auto' || heights === undefined) {
    const compact = mode === 'compact';
    return { device: compact, host: compact || ascii, process: compact };
  }
  const hostFull = ascii ? HOST_COMPACT_HEIGHT : HOST_FULL_HEIGHT;
  const device = rows < heights.deviceFull + hostFull + heights.processFull;
  const host = ascii || rows < heights.deviceCompact + hostFull + heights.processFull;
  const process = rows < heights.deviceCompact + HOST_COMPACT_HEIGHT + heights.processFull;
  return { device, host, process };
}

/** Everything the main screen draws. */
export interface MainContext {
  /** Status data (`undefined` before the first refresh). */
  readonly data: StatusData | undefined;
  /** Processes in display order. */
  readonly processes: readonly GpuProcessSnapshot[];
  /** Terminal rows. */
  readonly rows: number;
  /** Terminal columns (≥ 79). */
  readonly width: number;
  /** Display mode. */
  readonly mode: MonitorMode;
  /** Render options. */
  readonly render: Omit<RenderOptions, 'width'>;
  /** History graphs. */
  readonly histories: MonitorHistories;
  /** Sort order. */
  readonly order: OrderName;
  /** Order reversed. */
  readonly reverse: boolean;
  /** Host columns' horizontal scroll. */
  readonly hostOffset: number;
  /** Selection and tags. */
  readonly selection: PanelSelection;
  /** Signal keys disabled. */
  readonly readonly: boolean;
  /** The time shown on the first line. */
  readonly now: Date;
}

/** The drawn main screen (taller than the terminal when it overflows). */
export interface MainDrawing {
  /** The whole content. */
  readonly canvas: Canvas;
  /** Canvas row → process key. */
  readonly processRows: ReadonlyMap<number, string>;
  /** Canvas row of the selected process. */
  readonly selectedRow: number | undefined;
  /** Canvas row of the process panel's hint line (for status messages). */
  readonly hintRow: number;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `time.strftime('%a %b %d %H:%M:%S %Y')` in local time.
 *
 * @example
 * ```ts
 * formatClock(new Date(2026, 4, 20, 12, 0, 0)); // 'Wed May 20 12:00:00 2026'
 * ```
 */
export function formatClock(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`;
}

/**
 * Draw the main screen.
 *
 * @example
 * ```ts
 * const { canvas } = drawMain(ctx);
 * canvas.rowText(0); // 'Wed May 20 12:00:00 2026 ... (Press h for help or q to quit)'
 * ```
 */
export function drawMain(ctx: MainContext): MainDrawing {
  const { data, width } = ctx;
  const natural = ctx.order === 'natural' && !ctx.reverse;
  const processFull = processPanelHeight({ processes: ctx.processes, separators: natural });
  let deviceLines: Line[] = [];
  let layout: MainLayout;
  if (data === undefined) {
    layout = chooseLayout(ctx.mode, ctx.rows, undefined, ctx.render.ascii);
  } else if (ctx.mode === 'auto') {
    // The full form has one more header row and one more row per GPU than the compact one.
    const compact = devicePanelLines(data, width, true, ctx.render);
    const heights = { deviceCompact: compact.length + 1, deviceFull: compact.length + 1 + data.devices.length + 1, processFull };
    layout = chooseLayout(ctx.mode, ctx.rows, heights, ctx.render.ascii);
    deviceLines = layout.device ? compact : devicePanelLines(data, width, false, ctx.render);
  } else {
    layout = chooseLayout(ctx.mode, ctx.rows, undefined, ctx.render.ascii);
    deviceLines = devicePanelLines(data, width, layout.device, ctx.render);
  }
  const separators = natural && !layout.process;
  const hostHeight = data === undefined ? 0 : layout.host ? HOST_COMPACT_HEIGHT : HOST_FULL_HEIGHT;
  const processHeight = processPanelHeight({ processes: ctx.processes, separators });
  const height = Math.max(ctx.rows, 1 + deviceLines.length + hostHeight + processHeight);
  const canvas = new Canvas(height, width);

  canvas.text(0, 48, '(Press h for help or q to quit)');
  canvas.restyle(0, 55, 1, { fg: 'magenta', bold: true });
  canvas.restyle(0, 69, 1, { fg: 'magenta', bold: true });
  canvas.text(0, 0, formatClock(ctx.now).slice(0, 32));

  deviceLines.forEach((line, i) => canvas.line(1 + i, 0, line));
  let y = 1 + deviceLines.length;
  const selectedKey = ctx.selection.key;
  const selectedDevice = selectedKey === undefined ? undefined : ctx.processes.find((p) => `${p.pid}@${p.deviceIndex}` === selectedKey)?.deviceIndex;
  if (data !== undefined) {
    y = drawHostPanel(canvas, y, { data, width, compact: layout.host, render: ctx.render, histories: ctx.histories, selectedDevice });
  }
  const hintRow = y;
  const panel = drawProcessPanel(canvas, y, {
    data,
    processes: ctx.processes,
    width,
    separators,
    order: ctx.order,
    reverse: ctx.reverse,
    hostOffset: ctx.hostOffset,
    selection: ctx.selection,
    render: ctx.render,
    readonly: ctx.readonly,
  });
  return { canvas, processRows: panel.rows, selectedRow: panel.selectedRow, hintRow };
}
