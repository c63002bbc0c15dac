/**
 * The process panel of the main screen: the shared renderer's panel (with the selection in
 * reverse video and the host columns scrolled), plus what only the monitor shows: the hint row
 * above it (signal keys, or the superuser caution), the sort column marked with ▲/▼, tagged
 * rows in yellow, `=` on other rows of the selected PID, and which screen row is which process.
 *
 * @module
 */
import { isNA, type GpuProcessSnapshot } from '../../../core/index.js';
import { hostInfo, renderProcessPanel, timeColumnWidth } from '../../render/process-panel.js';
import { stringWidth } from '../../render/text.js';
import type { RenderOptions, StatusData, Style } from '../../render/types.js';
import type { Canvas } from '../canvas.js';
import { ORDERS, type OrderName } from '../sort.js';

/**
 * A process's identity on screen: PID and device.
 *
 * @example
 * ```ts
 * processKey({ pid: 1234, deviceIndex: '0' }); // '1234@0'
 * ```
 */
export function processKey(p: Pick<GpuProcessSnapshot, 'pid' | 'deviceIndex'>): string {
  return `${p.pid}@${p.deviceIndex}`;
}

/** The selection state the panel draws. */
export interface PanelSelection {
  /** {@link processKey} of the selected process. */
  readonly key: string | undefined;
  /** Tagged PIDs. */
  readonly tagged: ReadonlySet<number>;
}

/** What the process panel needs. */
export interface ProcessPanelContext {
  /** Status data of this refresh (`undefined` before the first). */
  readonly data: StatusData | undefined;
  /** The processes in display order. */
  readonly processes: readonly GpuProcessSnapshot[];
  /** Screen width. */
  readonly width: number;
  /** Separate GPUs with lines (natural ascending order, full form). */
  readonly separators: boolean;
  /** Current order. */
  readonly order: OrderName;
  /** Order reversed. */
  readonly reverse: boolean;
  /** Horizontal scroll of the host columns (-1 = not scrolled). */
  readonly hostOffset: number;
  /** Selection and tags. */
  readonly selection: PanelSelection;
  /** Render options. */
  readonly render: Omit<RenderOptions, 'width'>;
  /** Signal keys disabled. */
  readonly readonly: boolean;
}

/** Where things landed. */
export interface ProcessPanelLayout {
  /** The row after the panel. */
  readonly end: number;
  /** Canvas row → process key, for mouse clicks. */
  readonly rows: ReadonlyMap<number, string>;
  /** Canvas row of the selected process. */
  readonly selectedRow: number | undefined;
}

/**
 * Whether the current user may signal a process (same user, or the superuser).
 *
 * @example
 * ```ts
 * isOwned({ username: 'alice' }, 'alice', false); // true
 * ```
 */
export function isOwned(p: Pick<GpuProcessSnapshot, 'username'>, currentUser: string, superuser: boolean): boolean {
  return superuser || (!isNA(p.username) && p.username === currentUser);
}

/**
 * The largest useful horizontal offset: where the longest host columns end.
 *
 * @example
 * ```ts
 * maxHostOffset(processes, 120);
 * ```
 */
export function maxHostOffset(processes: readonly GpuProcessSnapshot[], width: number): number {
  const tw = timeColumnWidth(processes);
  const longest = Math.max(0, ...processes.map((p) => stringWidth(hostInfo(p, tw))));
  return Math.max(-1, longest - width + 45);
}

const EMPTY_DATA_TEXT = ' Gathering process status...';

/**
 * The panel's lines (shared renderer), or the "gathering" box before the first refresh.
 *
 * @example
 * ```ts
 * processPanelLines(ctx).length;
 * ```
 */
function panelLines(ctx: ProcessPanelContext): readonly (readonly { readonly text: string; readonly style?: Style }[])[] {
  const { width, data } = ctx;
  if (data === undefined) {
    return [
      [{ text: `╒${'═'.repeat(width - 2)}╕` }],
      [{ text: `│ ${'Processes:'.padEnd(width - 4)} │` }],
      [{ text: `│ GPU     PID      USER  GPU-MEM %SM %GMBW  ${'%CPU  %MEM  TIME  COMMAND'.padEnd(width - 46)} │` }],
      [{ text: `╞${'═'.repeat(width - 2)}╡` }],
      [{ text: `│ ${EMPTY_DATA_TEXT.padEnd(width - 4)} │` }],
      [{ text: `╘${'═'.repeat(width - 2)}╛` }],
    ];
  }
  const selected = ctx.processes.find((p) => processKey(p) === ctx.selection.key);
  return renderProcessPanel({ ...data, processes: ctx.processes }, { ...ctx.render, width }, {
    selection: selected === undefined ? null : { pid: selected.pid, deviceIndex: selected.deviceIndex },
    scroll: Math.max(0, ctx.hostOffset),
    natural: ctx.separators,
  });
}

/**
 * Rows the panel takes, the hint row included.
 *
 * @example
 * ```ts
 * processPanelHeight(ctx); // 7 with no processes
 * ```
 */
export function processPanelHeight(ctx: Pick<ProcessPanelContext, 'processes' | 'separators'>): number {
  const devices = new Set(ctx.processes.map((p) => p.devicePhysicalIndex)).size;
  const separators = ctx.separators ? Math.max(0, devices - 1) : 0;
  return 1 + Math.max(6, 5 + ctx.processes.length + separators);
}

/**
 * Draw the process panel from row `y` (the hint row); returns where things landed.
 *
 * @example
 * ```ts
 * const layout = drawProcessPanel(canvas, 20, ctx);
 * layout.rows.get(25); // '1234@0'
 * ```
 */
export function drawProcessPanel(canvas: Canvas, y: number, ctx: ProcessPanelContext): ProcessPanelLayout {
  const { width, processes, data } = ctx;
  const currentUser = data?.currentUser ?? '';
  const superuser = data?.superuser === true;
  const offset = Math.max(ctx.hostOffset, 0);
  const lines = panelLines(ctx);
  lines.forEach((line, i) => canvas.line(y + 1 + i, 0, line));
  const rows = new Map<number, string>();
  let selectedRow: number | undefined;

  if (superuser) {
    canvas.text(y, 1, '!CAUTION: SUPERUSER LOGGED-IN.');
    canvas.restyle(y, 1, 1, { fg: 'red', bold: true });
    canvas.restyle(y, 2, 29, { fg: 'yellow' });
  }

  // Sort indicator on the header row.
  const header = y + 3;
  const timeWidth = timeColumnWidth(processes);
  const descending = ORDERS[ctx.order].descending !== ctx.reverse;
  const arrow = descending ? '▼' : '▲';
  const mark = (x: number, column: string): void => {
    if (x < 1 || x + column.length + 1 > width - 1) return;
    canvas.text(header, x, column, { bold: true, underline: true });
    canvas.text(header, x + column.length, arrow, { bold: true });
  };
  const hostColumn = (index: number): void => {
    const x = 43 + index - offset;
    if (x >= 43) mark(x, ORDERS[ctx.order].column);
  };
  switch (ctx.order) {
    case 'natural':
      if (descending) mark(2, 'ID');
      else canvas.restyle(header, 2, 3, { bold: true });
      break;
    case 'pid': mark(9, 'PID'); break;
    case 'username': mark(18, 'USER'); break;
    case 'gpu_memory': mark(24, 'GPU-MEM'); break;
    case 'sm_utilization': mark(33, 'SM'); break;
    case 'gpu_memory_utilization': mark(37, 'GMBW'); break;
    case 'cpu_percent': hostColumn(0); break;
    case 'memory_percent': hostColumn(6); break;
    case 'time': hostColumn(12 + timeWidth - 4); break;
  }

  // Rows: which is which, tags, the '=' of other rows of the selected PID.
  const selected = processes.find((p) => processKey(p) === ctx.selection.key);
  let row = y + 5;
  let previousDevice: number | undefined;
  for (const p of processes) {
    if (ctx.separators && previousDevice !== undefined && previousDevice !== p.devicePhysicalIndex) row += 1;
    previousDevice = p.devicePhysicalIndex;
    const key = processKey(p);
    rows.set(row, key);
    const tagged = ctx.selection.tagged.has(p.pid);
    if (key === ctx.selection.key) {
      selectedRow = row;
      if (tagged) canvas.restyle(row, 1, width - 2, { fg: 'yellow', bold: true, reverse: true }, true);
    } else {
      if (selected !== undefined && selected.pid === p.pid) canvas.text(row, 1, '=', { bold: true });
      if (tagged) {
        const owned = isOwned(p, currentUser, superuser);
        canvas.restyle(row, 5, width - 6, owned ? { fg: 'yellow', bold: true, dim: false } : { fg: 'yellow', bold: true, dim: true });
      }
    }
    row += 1;
  }

  const canSignal = !ctx.readonly && (ctx.selection.tagged.size > 0 || (selected !== undefined && isOwned(selected, currentUser, superuser)));
  if (canSignal) {
    const x = width - 47;
    canvas.text(y, x, '(Press ^C(INT)/T(TERM)/K(KILL) to send signals)');
    canvas.restyle(y, x + 7, 2, { fg: 'magenta', bold: true });
    canvas.restyle(y, x + 10, 3, { fg: 'red', bold: true });
    canvas.restyle(y, x + 15, 1, { fg: 'magenta', bold: true });
    canvas.restyle(y, x + 17, 4, { fg: 'red', bold: true });
    canvas.restyle(y, x + 23, 1, { fg: 'magenta', bold: true });
    canvas.restyle(y, x + 25, 4, { fg: 'red', bold: true });
  }
  return { end: y + 1 + lines.length, rows, selectedRow };
}
