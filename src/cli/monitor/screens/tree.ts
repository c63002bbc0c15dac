/**
 * The tree view (`t`): GPU processes with their ancestors and children.
 *
 * @module
 */
import { isNA, type Maybe } from '../../../core/index.js';
import { Canvas } from '../canvas.js';
import type { TreeRow } from '../tree.js';

/** What the tree view draws. */
export interface TreeViewContext {
  /** The rows. */
  readonly rows: readonly TreeRow[];
  /** Index of the selected row. */
  readonly selected: number | undefined;
  /** First row shown. */
  readonly scroll: number;
  /** Horizontal scroll. */
  readonly xOffset: number;
  /** Tagged PIDs. */
  readonly tagged: ReadonlySet<number>;
}

const str = (v: Maybe<unknown>): string => (isNA(v) ? 'N/A' : String(v));

/**
 * Draw the tree view on a `height` × `width` canvas.
 *
 * @example
 * ```ts
 * drawTreeView(24, 120, { rows, selected: 0, scroll: 0, xOffset: 0, tagged: new Set() });
 * ```
 */
export function drawTreeView(height: number, width: number, ctx: TreeViewContext): Canvas {
  const canvas = new Canvas(height, width);
  const rows = ctx.rows;
  const w = (values: string[], min: number): number => Math.max(min, ...values.map((v) => v.length));
  const pidW = w(rows.map((r) => String(r.pid)), 3);
  const userW = w(rows.map((r) => str(r.username)), 4);
  const devW = w(rows.map((r) => r.devices), 6);
  const thrW = w(rows.map((r) => str(r.threads)), 4);
  const timeW = w(rows.map((r) => str(r.time)), 4);
  const header = ['PID'.padStart(pidW), 'USER'.padEnd(userW), 'DEVICE'.padStart(devW), 'NLWP'.padStart(thrW), '%CPU', '%MEM', 'TIME'.padStart(timeW), 'COMMAND'].join('  ');
  canvas.text(0, 0, header.slice(ctx.xOffset).padEnd(width), { fg: 'cyan', bold: true, reverse: true });
  if (rows.length === 0) {
    canvas.text(1, 0, 'No running GPU processes found.');
    return canvas;
  }
  for (let i = 0; i < height - 1; i += 1) {
    const index = ctx.scroll + i;
    const r = rows[index];
    if (r === undefined) break;
    const cpu = isNA(r.cpuPercent) ? 'N/A' : r.cpuPercent.toFixed(1);
    const mem = isNA(r.memoryPercent) ? 'N/A' : r.memoryPercent.toFixed(1);
    const line = `${String(r.pid).padStart(pidW)}  ${str(r.username).padEnd(userW)}  ${r.devices.padStart(devW)}  ${str(r.threads).padStart(thrW)} ${cpu.padStart(5)} ${mem.padStart(5)}  ${str(r.time).padStart(timeW)}  ${r.prefix}${r.command}`;
    const row = i + 1;
    canvas.text(row, 0, line.slice(ctx.xOffset));
    const commandX = line.length - r.command.length - ctx.xOffset;
    if (index === ctx.selected) {
      canvas.restyle(row, 0, width, { fg: ctx.tagged.has(r.pid) ? 'yellow' : 'cyan', bold: true, reverse: true }, true);
    } else {
      if (ctx.tagged.has(r.pid)) canvas.restyle(row, 0, width, { fg: 'yellow', bold: true });
      else if (!r.isGpu) canvas.restyle(row, 0, width, { dim: true });
      if (r.gone && commandX >= 0) canvas.restyle(row, commandX, r.command.length, { fg: 'red' });
      const prefixX = commandX - r.prefix.length;
      if (r.prefix.length > 0 && prefixX >= 0) canvas.restyle(row, prefixX, r.prefix.length, { dim: false, fg: 'gray' });
    }
  }
  return canvas;
}
