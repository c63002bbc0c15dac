/**
 * The help screen (`h` / `?`): the keys of the monitor, read from the key map. Any key returns.
 *
 * @module
 */
import { Canvas } from '../canvas.js';
import { helpRows } from '../key-map.js';

/**
 * Draw the help screen.
 *
 * @example
 * ```ts
 * drawHelp(24, 80, { readonly: false }).rowText(0);
 * ```
 */
export function drawHelp(rows: number, width: number, options: { readonly readonly: boolean; readonly version?: string }): Canvas {
  const canvas = new Canvas(rows, width);
  const help = helpRows();
  const keyWidth = Math.max(...help.map((row) => row.keys.length));
  const lines: { key: string; text: string; signal: boolean }[] = [];
  for (const [i, row] of help.entries()) {
    if (i > 0 && row.section !== help[i - 1]?.section) lines.push({ key: '', text: '', signal: false });
    lines.push({ key: row.keys, text: row.text, signal: row.signal });
  }
  const blockWidth = keyWidth + 3 + Math.max(...lines.map((l) => l.text.length));
  const x = Math.max(0, Math.floor((width - blockWidth) / 2));
  let y = Math.max(0, Math.floor((rows - lines.length - 3) / 2));
  const title = `nvitop-node${options.version === undefined ? '' : ` ${options.version}`} — keys of the monitor`;
  canvas.text(y, x, title, { bold: true });
  y += 2;
  for (const { key, text, signal } of lines) {
    const dim = options.readonly && signal;
    canvas.text(y, x, key.padStart(keyWidth), dim ? { dim: true } : { fg: 'cyan', bold: true });
    canvas.text(y, x + keyWidth + 3, text, dim ? { dim: true } : undefined);
    y += 1;
  }
  canvas.text(Math.min(rows - 1, y + 1), x, 'Press any key to return.', { dim: true });
  return canvas;
}
