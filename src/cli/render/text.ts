/**
 * Column-width aware string helpers for the fixed-width tables. Widths are what terminals show:
 * text is measured in grapheme clusters (`Intl.Segmenter`), an East Asian Wide or Fullwidth
 * character takes two columns (Unicode's EastAsianWidth table, from `get-east-asian-width`), an
 * emoji sequence (ZWJ, flag, keycap, skin tone: `👩‍💻`, `🇩🇪`) two, combining marks and format
 * characters none.
 *
 * @module
 */
import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Matches any character that is not certainly one column wide on its own: outside printable
 * ASCII, Latin-1, the box-drawing and block elements (U+2500–U+259F), the sort arrows and the
 * Braille patterns of the graphs. Text without one is measured by its length.
 */
const NOT_NARROW = /[^\x20-\x7e\u00a0-\u02ff\u2500-\u259f\u25b2\u25bc\u2800-\u28ff]/;
/** A code point that takes no column: a combining mark, a format or default-ignorable character. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
/** What makes a cluster of several code points an emoji sequence. */
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;

let segmenter: Intl.Segmenter | undefined;

/**
 * The grapheme clusters of `text` (what a terminal draws as one character: `e` + a combining
 * accent, `👩‍💻`, a flag).
 *
 * @example
 * ```ts
 * graphemes('a👩‍💻b'); // ['a', '👩‍💻', 'b']
 * ```
 */
export function graphemes(text: string): string[] {
  if (!NOT_NARROW.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (part) => part.segment);
}

/**
 * Terminal columns that one code point takes on its own: 0 (controls, combining marks, format
 * characters), 2 (East Asian Wide and Fullwidth) or 1.
 *
 * @example
 * ```ts
 * charWidth('a'); // 1
 * charWidth('中'); // 2
 * charWidth('\u200d'); // 0 (zero-width joiner)
 * ```
 */
export function charWidth(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return eastAsianWidth(cp);
}

/**
 * Terminal columns that one grapheme cluster takes: an emoji sequence of several code points
 * (`👩‍💻`, `🇩🇪`, `1️⃣`, `👍🏽`) 2, otherwise the width of its first code point (the marks that
 * follow it take none).
 *
 * @example
 * ```ts
 * graphemeWidth('👩‍💻'); // 2
 * graphemeWidth('é');  // 1 (e + U+0301)
 * ```
 */
export function graphemeWidth(cluster: string): number {
  const first = cluster.codePointAt(0) ?? 0;
  if (cluster.length > (first > 0xffff ? 2 : 1) && EMOJI_PART.test(cluster)) return 2;
  return charWidth(cluster);
}

/**
 * Terminal columns that `text` takes.
 *
 * @example
 * ```ts
 * stringWidth('GPU'); // 3
 * stringWidth('用户'); // 4
 * stringWidth('🚀 ✅ ⚡'); // 8
 * ```
 */
export function stringWidth(text: string): number {
  if (!NOT_NARROW.test(text)) return text.length;
  let width = 0;
  for (const cluster of graphemes(text)) width += graphemeWidth(cluster);
  return width;
}

/**
 * The longest prefix of `text` that fits in `columns` terminal columns (never splitting a
 * grapheme cluster).
 *
 * @example
 * ```ts
 * takeColumns('abcdef', 3); // 'abc'
 * ```
 */
export function takeColumns(text: string, columns: number): string {
  if (!NOT_NARROW.test(text)) return text.slice(0, Math.max(0, columns));
  let width = 0;
  let out = '';
  for (const cluster of graphemes(text)) {
    const w = graphemeWidth(cluster);
    if (width + w > columns) break;
    width += w;
    out += cluster;
  }
  return out;
}

/**
 * `text` without its first `columns` terminal columns (a wide character cut in half is dropped).
 *
 * @example
 * ```ts
 * dropColumns('abcdef', 2); // 'cdef'
 * ```
 */
export function dropColumns(text: string, columns: number): string {
  if (!NOT_NARROW.test(text)) return text.slice(Math.max(0, columns));
  let width = 0;
  const clusters = graphemes(text);
  let start = 0;
  while (start < clusters.length && width < columns) {
    width += graphemeWidth(clusters[start] as string);
    start += 1;
  }
  return clusters.slice(start).join('');
}

/**
 * The longest suffix of `text` that fits in `columns` terminal columns.
 *
 * @example
 * ```ts
 * takeLastColumns('abcdef', 2); // 'ef'
 * ```
 */
export function takeLastColumns(text: string, columns: number): string {
  const clusters = graphemes(text);
  let width = 0;
  let index = clusters.length;
  while (index > 0) {
    const w = graphemeWidth(clusters[index - 1] as string);
    if (width + w > columns) break;
    width += w;
    index -= 1;
  }
  return clusters.slice(index).join('');
}

/**
 * Pads `text` on the right with spaces to `columns` terminal columns (never truncates), like
 * Python's `str.ljust`.
 *
 * @example
 * ```ts
 * padEnd('ab', 4); // 'ab  '
 * ```
 */
export function padEnd(text: string, columns: number): string {
  const width = stringWidth(text);
  return width >= columns ? text : text + ' '.repeat(columns - width);
}

/**
 * Pads `text` on the left with spaces to `columns` terminal columns (never truncates), like
 * Python's `str.rjust` / `format(x, '>n')`.
 *
 * @example
 * ```ts
 * padStart('7', 3); // '  7'
 * ```
 */
export function padStart(text: string, columns: number): string {
  const width = stringWidth(text);
  return width >= columns ? text : ' '.repeat(columns - width) + text;
}

/**
 * Centres `text` in `columns` terminal columns (extra space on the right, like Python's `^`).
 *
 * @example
 * ```ts
 * center('P0', 4); // ' P0 '
 * ```
 */
export function center(text: string, columns: number): string {
  const width = stringWidth(text);
  if (width >= columns) return text;
  const left = Math.floor((columns - width) / 2);
  return ' '.repeat(left) + text + ' '.repeat(columns - width - left);
}

/**
 * Exactly `columns` terminal columns: `text` padded on the right, or cut.
 *
 * @example
 * ```ts
 * fitColumns('abcdef', 4); // 'abcd'
 * fitColumns('ab', 4);     // 'ab  '
 * ```
 */
export function fitColumns(text: string, columns: number): string {
  return padEnd(takeColumns(text, columns), columns);
}

/**
 * Shortens `text` to at most `maxColumns` columns, marking the cut with `pad`: `align: 'left'`
 * keeps the start (`'python trai..'`), `'right'` keeps the end (`'..A100-SXM4-80GB'`).
 *
 * @example
 * ```ts
 * cutString('python train.py --epochs 100', 16, '..'); // 'python train.p..'
 * cutString('A100-SXM4-80GB-XYZ', 10, '..', 'right');    // '..80GB-XYZ'
 * ```
 */
export function cutString(text: string, maxColumns: number, pad = '...', align: 'left' | 'right' = 'left'): string {
  if (stringWidth(text) <= maxColumns) return text;
  const padWidth = stringWidth(pad);
  if (padWidth >= maxColumns) return takeColumns(pad, maxColumns);
  if (align === 'left') return takeColumns(text, maxColumns - padWidth) + pad;
  return pad + takeLastColumns(text, maxColumns - padWidth);
}
