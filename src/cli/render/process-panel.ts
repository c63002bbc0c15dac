/**
 * The process panel: `GPU PID USER GPU-MEM %SM %GMBW %CPU %MEM TIME COMMAND` for every GPU
 * process, grouped by GPU, other users' processes dimmed.
 *
 * @module
 */
import { host, isNA, utilization2string, type DeviceSnapshot, type GpuProcessSnapshot, type Maybe, type ProcessContainer } from '../../core/index.js';
import type { ContainerColumn } from '../args.js';
import { deviceColor } from './colors.js';
import { seg } from './line.js';
import { cutString, dropColumns, fitColumns, padEnd, padStart, stringWidth } from './text.js';
import type { ColorName, Line, RenderOptions, Segment, StatusData, Style } from './types.js';

/**
 * A process row: PID on a device (a process on two GPUs has two rows).
 *
 * @example
 * ```ts
 * const selection: ProcessSelection = { pid: 1234, deviceIndex: '0:1' };
 * ```
 */
export interface ProcessSelection {
  /** The process id. */
  readonly pid: number;
  /** The device's display index (`'0'` or `'0:1'`). */
  readonly deviceIndex: string;
}

/**
 * Options of {@link renderProcessPanel}.
 *
 * @example
 * ```ts
 * renderProcessPanel(data, options, { selection: { pid: 1234, deviceIndex: '0' }, scroll: 4 });
 * ```
 */
export interface ProcessPanelOptions {
  /** The selected process (the monitor's cursor): its row is shown in reverse video. */
  readonly selection?: ProcessSelection | null;
  /** Horizontal scroll of the host columns (`%CPU … COMMAND`), in columns. Default 0. */
  readonly scroll?: number;
  /**
   * Sort in nvitop's natural order (device, gone last, user, PID) and separate GPUs with a
   * line. Default true; a caller that sorts by another column passes false.
   */
  readonly natural?: boolean;
}

/**
 * `%CPU` as nvitop shows it: one decimal below 1000, an integer below 10000, else `9999+`.
 *
 * @example
 * ```ts
 * cpuPercentText(12.34); // '12.3'
 * cpuPercentText(1234);  // '1234'
 * ```
 */
export function cpuPercentText(value: Maybe<number>): string {
  if (isNA(value) || !Number.isFinite(value)) return 'N/A';
  if (value < 1000) return host.pyRound(value, 1).toFixed(1);
  if (value < 10000) return `${Math.trunc(value)}`;
  return '9999+';
}

/**
 * `%MEM`: one decimal.
 *
 * @example
 * ```ts
 * memoryPercentText(0.25); // '0.2' (Python rounds ties to even)
 * ```
 */
export function memoryPercentText(value: Maybe<number>): string {
  if (isNA(value) || !Number.isFinite(value)) return 'N/A';
  return host.pyRound(value, 1).toFixed(1);
}

/**
 * How a process's command is special: gone, a zombie, not readable, or normal.
 *
 * @example
 * ```ts
 * const state: CommandState = commandState(snapshot); // 'normal'
 * ```
 */
export type CommandState = 'gone' | 'zombie' | 'no-permissions' | 'hidden' | 'normal';

/**
 * The state of a process's command (nvitop colours zombie and no-permission commands yellow and
 * gone ones red).
 *
 * @example
 * ```ts
 * commandState({ ...snapshot, cmdline: ['Zombie Process'] }); // 'zombie'
 * ```
 */
export function commandState(process: GpuProcessSnapshot): CommandState {
  if (process.hostInfoHidden) return 'hidden';
  const only = process.cmdline.length === 1 ? process.cmdline[0] : undefined;
  if (only === 'Zombie Process') return 'zombie';
  if (only === 'No Permissions') return 'no-permissions';
  if (only === 'No Such Process' && !process.isRunning) return 'gone';
  return 'normal';
}

/** The command shown for a process (hidden host facts show N/A rather than 'No Such Process'). */
function commandText(process: GpuProcessSnapshot): string {
  return commandState(process) === 'hidden' ? 'N/A' : process.command;
}

/**
 * The width of the TIME column: the longest running time shown, at least 4 (`TIME`).
 *
 * @example
 * ```ts
 * timeColumnWidth(processes); // 7 when one process shows '1:02:03'
 * ```
 */
export function timeColumnWidth(processes: readonly GpuProcessSnapshot[]): number {
  let width = 4;
  for (const process of processes) width = Math.max(width, stringWidth(String(process.runningTimeHuman)));
  return width;
}

/**
 * A process's container cell (`--containers`): `<namespace>/<pod>/<container>`, `pod <uid>/<id>`,
 * `docker:<id>`, `slurm job <id>`, `-` outside any, `N/A` when its cgroup cannot be read.
 *
 * @example
 * ```ts
 * containerText(snapshot); // 'ml/train-0/trainer'
 * ```
 */
export function containerText(process: GpuProcessSnapshot): string {
  return isNA(process.container) ? 'N/A' : (process.container as ProcessContainer).label;
}

/**
 * The width of the CONTAINER column: the longest container cell, at least 9 (`CONTAINER`).
 *
 * @example
 * ```ts
 * containerColumnWidth(processes); // 18 when one shows 'ml/train-0/trainer'
 * ```
 */
export function containerColumnWidth(processes: readonly GpuProcessSnapshot[]): number {
  let width = 9;
  for (const process of processes) width = Math.max(width, stringWidth(containerText(process)));
  return width;
}

/**
 * The last header of the process table: `COMMAND`, or with `--containers` `CONTAINER  COMMAND`
 * (beside) or `CONTAINER` (instead).
 *
 * @example
 * ```ts
 * commandHeader('beside', 18); // 'CONTAINER           COMMAND'
 * ```
 */
export function commandHeader(column: ContainerColumn = 'off', containerWidth = 9): string {
  if (column === 'off') return 'COMMAND';
  return column === 'instead' ? 'CONTAINER' : `${padEnd('CONTAINER', containerWidth)}  COMMAND`;
}

/**
 * The host columns of a process: `%CPU %MEM  TIME  COMMAND`, uncut; with a container column
 * (`'beside'`, padded to `containerWidth`) or the container instead of the command.
 *
 * @example
 * ```ts
 * hostInfo(snapshot, 4); // ' 12.3   0.5  1:02  python train.py'
 * hostInfo(snapshot, 4, 'beside', 18); // ' 12.3   0.5  1:02  ml/train-0/trainer  python train.py'
 * ```
 */
export function hostInfo(process: GpuProcessSnapshot, timeWidth: number, column: ContainerColumn = 'off', containerWidth = 9): string {
  const time = padStart(String(process.runningTimeHuman), timeWidth);
  const tail =
    column === 'off'
      ? commandText(process)
      : column === 'instead'
        ? containerText(process)
        : `${padEnd(containerText(process), containerWidth)}  ${commandText(process)}`;
  return `${padStart(cpuPercentText(process.cpuPercent), 5)} ${padStart(memoryPercentText(process.memoryPercent), 5)}  ${time}  ${tail}`;
}

/** NVML index parts of a process's device: physical index and MIG index (-1 for none). */
function deviceOrder(process: GpuProcessSnapshot): [number, number] {
  const mig = process.deviceIndex.split(':')[1];
  return [process.devicePhysicalIndex, mig === undefined ? -1 : Number(mig)];
}

/**
 * Processes in nvitop's natural order: by device (a GPU before its MIG devices), processes
 * that are gone last, then user name, then PID.
 *
 * @example
 * ```ts
 * sortNatural(data.processes).map((p) => p.pid);
 * ```
 */
export function sortNatural(processes: readonly GpuProcessSnapshot[]): GpuProcessSnapshot[] {
  return [...processes].sort((a, b) => {
    const [ap, am] = deviceOrder(a);
    const [bp, bm] = deviceOrder(b);
    if (ap !== bp) return ap - bp;
    if (am !== bm) return am - bm;
    const ag = commandState(a) === 'gone' ? 1 : 0;
    const bg = commandState(b) === 'gone' ? 1 : 0;
    if (ag !== bg) return ag - bg;
    const au = String(a.username);
    const bu = String(b.username);
    if (au !== bu) return au < bu ? -1 : 1;
    return a.pid - b.pid;
  });
}

/**
 * The width once mode wants for the process panel: 45 columns plus the longest host columns
 * (79 when there are no processes).
 *
 * @example
 * ```ts
 * processPanelWidth(data.processes); // 96
 * ```
 */
export function processPanelWidth(processes: readonly GpuProcessSnapshot[], column: ContainerColumn = 'off'): number {
  if (processes.length === 0) return 79;
  const timeWidth = timeColumnWidth(processes);
  const containerWidth = column === 'off' ? 9 : containerColumnWidth(processes);
  return Math.max(...processes.map((process) => 45 + stringWidth(hostInfo(process, timeWidth, column, containerWidth))));
}

function deviceColors(data: StatusData, options: RenderOptions): Map<string, ColorName> {
  const colors = new Map<string, ColorName>();
  const add = (device: DeviceSnapshot) => colors.set(device.displayIndex, deviceColor(device, options));
  for (const entry of data.devices) {
    add(entry.device);
    entry.migDevices.forEach(add);
  }
  return colors;
}

function userContext(data: StatusData, width: number): Segment[] {
  const hostname = data.wsl === true ? `${data.hostname} (WSL)` : data.hostname;
  const room = Math.max(10, width - 16);
  let user = data.currentUser;
  let name = hostname;
  if (stringWidth(`${user}@${name}`) > room) {
    user = cutString(user, Math.max(3, Math.floor(room / 2) - 1), '+');
    name = cutString(name, Math.max(3, room - stringWidth(user) - 1), '..');
  }
  const contextWidth = stringWidth(`${user}@${name}`);
  return [
    seg(`│ ${padEnd('Processes:', width - 4 - contextWidth)}`),
    seg(user, { fg: data.superuser === true ? 'yellow' : 'magenta', bold: true }),
    seg('@', { bold: true }),
    seg(name, { fg: 'green', bold: true }),
    seg(' │'),
  ];
}

/**
 * The process panel, `options.width` columns wide (79 at least): a blank-free box with the
 * header, one row per process (grouped by GPU in the natural order), and `No running processes
 * found` when there are none. The GPU index is coloured like its device; other users' rows are
 * dimmed (unless the current user is the superuser); zombie and unreadable commands are yellow,
 * gone ones red. Commands are cut to the width with `..`.
 *
 * @example
 * ```ts
 * const lines = renderProcessPanel(data, { ...options, width: 120 });
 * ```
 */
export function renderProcessPanel(data: StatusData, options: RenderOptions, panel: ProcessPanelOptions = {}): Line[] {
  const width = Math.max(79, options.width);
  const natural = panel.natural !== false;
  const scroll = Math.max(0, panel.scroll ?? 0);
  const processes = natural ? sortNatural(data.processes) : [...data.processes];
  const timeWidth = timeColumnWidth(processes);
  const hostWidth = width - 45;
  const column = data.containerColumn ?? 'off';
  const containerWidth = column === 'off' ? 9 : containerColumnWidth(processes);
  const headers = `%CPU  %MEM  ${' '.repeat(timeWidth - 4)}TIME  ${commandHeader(column, containerWidth)}`;
  const lines: Line[] = [
    [seg(`╒${'═'.repeat(width - 2)}╕`)],
    userContext(data, width),
    [seg(`│ GPU     PID      USER  GPU-MEM %SM %GMBW  ${fitColumns(dropColumns(headers, scroll), width - 46)} │`)],
    [seg(`╞${'═'.repeat(width - 2)}╡`)],
  ];
  if (processes.length === 0) {
    const message = ` No running processes found${data.wsl === true ? ' (in WSL)' : ''} `;
    lines.push([seg(`│ ${padEnd(message, width - 4)} │`)], [seg(`╘${'═'.repeat(width - 2)}╛`)]);
    return lines;
  }
  const colors = deviceColors(data, options);
  let previousDevice: number | null = null;
  for (const process of processes) {
    if (natural && previousDevice !== null && previousDevice !== process.devicePhysicalIndex) {
      lines.push([seg(`├${'─'.repeat(width - 2)}┤`)]);
    }
    previousDevice = process.devicePhysicalIndex;
    lines.push(processRow(process, data, colors, timeWidth, hostWidth, scroll, panel.selection ?? null, containerWidth));
  }
  lines.push([seg(`╘${'═'.repeat(width - 2)}╛`)]);
  return lines;
}

function processRow(
  process: GpuProcessSnapshot,
  data: StatusData,
  colors: ReadonlyMap<string, ColorName>,
  timeWidth: number,
  hostWidth: number,
  scroll: number,
  selection: ProcessSelection | null,
  containerWidth: number,
): Line {
  const info = hostInfo(process, timeWidth, data.containerColumn ?? 'off', containerWidth);
  const shown = scroll > 0 ? fitColumns(dropColumns(info, scroll), hostWidth) : fitColumns(cutString(info, hostWidth, '..'), hostWidth);
  const sm = utilization2string(process.gpuSmUtilization);
  const gmbw = utilization2string(process.gpuMemoryUtilization);
  const type = isNA(process.type) ? 'N/A' : process.type.replace('C+G', 'X');
  const user = isNA(process.username) ? 'N/A' : process.username;
  const fixed = [
    padStart(cutString(String(process.pid), 7, '.'), 7),
    type,
    padStart(cutString(user, 7, '+'), 7),
    padStart(String(process.gpuMemoryHuman), 8),
    padStart(isNA(sm) ? 'N/A' : sm.replace('%', ''), 3),
    padStart(isNA(gmbw) ? 'N/A' : gmbw.replace('%', ''), 5),
  ].join(' ');
  const selected = selection !== null && selection.pid === process.pid && selection.deviceIndex === process.deviceIndex;
  const owned = data.superuser === true || user === data.currentUser;
  const base: Style = selected ? { fg: 'cyan', bold: true, reverse: true } : owned ? {} : { dim: true };
  const index = padStart(process.deviceIndex, 4);
  const segments: Segment[] = [seg('│'), seg(index, selected ? base : { fg: colors.get(process.deviceIndex) ?? 'yellow' }), seg(' ', selected ? base : undefined)];
  const state = commandState(process);
  const command = commandText(process);
  const row = `${fixed} ${shown}`;
  if (!selected && (state === 'gone' || state === 'zombie' || state === 'no-permissions') && row.includes(command)) {
    // nvitop splits the row at the command and colours it yellow (red when gone); the pieces
    // around it keep the row's style, each on its own (an empty piece of another user's row
    // still gets its dim escape, as nvitop's `colored('')` writes one).
    const color: ColorName = state === 'gone' ? 'red' : 'yellow';
    row.split(command).forEach((piece, i) => {
      if (i > 0) segments.push(seg(command, { fg: color }));
      if (piece !== '' || !owned) segments.push({ text: piece, style: base });
    });
  } else segments.push(seg(row, base));
  segments.push(seg(' │'));
  return segments;
}
