/**
 * The process panel as the monitor draws it: nvitop's columns, the sort column marked with
 * ▲/▼, separators between physical GPUs (natural order, full form), the selected row in reverse
 * video, tagged rows in yellow, other users' processes dimmed, gone processes' command in red,
 * and the host columns scrolled horizontally by `hostOffset`.
 *
 * @module
 */
import { isNA, type GpuProcessSnapshot, type Maybe } from '../../../core/index.js';
import type { ColorName, RenderOptions, StatusData, Style } from '../../render/types.js';
import type { Canvas } from '../canvas.js';
import { ORDERS, type OrderName } from '../sort.js';
import { cutString, deviceColor, padEnd, padStart } from '../text.js';
import { cutToWidth, stringWidth } from '../width.js';

/** A process's identity on screen: PID and device. */
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
  /** Compact form (no separators between GPUs; also whenever the order is not natural). */
  readonly compact: boolean;
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

const SUPERUSER = 'root';

/**
 * Whether the current user may signal a process (same user, or root).
 *
 * @example
 * ```ts
 * isOwned(snapshot, 'alice');
 * ```
 */
export function isOwned(p: Pick<GpuProcessSnapshot, 'username'>, currentUser: string): boolean {
  return currentUser === SUPERUSER || (!isNA(p.username) && p.username === currentUser);
}

/**
 * Whether the full form separates GPUs (natural order only).
 *
 * @example
 * ```ts
 * usesSeparators(false, 'natural'); // true
 * ```
 */
export function usesSeparators(compact: boolean, order: OrderName): boolean {
  return !compact && order === 'natural';
}

/**
 * Rows the panel takes (including the hint row above it).
 *
 * @example
 * ```ts
 * processPanelHeight(processes, false, 'natural');
 * ```
 */
export function processPanelHeight(processes: readonly GpuProcessSnapshot[], compact: boolean, order: OrderName): number {
  const devices = new Set(processes.map((p) => p.devicePhysicalIndex)).size;
  const separators = usesSeparators(compact, order) ? Math.max(0, devices - 1) : 0;
  return 1 + Math.max(6, 5 + processes.length + separators);
}

function cpuText(value: Maybe<number>): string {
  if (isNA(value)) return 'N/A';
  if (value < 1000) return value.toFixed(1);
  if (value < 10000) return String(Math.trunc(value));
  return '9999+';
}

const typeText = (t: GpuProcessSnapshot['type']): string => (isNA(t) ? 'N/A' : t === 'C+G' ? 'X' : t);
const numText = (v: Maybe<number>): string => (isNA(v) ? 'N/A' : String(Math.round(v)));

/**
 * The host columns of a process (`%CPU %MEM TIME COMMAND`), with TIME right-aligned to
 * `timeWidth`.
 *
 * @example
 * ```ts
 * hostInfo(snapshot, 7); // '  0.3   1.2  1:02:03  python3 train.py'
 * ```
 */
export function hostInfo(p: GpuProcessSnapshot, timeWidth: number): string {
  const time = isNA(p.runningTimeHuman) ? 'N/A' : p.runningTimeHuman;
  const mem = isNA(p.memoryPercent) ? 'N/A' : p.memoryPercent.toFixed(1);
  return `${padStart(cpuText(p.cpuPercent), 5)} ${padStart(mem, 5)}  ${padStart(time, timeWidth)}  ${p.command}`;
}

/**
 * Width of the TIME column (at least 4).
 *
 * @example
 * ```ts
 * timeColumnWidth(processes); // 7 for '1:02:03'
 * ```
 */
export function timeColumnWidth(processes: readonly GpuProcessSnapshot[]): number {
  return Math.max(4, ...processes.map((p) => (isNA(p.runningTimeHuman) ? 3 : p.runningTimeHuman.length)));
}

/**
 * The largest useful horizontal offset: the end of the longest host-info string visible.
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

function sliceColumns(text: string, from: number, width: number): string {
  let skipped = 0;
  let i = 0;
  const chars = [...text];
  while (i < chars.length && skipped < from) {
    skipped += stringWidth(chars[i] as string);
    i += 1;
  }
  return padEnd(cutToWidth(chars.slice(i).join(''), width), width);
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
  const hostWidth = width - 45;
  const offset = Math.max(ctx.hostOffset, 0);
  const timeWidth = timeColumnWidth(processes);
  const rows = new Map<number, string>();
  let selectedRow: number | undefined;

  if (currentUser === SUPERUSER) {
    canvas.text(y, 1, '!CAUTION: SUPERUSER LOGGED-IN.');
    canvas.restyle(y, 1, 1, { fg: 'red', bold: true });
    canvas.restyle(y, 2, 29, { fg: 'yellow' });
  }
  canvas.text(y + 1, 0, `╒${'═'.repeat(width - 2)}╕`);
  canvas.text(y + 2, 0, `│ ${padEnd('Processes:', width - 4)} │`);
  if (data !== undefined) {
    const context = `${currentUser}@${data.hostname}`;
    const x = width - stringWidth(context) - 2;
    canvas.text(y + 2, x, currentUser, { fg: currentUser === SUPERUSER ? 'yellow' : 'magenta', bold: true });
    canvas.text(y + 2, x + stringWidth(currentUser), '@', { bold: true });
    canvas.text(y + 2, x + stringWidth(currentUser) + 1, data.hostname, { fg: 'green', bold: true });
  }
  const hostHeaders = ['%CPU', '%MEM', `${' '.repeat(timeWidth - 4)}TIME`, 'COMMAND'].join('  ');
  const commandStart = hostHeaders.length - 'COMMAND'.length;
  const headerHost = offset < commandStart ? hostHeaders.slice(offset) : 'COMMAND';
  canvas.text(y + 3, 0, `│ GPU     PID      USER  GPU-MEM %SM %GMBW  ${padEnd(headerHost, width - 46)} │`);

  // Sort indicator.
  const order = ORDERS[ctx.order];
  const descending = order.descending !== ctx.reverse;
  const arrow = descending ? '▼' : '▲';
  const mark = (x: number, column: string): void => {
    if (x < 1 || x + column.length + 1 > width - 1) return;
    canvas.text(y + 3, x, column, { bold: true, underline: true });
    canvas.text(y + 3, x + column.length, arrow, { bold: true });
  };
  const hostColumnX = (index: number): number => 43 + index - offset;
  switch (ctx.order) {
    case 'natural':
      if (descending) mark(2, 'ID');
      else canvas.restyle(y + 3, 2, 3, { bold: true });
      break;
    case 'pid': mark(9, 'PID'); break;
    case 'username': mark(18, 'USER'); break;
    case 'gpu_memory': mark(24, 'GPU-MEM'); break;
    case 'sm_utilization': mark(33, 'SM'); break;
    case 'gpu_memory_utilization': mark(37, 'GMBW'); break;
    case 'cpu_percent': if (hostColumnX(0) >= 43) mark(hostColumnX(0), '%CPU'); break;
    case 'memory_percent': if (hostColumnX(6) >= 43) mark(hostColumnX(6), '%MEM'); break;
    case 'time': if (hostColumnX(12 + timeWidth - 4) >= 43) mark(hostColumnX(12 + timeWidth - 4), 'TIME'); break;
  }
  canvas.text(y + 4, 0, `╞${'═'.repeat(width - 2)}╡`);

  let row = y + 5;
  if (processes.length === 0) {
    const message = data === undefined ? ' Gathering process status...' : ' No running processes found ';
    canvas.text(row++, 0, `│ ${padEnd(message, width - 4)} │`);
    canvas.text(row++, 0, `╘${'═'.repeat(width - 2)}╛`);
    return { end: Math.max(row, y + 7), rows, selectedRow };
  }

  const separators = usesSeparators(ctx.compact, ctx.order);
  const colors = new Map<string, ColorName>();
  for (const { device, migDevices } of data?.devices ?? []) {
    for (const d of [device, ...migDevices]) {
      colors.set(d.displayIndex, deviceColor(d, ctx.render.gpuUtilThresholds, ctx.render.memUtilThresholds));
    }
  }
  const selected = processes.find((p) => processKey(p) === ctx.selection.key);
  let previousDevice: number | undefined;
  for (const p of processes) {
    if (separators && previousDevice !== undefined && previousDevice !== p.devicePhysicalIndex) {
      canvas.text(row++, 0, `├${'─'.repeat(width - 2)}┤`);
    }
    previousDevice = p.devicePhysicalIndex;
    const info = hostInfo(p, timeWidth);
    const host = ctx.hostOffset < 0 ? padEnd(cutString(info, hostWidth, '..'), hostWidth) : sliceColumns(info, offset, hostWidth);
    const user = padStart(cutString(isNA(p.username) ? 'N/A' : p.username, 7, '+'), 7);
    const gpuMem = isNA(p.gpuMemoryHuman) ? 'N/A' : p.gpuMemoryHuman;
    const text = `│${padStart(p.deviceIndex, 4)} ${padStart(cutString(String(p.pid), 7, '.'), 7)} ${typeText(p.type)} ${user} ${padStart(gpuMem, 8)} ${padStart(numText(p.gpuSmUtilization), 3)} ${padStart(numText(p.gpuMemoryUtilization), 5)} ${host} │`;
    canvas.text(row, 0, text);
    rows.set(row, processKey(p));
    const key = processKey(p);
    const tagged = ctx.selection.tagged.has(p.pid);
    const owned = isOwned(p, currentUser);
    const commandX = 43 + 15 + timeWidth - offset;
    const special = !p.isRunning ? 'red' : p.command === 'Zombie Process' || p.command === 'No Permissions' ? 'yellow' : undefined;
    if (key === ctx.selection.key) {
      canvas.restyle(row, 1, width - 2, { fg: tagged ? 'yellow' : 'cyan', bold: true, reverse: true }, true);
      selectedRow = row;
    } else {
      if (selected !== undefined && selected.pid === p.pid) canvas.text(row, 1, '=', { bold: true });
      canvas.restyle(row, 1, 4, { fg: colors.get(p.deviceIndex) ?? 'yellow' });
      let style: Style | undefined;
      if (tagged) style = owned ? { fg: 'yellow', bold: true } : { fg: 'yellow', bold: true, dim: true };
      else if (!owned) style = { dim: true };
      if (style !== undefined) canvas.restyle(row, 5, width - 6, style);
      if (special !== undefined && commandX >= 44) canvas.restyle(row, commandX, Math.min(p.command.length, width - 1 - commandX), { fg: special });
    }
    row += 1;
  }
  canvas.text(row++, 0, `╘${'═'.repeat(width - 2)}╛`);

  const canSignal = !ctx.readonly && (ctx.selection.tagged.size > 0 || (selected !== undefined && isOwned(selected, currentUser)));
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
  return { end: row, rows, selectedRow };
}
