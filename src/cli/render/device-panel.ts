/**
 * The device panel: the nvidia-smi-like box with one or two rows per GPU, MIG devices under
 * their parent, and (from 100 columns) bar charts at the right.
 *
 * @module
 */
import { NA, host, isNA, type DeviceSnapshot, type Maybe } from '../../core/index.js';
import { makeBarChart, styleBar } from './bar-chart.js';
import { borderLine, verticalColumns, type BorderKind } from './box.js';
import { deviceColor, gpuColor, intensityColor, loadIntensity, memoryColor } from './colors.js';
import { deviceFields, type DeviceFields } from './device-fields.js';
import { lineText, seg } from './line.js';
import { unaccountedMemoryNote } from './notes.js';
import { center, padEnd, padStart } from './text.js';
import type { ColorName, Line, RenderOptions, Segment, StatusData, StatusDevice } from './types.js';

/**
 * Options of {@link renderDevicePanel}.
 *
 * @example
 * ```ts
 * renderDevicePanel(data, options, { compact: true });
 * ```
 */
export interface DevicePanelOptions {
  /** One row per GPU (the monitor's compact mode) instead of two. */
  readonly compact?: boolean;
}

/** Width of the table without the bar column. */
const BASE_WIDTH = 79;
/** Extra columns from which the bar area splits into two columns of bars. */
const TWO_COLUMN_MIN = 44;

/**
 * Whether the device panel at this width shows bars, and in how many columns (0, 1 or 2).
 *
 * @example
 * ```ts
 * barColumns(79);  // 0
 * barColumns(100); // 1
 * barColumns(123); // 2
 * ```
 */
export function barColumns(width: number): 0 | 1 | 2 {
  if (width < 100) return 0;
  return width - BASE_WIDTH >= TWO_COLUMN_MIN ? 2 : 1;
}

/**
 * The clocks the (full) panel at this width can show, so a caller reads only those: none below
 * 100 columns, the SM clock beside the UTL bar in one column of bars, the SM and memory clocks
 * (UTL and MBW bars) in two.
 *
 * @example
 * ```ts
 * shownClocks(79);  // false
 * shownClocks(120); // 'sm'
 * shownClocks(140); // true
 * ```
 */
export function shownClocks(width: number): boolean | 'sm' {
  const columns = barColumns(width);
  return columns === 0 ? false : columns === 1 ? 'sm' : true;
}

/** The `│ NVITOP x  Driver Version: y  CUDA Driver Version: z │` line's content. */
function versionLine(data: StatusData): string {
  const infos = [
    `NVITOP ${data.version.split('+')[0] ?? data.version}`,
    `Driver Version: ${isNA(data.driverVersion) ? 'N/A' : data.driverVersion}`,
    `CUDA Driver Version: ${isNA(data.cudaDriverVersion) ? 'N/A' : data.cudaDriverVersion}`,
  ];
  let length = infos.reduce((sum, info) => sum + info.length, 0);
  if (length % 2 === 0) {
    infos[0] += ' ';
    length += 1;
  }
  const gap = ' '.repeat(Math.max(2, Math.floor((75 - length) / 2)));
  return `│ ${padEnd(infos.join(gap), 75)} │`;
}

/**
 * Cells of a full-format physical row pair, each without its `│`: nvitop's
 * `{index:>3}  {name:<19} {persistence:>4}` / `{fan:>3}  {temp:>4}  {perf:^4} {power:>13}` (the
 * performance state centred in four columns).
 */
function fullCells(f: DeviceFields, supportMig: boolean): [string[], string[]] {
  const eccCell = supportMig ? ` ${padStart(f.migMode, 8)}  ${padStart(f.ecc, 10)} ` : ` ${padStart(f.ecc, 20)} `;
  return [
    [` ${padStart(f.index, 3)}  ${padEnd(f.name, 19)} ${padStart(f.persistenceMode, 4)} `, ` ${padEnd(f.busId, 16)} ${padStart(f.displayActive, 3)} `, eccCell],
    [
      ` ${padStart(f.fanSpeed, 3)}  ${padStart(f.temperature, 4)}  ${center(f.performanceState, 4)} ${padStart(f.powerStatus, 13)} `,
      ` ${padStart(f.memoryUsage, 20)} `,
      ` ${padStart(f.gpuUtilization, 7)}  ${padStart(f.computeMode, 11)} `,
    ],
  ];
}

/**
 * Cells of a compact-format physical row: `{index:>3} {fan:>3} {temp:>4} {perf:<3}{power:>13}`,
 * the performance state right-aligned instead (`{perf:>3}`) when every shown power limit is
 * shorter than five characters (no GPU above 999 W), as nvitop decides once for all rows.
 */
function compactCells(f: DeviceFields, perfRight: boolean): string[] {
  const perf = perfRight ? padStart(f.performanceState, 3) : padEnd(f.performanceState, 3);
  return [
    ` ${padStart(f.index, 3)} ${padStart(f.fanSpeed, 3)} ${padStart(f.temperature, 4)} ${perf}${padStart(f.powerStatus, 13)} `,
    ` ${padStart(f.memoryUsage, 20)} `,
    ` ${padStart(f.gpuUtilization, 7)}  ${padStart(f.computeMode, 11)} `,
  ];
}

/** Whether every device's power limit text (`450W`, `N/A`) is shorter than five characters. */
function shortPowerLimits(devices: readonly StatusDevice[]): boolean {
  return devices.every((entry) => (entry.device.powerStatus.split(' / ').at(-1) ?? '').length < 5);
}

/** Cells of a MIG device row. */
function migCells(f: DeviceFields): string[] {
  return [
    `${padStart(f.index, 2)}:${padEnd(f.migIndex, 2)}${padStart(f.name, 12)} @ GI/CI:${padStart(f.gpuInstanceId, 2)}/${padEnd(f.computeInstanceId, 2)}`,
    ` ${padStart(f.memoryUsage, 20)} `,
    ` BAR1: ${padStart(f.bar1MemoryUsed, 8)} / ${padStart(f.bar1MemoryPercent, 3)} `,
  ];
}

/** `│cell│cell│cell│` with every cell in `color`. */
function cellsLine(cells: readonly string[], color: ColorName): Segment[] {
  const segments: Segment[] = [seg('│')];
  for (const cell of cells) segments.push(seg(cell, { fg: color }), seg('│'));
  return segments;
}

/** One bar of the bar area. */
interface BarSpec {
  readonly prefix: string;
  readonly percent: Maybe<number>;
  readonly color: ColorName;
  /** Whether the value is a float (shown with one decimal where it fits). */
  readonly float: boolean;
  /** The text beside the bar as nvitop builds it (`10240MiB`, `@ 2520MHz`, `287W`; may hold `N/A`). */
  readonly extraText: string;
}

/** A colour for one of a device's figures: red for a GPU that could not be reached. */
function figureColor(device: DeviceSnapshot, value: Maybe<number>, thresholds: readonly [number, number]): ColorName {
  if (!isNA(device.name) && device.name.startsWith('ERROR:')) return 'red';
  return intensityColor(loadIntensity(value, thresholds));
}

function memoryBar(device: DeviceSnapshot, options: RenderOptions): BarSpec {
  const used = device.memoryUsedHuman;
  return { prefix: 'MEM', percent: device.memoryPercent, color: memoryColor(device, options), float: true, extraText: isNA(used) ? 'N/A' : used };
}

function utilizationBar(device: DeviceSnapshot, options: RenderOptions): BarSpec {
  return { prefix: 'UTL', percent: device.gpuUtilization, color: gpuColor(device, options), float: false, extraText: `@ ${String(device.smClock)}MHz` };
}

function bandwidthBar(device: DeviceSnapshot, options: RenderOptions): BarSpec {
  const color = figureColor(device, device.memoryUtilization, options.memUtilThresholds);
  return { prefix: 'MBW', percent: device.memoryUtilization, color, float: false, extraText: `@ ${String(device.memoryClock)}MHz` };
}

/**
 * Power usage in percent of the power limit, one decimal (nvitop's `power_utilization`); NA
 * when either is unknown or the limit is 0.
 *
 * @example
 * ```ts
 * powerUtilization(snapshot); // 63.8 for 287123 mW of 450000 mW
 * ```
 */
export function powerUtilization(device: Pick<DeviceSnapshot, 'powerUsage' | 'powerLimit'>): Maybe<number> {
  const usage = device.powerUsage;
  const limit = device.powerLimit;
  if (isNA(usage) || isNA(limit) || limit === 0) return NA;
  return host.pyRound((100 * usage) / limit, 1);
}

function powerBar(device: DeviceSnapshot, options: RenderOptions): BarSpec {
  const percent = powerUtilization(device);
  const color = figureColor(device, percent, options.gpuUtilThresholds);
  return { prefix: 'PWR', percent, color, float: true, extraText: device.powerStatus.split(' / ')[0] ?? 'N/A' };
}

/**
 * The text of a bar `width` columns wide, placed as nvitop places it: a text holding `N/A` is
 * left out; a clock (`@ …MHz`) goes at the right end after the percentage; any other text (used
 * memory, watts) goes right after the bar with the percentage at the right end, or alone after
 * the bar when both do not fit.
 */
function barText(spec: BarSpec, width: number): string {
  const extra = spec.extraText;
  return makeBarChart(spec.prefix, spec.percent, width, {
    float: spec.float,
    extraText: extra.includes('N/A') ? '' : extra,
    swapText: !extra.endsWith('MHz'),
    extraBlank: ' ',
  });
}

function barSegments(spec: BarSpec, width: number, options: RenderOptions): Segment[] {
  return styleBar(barText(spec, width), spec.color, options.colorful);
}

/**
 * Widths of the bars in a bar area `extra` columns wide (the columns right of the 79-column
 * table): one bar of `extra − 3`, or a left bar of `⌊(extra − 5) / 2⌋ − 1` and a right bar of
 * `⌊(extra − 6) / 2⌋ + 1` (nvitop's split).
 *
 * @example
 * ```ts
 * barWidths(61); // { single: 58, left: 27, right: 28 }
 * ```
 */
export function barWidths(extra: number): { single: number; left: number; right: number } {
  return { single: extra - 3, left: Math.floor((extra - 5) / 2) - 1, right: Math.floor((extra - 6) / 2) + 1 };
}

/** ` bar │` (one column) or ` left │ right │` (two columns) appended to a 79-column row. */
function barArea(bars: readonly BarSpec[], width: number, options: RenderOptions): Segment[] {
  const widths = barWidths(width - BASE_WIDTH);
  if (bars.length === 1) return [seg(' '), ...barSegments(bars[0] as BarSpec, widths.single, options), seg(' │')];
  return [seg(' '), ...barSegments(bars[0] as BarSpec, widths.left, options), seg(' │ '), ...barSegments(bars[1] as BarSpec, widths.right, options), seg(' │')];
}

/** The lines of one physical device (and its MIG devices), before the borders between them. */
function deviceBlocks(entry: StatusDevice, data: StatusData, options: RenderOptions, compact: boolean, supportMig: boolean, perfRight: boolean): Line[][] {
  const device = entry.device;
  const width = Math.max(BASE_WIDTH, options.width);
  const columns = barColumns(width);
  const fields = deviceFields(device, { windows: data.windows === true });
  const color = deviceColor(device, options);
  const rows: Segment[][] = compact ? [cellsLine(compactCells(fields, perfRight), color)] : fullCells(fields, supportMig).map((cells) => cellsLine(cells, color));
  if (columns > 0) {
    const memory = memoryBar(device, options);
    const utilization = utilizationBar(device, options);
    let matrix: BarSpec[][];
    if (compact) matrix = [columns === 2 ? [memory, utilization] : [memory]];
    else if (columns === 2) matrix = [[memory, bandwidthBar(device, options)], [utilization, powerBar(device, options)]];
    else matrix = [[memory], [utilization]];
    rows.forEach((row, i) => row.push(...barArea(matrix[i] ?? [memory], width, options)));
  }
  const blocks: Line[][] = [rows];
  const note = unaccountedMemoryNote(entry);
  if (note !== null) {
    const noteWidth = columns > 0 ? width : BASE_WIDTH;
    blocks.push([[seg('│ '), seg(padEnd(note, noteWidth - 4), { fg: 'yellow' }), seg(' │')]]);
  }
  if (entry.migDevices.length > 0) {
    blocks.push(
      entry.migDevices.map((mig) => {
        const line = cellsLine(migCells(deviceFields(mig)), deviceColor(mig, options));
        if (columns > 0) line.push(...barArea([memoryBar(mig, options)], width, options));
        return line;
      }),
    );
  }
  return blocks;
}

/** Joins blocks of lines with borders that fit the vertical lines above and below. */
function joinBlocks(blocks: readonly (readonly Line[])[], first: { line: Line; kind: BorderKind }, lastKind: BorderKind): Line[] {
  const out: Line[] = [];
  let previous: Line = first.line;
  let kind: BorderKind = first.kind;
  for (const block of blocks) {
    const head = block[0] as Line;
    const above = verticalColumns(lineText(previous));
    const below = verticalColumns(lineText(head));
    const width = Math.max(lineText(previous).length, lineText(head).length);
    out.push([seg(borderLine(width, above, below, kind))]);
    out.push(...block);
    previous = block[block.length - 1] as Line;
    kind = 'single';
  }
  const above = verticalColumns(lineText(previous));
  out.push([seg(borderLine(lineText(previous).length, above, [], lastKind))]);
  return out;
}

/**
 * The device panel: header box with nvitop-node's, the driver's and CUDA's versions, the column
 * titles, then each GPU (two rows, or one with `compact`), its MIG devices, and a note line
 * under a GPU whose used memory is not accounted for by its processes. From 100 columns, bar
 * charts of memory and utilization fill the extra width (from 123: memory bandwidth and power
 * too, with clocks).
 *
 * @example
 * ```ts
 * const lines = renderDevicePanel(data, { width: 79, ascii: false, colorful: false, light: false,
 *   gpuUtilThresholds: [10, 75], memUtilThresholds: [10, 80] });
 * ```
 */
export function renderDevicePanel(data: StatusData, options: RenderOptions, panel: DevicePanelOptions = {}): Line[] {
  const compact = panel.compact === true;
  const top = borderLine(BASE_WIDTH, [], [0, BASE_WIDTH - 1], 'double');
  const version = versionLine(data);
  const lines: Line[] = [[seg(top)], [seg(version)]];
  if (data.devices.length === 0) {
    const message = `│ ${padEnd(' No visible devices found', 75)} │`;
    lines.push([seg(borderLine(BASE_WIDTH, [0, BASE_WIDTH - 1], [0, BASE_WIDTH - 1], 'double'))], [seg(message)]);
    lines.push([seg(borderLine(BASE_WIDTH, [0, BASE_WIDTH - 1], [], 'double'))]);
    return lines;
  }
  const supportMig = data.devices.some((entry) => !isNA(entry.device.migMode));
  const windows = data.windows === true;
  let titles: string[];
  if (compact) titles = ['│ GPU Fan Temp Perf Pwr:Usg/Cap │         Memory-Usage │ GPU-Util  Compute M. │'];
  else {
    let first = '│ GPU  Name        Persistence-M│ Bus-Id        Disp.A │ Volatile Uncorr. ECC │';
    if (windows) first = first.replace('Persistence-M', '    TCC/WDDM ');
    if (supportMig) first = first.replace('Volatile Uncorr. ECC', 'MIG M.   Uncorr. ECC');
    titles = [first, '│ Fan  Temp  Perf  Pwr:Usage/Cap│         Memory-Usage │ GPU-Util  Compute M. │'];
  }
  lines.push([seg(borderLine(BASE_WIDTH, [0, BASE_WIDTH - 1], verticalColumns(titles[0] as string), 'single'))]);
  for (const title of titles) lines.push([seg(title)]);
  const perfRight = shortPowerLimits(data.devices);
  const blocks = data.devices.flatMap((entry) => deviceBlocks(entry, data, options, compact, supportMig, perfRight));
  lines.push(...joinBlocks(blocks, { line: [seg(titles[titles.length - 1] as string)], kind: 'double' }, 'double'));
  return lines;
}

/**
 * The date line above the device panel, as `time.strftime('%a %b %d %H:%M:%S %Y')` prints it
 * (local time).
 *
 * @example
 * ```ts
 * renderTimeLine(Date.UTC(2026, 4, 20, 12)); // [[{ text: 'Wed May 20 12:00:00 2026' }]] in UTC
 * ```
 */
export function renderTimeLine(timestamp: number): Line {
  const date = new Date(timestamp);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${days[date.getDay()]} ${months[date.getMonth()]} ${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`;
  return [seg(text)];
}

