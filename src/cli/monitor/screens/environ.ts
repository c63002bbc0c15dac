/**
 * The environment screen (`e`): the selected process's environment variables.
 *
 * @module
 */
import { Canvas } from '../canvas.js';

/** What the environment screen draws. */
export interface EnvironContext {
  /** The process. */
  readonly pid: number;
  /** Its command line. */
  readonly command: string;
  /** `KEY=VALUE` pairs, or an error message when they could not be read. */
  readonly environ: readonly (readonly [string, string])[] | string;
  /** First line shown. */
  readonly scroll: number;
  /** Horizontal scroll. */
  readonly xOffset: number;
}

/**
 * Draw the environment screen.
 *
 * @example
 * ```ts
 * drawEnviron(24, 80, { pid: 1234, command: 'python3 train.py', environ: [['HOME', '/root']], scroll: 0, xOffset: 0 });
 * ```
 */
export function drawEnviron(height: number, width: number, ctx: EnvironContext): Canvas {
  const canvas = new Canvas(height, width);
  const title = `Environment of process ${ctx.pid} (${ctx.command}):`;
  canvas.text(0, 0, title.padEnd(width), { fg: 'cyan', bold: true, reverse: true });
  if (typeof ctx.environ === 'string') {
    canvas.text(2, 1, ctx.environ, { fg: 'red', bold: true });
  } else {
    for (let i = 0; i < height - 2; i += 1) {
      const entry = ctx.environ[ctx.scroll + i];
      if (entry === undefined) break;
      const [key, value] = entry;
      const line = `${key}=${value}`.slice(ctx.xOffset);
      canvas.text(i + 1, 0, line);
      const keyVisible = Math.max(0, key.length - ctx.xOffset);
      if (keyVisible > 0) canvas.restyle(i + 1, 0, keyVisible, { fg: 'blue', bold: true });
    }
  }
  canvas.text(height - 1, 0, '(Press e, q or Esc to return; r to reload)', { dim: true });
  return canvas;
}
