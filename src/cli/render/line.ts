/**
 * Small helpers to build and inspect styled {@link Line}s.
 *
 * @module
 */
import type { Line, Segment, Style } from './types.js';
import { stringWidth } from './text.js';

/**
 * A segment of `text` in `style` (no style: the terminal's default).
 *
 * @example
 * ```ts
 * const line: Line = [seg('GPU '), seg('0', { fg: 'green' })];
 * ```
 */
export function seg(text: string, style?: Style): Segment {
  return style === undefined ? { text } : { text, style };
}

/**
 * The plain text of a line (styles dropped).
 *
 * @example
 * ```ts
 * lineText([seg('a'), seg('b', { bold: true })]); // 'ab'
 * ```
 */
export function lineText(line: Line): string {
  let text = '';
  for (const segment of line) text += segment.text;
  return text;
}

/**
 * Terminal columns a line takes.
 *
 * @example
 * ```ts
 * lineWidth([seg('│ GPU │')]); // 7
 * ```
 */
export function lineWidth(line: Line): number {
  return stringWidth(lineText(line));
}

/**
 * Applies `fn` to the text of every segment (styles kept), e.g. for the ASCII translation.
 *
 * @example
 * ```ts
 * mapLineText([seg('═')], (t) => t.replace(/═/g, '=')); // [{ text: '=' }]
 * ```
 */
export function mapLineText(line: Line, fn: (text: string) => string): Line {
  return line.map((segment) => (segment.style === undefined ? { text: fn(segment.text) } : { text: fn(segment.text), style: segment.style }));
}

/**
 * The same segments with `extra` merged into every segment's style (later keys win).
 *
 * @example
 * ```ts
 * withStyle([seg('x')], { dim: true }); // [{ text: 'x', style: { dim: true } }]
 * ```
 */
export function withStyle(line: Line, extra: Style): Line {
  return line.map((segment) => ({ text: segment.text, style: { ...segment.style, ...extra } }));
}
