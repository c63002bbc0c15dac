/**
 * The process metrics screen (`Enter`): the selected process's row and four history graphs,
 * host CPU and host memory on the left, GPU memory and SM utilization on the right.
 *
 * @module
 */
import { bytes2human, isNA, type GpuProcessSnapshot, type Maybe } from '../../../core/index.js';
import type { StatusData } from '../../render/types.js';
import { Canvas } from '../canvas.js';
import { HistoryGraph, timeLabelColumns } from '../history.js';
import { hostInfo, timeColumnWidth } from '../../render/process-panel.js';
import { padEnd, padStart } from '../../render/text.js';

/**
 * The graphs of one process, fed each refresh.
 *
 * @example
 * ```ts
 * const metrics = new ProcessMetrics('1234@0', data);
 * metrics.update(data);
 * ```
 */
export class ProcessMetrics {
  /** CPU percent. */
  readonly cpu: HistoryGraph;
  /** Host memory in bytes. */
  readonly hostMemory: HistoryGraph;
  /** GPU memory in bytes. */
  readonly gpuMemory: HistoryGraph;
  /** SM utilization in percent. */
  readonly sm: HistoryGraph;
  /** The last snapshot seen (kept when the process is gone). */
  last: GpuProcessSnapshot | undefined;
  /** Total host memory in bytes. */
  readonly hostTotal: number;
  /** Total memory of the process's device in bytes. */
  readonly gpuTotal: Maybe<number>;

  /**
   * @param key the process's `pid@device`
   * @param data the refresh the process was selected in
   * @example
   * ```ts
   * new ProcessMetrics('1234@0', data);
   * ```
   */
  constructor(
    readonly key: string,
    data: StatusData,
  ) {
    this.hostTotal = data.host.virtualMemory.total;
    const device = data.devices.flatMap((d) => [d.device, ...d.migDevices]).find((d) => key.endsWith(`@${d.displayIndex}`));
    this.gpuTotal = device?.memoryTotal ?? Number.NaN;
    const cpus = Math.max(1, data.host.cpuCount);
    this.cpu = new HistoryGraph({ height: 5, upperBound: 100 * cpus, dynamicBound: true, minBound: 10 });
    this.hostMemory = new HistoryGraph({ height: 5, upsideDown: true, upperBound: Math.max(1, this.hostTotal), dynamicBound: true });
    const gpuTotal = this.gpuTotal;
    this.gpuMemory = new HistoryGraph({ height: 5, upperBound: isNA(gpuTotal) || !(gpuTotal > 0) ? 1 : gpuTotal, dynamicBound: true });
    this.sm = new HistoryGraph({ height: 5, upsideDown: true, upperBound: 100, dynamicBound: true, minBound: 10 });
    this.update(data);
  }

  /**
   * Add this refresh's values of the process (NA when it is not listed any more).
   *
   * @example
   * ```ts
   * metrics.update(gather());
   * ```
   */
  update(data: StatusData): void {
    const p = data.processes.find((q) => `${q.pid}@${q.deviceIndex}` === this.key);
    if (p !== undefined) this.last = p;
    const t = data.timestamp;
    this.cpu.add(p?.cpuPercent ?? Number.NaN, t);
    this.hostMemory.add(p?.hostMemory ?? Number.NaN, t);
    this.gpuMemory.add(p?.gpuMemory ?? Number.NaN, t);
    this.sm.add(p?.gpuSmUtilization ?? Number.NaN, t);
  }
}

const pct = (v: Maybe<number>): string => (isNA(v) || Number.isNaN(v) ? 'N/A' : `${v.toFixed(1)}%`);
const size = (v: Maybe<number>, total: Maybe<number>): string => {
  if (isNA(v) || Number.isNaN(v)) return 'N/A';
  const share = isNA(total) || !(total > 0) ? '' : ` (${((100 * v) / total).toFixed(1)}%)`;
  return `${String(bytes2human(v))}${share}`;
};

/**
 * Draw the metrics screen.
 *
 * @example
 * ```ts
 * drawMetrics(40, 120, metrics, 'alice', 'gpu-node');
 * ```
 */
export function drawMetrics(height: number, width: number, metrics: ProcessMetrics, user: string, hostname: string): Canvas {
  const canvas = new Canvas(height, width);
  const leftWidth = Math.max(20, Math.floor((width - 3) / 2));
  const rightWidth = width - 3 - leftWidth;
  const upper = Math.max(5, Math.floor((height - 8) / 2));
  const lower = Math.max(5, height - 8 - upper);
  canvas.text(0, 0, `╒${'═'.repeat(width - 2)}╕`);
  canvas.text(1, 0, `│ ${padEnd('Process:', width - 4)} │`);
  const context = `${user}@${hostname}`;
  canvas.text(1, width - context.length - 2, context, { bold: true });
  canvas.text(2, 0, `│ ${padEnd(' GPU     PID      USER  GPU-MEM %SM %GMBW  %CPU  %MEM  TIME  COMMAND', width - 4)} │`);
  canvas.text(3, 0, `╞${'═'.repeat(width - 2)}╡`);
  const p = metrics.last;
  let row = '';
  if (p !== undefined) {
    const user7 = isNA(p.username) ? 'N/A' : p.username.slice(0, 7);
    const num = (v: Maybe<number>): string => (isNA(v) ? 'N/A' : String(Math.round(v)));
    row = `${padStart(p.deviceIndex, 4)} ${padStart(String(p.pid), 7)} ${isNA(p.type) ? 'N/A' : p.type === 'C+G' ? 'X' : p.type} ${padStart(user7, 7)} ${padStart(isNA(p.gpuMemoryHuman) ? 'N/A' : p.gpuMemoryHuman, 8)} ${padStart(num(p.gpuSmUtilization), 3)} ${padStart(num(p.gpuMemoryUtilization), 5)} ${hostInfo(p, timeColumnWidth([p]))}`;
  }
  canvas.text(4, 0, `│${padEnd(row, width - 2)}│`);
  if (p !== undefined && !p.isRunning) canvas.restyle(4, 1, width - 2, { fg: 'red' });
  canvas.text(5, 0, `╞${'═'.repeat(leftWidth)}╤${'═'.repeat(rightWidth)}╡`);
  const graphRows = (top: number, count: number): void => {
    for (let r = top; r < top + count; r += 1) canvas.text(r, 0, `│${' '.repeat(leftWidth)}│${' '.repeat(rightWidth)}│`);
  };
  graphRows(6, upper);
  const sep = 6 + upper;
  canvas.text(sep, 0, `├${'─'.repeat(leftWidth)}┼${'─'.repeat(rightWidth)}┤`);
  graphRows(sep + 1, lower);
  canvas.text(sep + 1 + lower, 0, `╘${'═'.repeat(leftWidth)}╧${'═'.repeat(rightWidth)}╛`);
  for (const [x0, w] of [[1, leftWidth], [leftWidth + 2, rightWidth]] as const) {
    for (const { seconds, column } of timeLabelColumns(w)) {
      const label = `╴${seconds}s`;
      canvas.text(sep, x0 + column - label.length, label);
      canvas.restyle(sep, x0 + column - label.length + 1, label.length - 1, { dim: true });
      canvas.text(sep, x0 + column, '├');
    }
  }
  const draw = (graph: HistoryGraph, top: number, rows: number, x: number, w: number, fg: 'cyan' | 'magenta' | 'green' | 'yellow'): void => {
    graph.render(w, rows).forEach((line, i) => canvas.text(top + i, x, line, { fg }));
  };
  draw(metrics.cpu, 6, upper, 1, leftWidth, 'cyan');
  draw(metrics.hostMemory, sep + 1, lower, 1, leftWidth, 'magenta');
  draw(metrics.gpuMemory, 6, upper, leftWidth + 2, rightWidth, 'green');
  draw(metrics.sm, sep + 1, lower, leftWidth + 2, rightWidth, 'yellow');
  const w2 = 2 * Math.max(leftWidth, rightWidth);
  canvas.text(6, 1, ` CPU: ${pct(metrics.cpu.lastValue)} `);
  canvas.text(7, 1, ` MAX CPU: ${pct(metrics.cpu.maxValue(w2))} `);
  canvas.text(sep + lower, 1, ` HOST-MEM: ${size(metrics.hostMemory.lastValue, metrics.hostTotal)} `);
  canvas.text(6, leftWidth + 2, ` GPU-MEM: ${size(metrics.gpuMemory.lastValue, metrics.gpuTotal)} `);
  canvas.text(7, leftWidth + 2, ` MAX GPU-MEM: ${size(metrics.gpuMemory.maxValue(w2), metrics.gpuTotal)} `);
  canvas.text(sep + lower, leftWidth + 2, ` GPU-SM: ${pct(metrics.sm.lastValue)} `);
  return canvas;
}
