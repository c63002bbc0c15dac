/**
 * What the monitor shows on a terminal narrower than 79 columns: a centred box saying so.
 *
 * @module
 */
import { Canvas } from '../canvas.js';

/**
 * Draw the "too narrow" message, wrapped into a centred box.
 *
 * @example
 * ```ts
 * drawNarrow(24, 60).rowText(10); // '│ nvitop needs at least a width of 79 to render, │' (centred)
 * ```
 */
export function drawNarrow(rows: number, columns: number): Canvas {
  const canvas = new Canvas(rows, columns);
  const message = `nvitop needs at least a width of 79 to render, the current width is ${columns}.`;
  const maxWidth = Math.min(Math.max(columns, 40), columns, 60) - 10;
  const lines: string[] = [];
  for (const word of message.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + word.length + 1 <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const inner = Math.max(...lines.map((l) => l.length));
  const boxWidth = inner + 4;
  const box = [
    `╒${'═'.repeat(boxWidth - 2)}╕`,
    `│${' '.repeat(boxWidth - 2)}│`,
    ...lines.map((l) => `│ ${l.padEnd(inner)} │`),
    `│${' '.repeat(boxWidth - 2)}│`,
    `╘${'═'.repeat(boxWidth - 2)}╛`,
  ];
  const y0 = Math.floor((rows - box.length) / 2);
  const x0 = Math.floor((columns - boxWidth) / 2);
  box.forEach((line, i) => canvas.text(y0 + i, x0, line));
  return canvas;
}
