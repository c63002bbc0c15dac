/**
 * The device panel as the monitor draws it: the version box, one block per GPU in the full
 * (two rows) or compact (one row) format, MIG rows, and on terminals at least 100 columns wide
 * the per-device bars on the right.
 *
 * @module
 */
import { isNA, NA, type DeviceSnapshot, type Maybe } from '../../../core/index.js';
import type { ColorName, RenderOptions, StatusData } from '../../render/types.js';
import type { Canvas } from '../canvas.js';
import { barChart, cutString, deviceColor, intensityColor, padEnd, padStart } from '../text.js';

/** Rows of the version box and headers above the first device (without the time line). */
function headerRows(compact: boolean): number {
  return compact ? 5 : 6;
}

/**
 * Rows the device panel takes (including the time line above it).
 *
 * @example
 * ```ts
 * devicePanelHeight(data, true); // 4 + 2 * (devices + 1) + MIG rows
 * ```
 */
export function devicePanelHeight(data: StatusData, compact: boolean): number {
  if (data.devices.length === 0) return 6;
  let rows = 1 + headerRows(compact);
  for (const { migDevices } of data.devices) {
    rows += (compact ? 1 : 2) + 1;
    if (migDevices.length > 0) rows += migDevices.length + 1;
  }
  return rows;
}

const str = (value: Maybe<unknown>): string => (isNA(value) ? 'N/A' : String(value));
const onOff = (value: Maybe<string>): string => str(value).replace('Enabled', 'On').replace('Disabled', 'Off');

function fanText(fan: Maybe<number>): string {
  if (isNA(fan)) return 'N/A';
  return fan >= 100 ? 'MAX' : `${fan}%`;
}

function cellTexts(d: DeviceSnapshot, compact: boolean, supportMig: boolean): string[] {
  const name = cutString(str(d.name).replace(/^NVIDIA /, ''), 19, '..', true);
  const temp = isNA(d.temperature) ? 'N/A' : `${d.temperature}C`;
  const util = isNA(d.gpuUtilization) ? 'N/A' : `${d.gpuUtilization}%`;
  const compute = str(d.computeMode).replace('Exclusive', 'E.');
  const perf = str(d.performanceState);
  const memory = padStart(d.memoryUsage, 20);
  if (compact) {
    return [
      ` ${padStart(String(d.physicalIndex), 3)} ${padStart(fanText(d.fanSpeed), 3)} ${padStart(temp, 4)} ${padEnd(perf, 3)}${padStart(d.powerStatus, 13)} `,
      ` ${memory} `,
      ` ${padStart(util, 7)}  ${padStart(compute, 11)} `,
    ];
  }
  const ecc = str(d.totalVolatileUncorrectedEccErrors);
  const third = supportMig ? ` ${padStart(str(d.migMode), 8)}  ${padStart(ecc, 10)} ` : ` ${padStart(ecc, 20)} `;
  const centered = perf.length >= 4 ? perf : padEnd(' '.repeat(Math.floor((4 - perf.length) / 2)) + perf, 4);
  return [
    ` ${padStart(String(d.physicalIndex), 3)}  ${padEnd(name, 19)} ${padStart(onOff(d.persistenceMode), 4)} `,
    ` ${padEnd(str(d.busId), 16)} ${padStart(onOff(d.displayActive), 3)} `,
    third,
    ` ${padStart(fanText(d.fanSpeed), 3)}  ${padStart(temp, 4)}  ${centered} ${padStart(d.powerStatus, 13)} `,
    ` ${memory} `,
    ` ${padStart(util, 7)}  ${padStart(compute, 11)} `,
  ];
}

function migTexts(d: DeviceSnapshot): string[] {
  const name = str(d.name).split(' ').pop() ?? '';
  const pct = d.bar1MemoryPercent;
  const bar1 = isNA(pct) ? 'N/A' : Math.round(pct) >= 100 ? 'MAX' : `${Math.round(pct)}%`;
  const mig = isNA(d.migIndex) ? 'N/A' : String(d.migIndex);
  return [
    `${padStart(String(d.physicalIndex), 2)}:${padEnd(mig, 2)}${padStart(name, 12)} @ GI/CI:${padStart(str(d.gpuInstanceId), 2)}/${padEnd(str(d.computeInstanceId), 2)}`,
    ` ${padStart(d.memoryUsage, 20)} `,
    ` BAR1: ${padStart(str(d.bar1MemoryUsedHuman), 8)} / ${padStart(bar1, 3)} `,
  ];
}

/** What the device panel needs besides the data. */
export interface DevicePanelContext {
  /** Status data of this refresh. */
  readonly data: StatusData;
  /** Screen width. */
  readonly width: number;
  /** Compact format. */
  readonly compact: boolean;
  /** Render options (thresholds). */
  readonly render: Omit<RenderOptions, 'width'>;
  /** Display index of the selected process's device: its rows bold, the others dim. */
  readonly selectedDevice?: string | undefined;
}

/**
 * Draw the device panel (without the time line) from row `y`; returns the row after it. The
 * last row drawn is the panel's bottom border (the full host panel draws over it).
 *
 * @example
 * ```ts
 * const next = drawDevicePanel(canvas, 1, { data, width: 120, compact: false, render });
 * ```
 */
export function drawDevicePanel(canvas: Canvas, y: number, ctx: DevicePanelContext): number {
  const { data, width, compact, render } = ctx;
  const wide = width >= 100;
  const rem = width - 79;
  const version = [
    `NVITOP ${data.version}`,
    `Driver Version: ${str(data.driverVersion)}`,
    `CUDA Driver Version: ${str(data.cudaDriverVersion)}`,
  ];
  if (version.join('').length % 2 === 0) version[0] += ' ';
  const sep = ' '.repeat(Math.max(2, Math.floor((75 - version.join('').length) / 2)));
  let row = y;
  canvas.text(row++, 0, `╒${'═'.repeat(77)}╕`);
  canvas.text(row++, 0, `│ ${padEnd(version.join(sep), 75)} │`);
  if (data.devices.length === 0) {
    canvas.text(row++, 0, `╞${'═'.repeat(77)}╡`);
    canvas.text(row++, 0, `│  ${padEnd('No visible devices found', 75)}│`);
    canvas.text(row++, 0, `╘${'═'.repeat(77)}╛`);
    return row;
  }
  const supportMig = data.devices.some(({ device }) => !isNA(device.migMode));
  canvas.text(row++, 0, '├───────────────────────────────┬──────────────────────┬──────────────────────┤');
  if (compact) {
    canvas.text(row++, 0, '│ GPU Fan Temp Perf Pwr:Usg/Cap │         Memory-Usage │ GPU-Util  Compute M. │');
  } else {
    const ecc = supportMig ? 'MIG M.   Uncorr. ECC' : 'Volatile Uncorr. ECC';
    canvas.text(row++, 0, `│ GPU  Name        Persistence-M│ Bus-Id        Disp.A │ ${ecc} │`);
    canvas.text(row++, 0, '│ Fan  Temp  Perf  Pwr:Usage/Cap│         Memory-Usage │ GPU-Util  Compute M. │');
  }
  canvas.text(row, 0, '╞═══════════════════════════════╪══════════════════════╪══════════════════════╡');
  if (wide) canvas.text(row, 78, `╪${'═'.repeat(rem - 1)}╕`);
  row += 1;

  const drawRow = (cells: readonly string[], color: ColorName, attr: 'bold' | 'dim' | undefined): void => {
    const style = { fg: color, ...(attr === 'bold' ? { bold: true } : attr === 'dim' ? { dim: true } : {}) };
    canvas.text(row, 0, '│');
    canvas.text(row, 1, padEnd(cells[0] ?? '', 31), style);
    canvas.text(row, 32, '│');
    canvas.text(row, 33, padEnd(cells[1] ?? '', 22), style);
    canvas.text(row, 55, '│');
    canvas.text(row, 56, padEnd(cells[2] ?? '', 22), style);
    canvas.text(row, 78, '│');
    if (wide) canvas.text(row, width - 1, '│');
    row += 1;
  };
  const separator = (last: boolean): void => {
    if (last) {
      canvas.text(row, 0, '╘═══════════════════════════════╧══════════════════════╧══════════════════════╛');
      if (wide) canvas.text(row, 78, `╧${'═'.repeat(rem - 1)}╛`);
    } else {
      canvas.text(row, 0, '├───────────────────────────────┼──────────────────────┼──────────────────────┤');
      if (wide) canvas.text(row, 78, `┼${'─'.repeat(rem - 1)}┤`);
    }
    row += 1;
  };
  const bar = (x: number, r: number, w: number, prefix: string, value: Maybe<number>, color: ColorName, extra = ''): void => {
    if (w < 10) return;
    canvas.text(r, x, barChart(prefix, value, w, extra), { fg: color });
  };

  data.devices.forEach(({ device, migDevices }, i) => {
    const attrOf = (d: DeviceSnapshot): 'bold' | 'dim' | undefined => {
      if (ctx.selectedDevice === undefined) return undefined;
      if (d.displayIndex === ctx.selectedDevice) return 'bold';
      return d.isMigDevice || String(d.physicalIndex) !== ctx.selectedDevice.split(':')[0] ? 'dim' : undefined;
    };
    const color = deviceColor(device, render.gpuUtilThresholds, render.memUtilThresholds);
    const cells = cellTexts(device, compact, supportMig);
    const first = row;
    drawRow(cells.slice(0, 3), color, attrOf(device));
    if (!compact) drawRow(cells.slice(3, 6), color, attrOf(device));
    if (wide) {
      const memColor = intensityColor(device.memoryPercent, render.memUtilThresholds);
      const gpuColor = intensityColor(device.gpuUtilization, render.gpuUtilThresholds);
      const memUsed = isNA(device.memoryUsedHuman) ? '' : `  USED: ${device.memoryUsedHuman}`;
      if (rem - 3 >= 44) {
        const left = Math.floor((rem - 6 + 1) / 2) - 1;
        const right = Math.floor((rem - 6) / 2) + 1;
        const pwr: Maybe<number> = !isNA(device.powerUsage) && !isNA(device.powerLimit) && device.powerLimit > 0
          ? (100 * device.powerUsage) / device.powerLimit : NA;
        const mhz = (v: Maybe<number>): string => (isNA(v) ? '' : ` @ ${v}MHz`);
        if (compact) {
          bar(80, first, left, 'MEM', device.memoryPercent, memColor);
          bar(80 + left + 3, first, right, 'UTL', device.gpuUtilization, gpuColor);
        } else {
          bar(80, first, left, 'MEM', device.memoryPercent, memColor, memUsed);
          bar(80 + left + 3, first, right, 'MBW', device.memoryUtilization, intensityColor(device.memoryUtilization, render.memUtilThresholds), mhz(device.memoryClock));
          bar(80, first + 1, left, 'UTL', device.gpuUtilization, gpuColor, mhz(device.smClock));
          bar(80 + left + 3, first + 1, right, 'PWR', pwr, intensityColor(pwr, render.gpuUtilThresholds), isNA(device.powerUsage) ? '' : ` ${Math.round(device.powerUsage / 1000)}W`);
        }
      } else {
        bar(80, first, rem - 3, 'MEM', device.memoryPercent, memColor);
        if (!compact) bar(80, first + 1, rem - 3, 'UTL', device.gpuUtilization, gpuColor);
      }
    }
    if (migDevices.length > 0) {
      separator(false);
      for (const mig of migDevices) {
        const r = row;
        drawRow(migTexts(mig), deviceColor(mig, render.gpuUtilThresholds, render.memUtilThresholds), attrOf(mig));
        if (wide) bar(80, r, rem - 3, 'MEM', mig.memoryPercent, intensityColor(mig.memoryPercent, render.memUtilThresholds));
      }
    }
    separator(i === data.devices.length - 1);
  });
  return row;
}
