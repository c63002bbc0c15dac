/**
 * Column-width aware string helpers for the fixed-width tables: East Asian wide characters take
 * two terminal columns, combining marks none.
 *
 * @module
 */

/**
 * Matches any character that is not certainly one column wide: outside printable ASCII, Latin-1,
 * the box-drawing and block elements (U+2500–U+259F) and the few symbols the tables use.
 */
const NOT_NARROW = /[^\x20-\x7e\u00a0-\u02ff\u2500-\u259f\u2420]/;

/** Whether code point `cp` is a zero-width combining mark or format character. */
function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  );
}

/** Whether code point `cp` is East Asian Wide or Fullwidth (two columns). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/**
 * Terminal columns that one character (code point) takes: 0, 1 or 2.
 *
 * @example
 * ```ts
 * charWidth('a'); // 1
 * charWidth('中'); // 2
 * ```
 */
export function charWidth(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

/**
 * Terminal columns that `text` takes.
 *
 * @example
 * ```ts
 * stringWidth('GPU'); // 3
 * stringWidth('用户'); // 4
 * ```
 */
export function stringWidth(text: string): number {
  if (!NOT_NARROW.test(text)) return text.length;
  let width = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x7f) {
      width += 1;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    if (cp > 0xffff) i += 1;
    width += charWidth(String.fromCodePoint(cp));
  }
  return width;
}

/**
 * The longest prefix of `text` that fits in `columns` terminal columns.
 *
 * @example
 * ```ts
 * takeColumns('abcdef', 3); // 'abc'
 * ```
 */
export function takeColumns(text: string, columns: number): string {
  let width = 0;
  let end = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (width + w > columns) break;
    width += w;
    end += char.length;
  }
  return text.slice(0, end);
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
  let width = 0;
  let start = 0;
  for (const char of text) {
    if (width >= columns) break;
    width += charWidth(char);
    start += char.length;
  }
  return text.slice(start);
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
  const chars = [...text];
  let width = 0;
  let index = chars.length;
  while (index > 0) {
    const w = charWidth(chars[index - 1] as string);
    if (width + w > columns) break;
    width += w;
    index -= 1;
  }
  return chars.slice(index).join('');
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
