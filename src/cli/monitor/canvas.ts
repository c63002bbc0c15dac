/**
 * A character grid the monitor's screens draw on, curses style: write styled text at a row and
 * column, restyle a span, draw {@link Line}s from the shared renderers, then hand it to the
 * painter.
 *
 * @module
 */
import { graphemes, graphemeWidth } from '../render/text.js';
import type { Line, Segment, Style } from '../render/types.js';
import { styleKey } from './sgr.js';

/**
 * One row of cells: characters (a grapheme cluster each; `''` for the right half of a wide one)
 * and styles.
 */
export interface CellRow {
  /** One entry per column. */
  readonly chars: readonly string[];
  /** One entry per column. */
  readonly styles: readonly (Style | undefined)[];
}

/**
 * A fixed-size grid of styled cells.
 *
 * @example
 * ```ts
 * const canvas = new Canvas(24, 80);
 * canvas.text(0, 0, 'Hello', { fg: 'green' });
 * canvas.restyle(0, 0, 5, { bold: true });
 * canvas.toLines(); // 24 lines
 * ```
 */
export class Canvas {
  private readonly chars: string[][];
  private readonly styles: (Style | undefined)[][];

  /**
   * @param rows height in rows
   * @param columns width in columns
   * @example
   * ```ts
   * new Canvas(process.stdout.rows, process.stdout.columns);
   * ```
   */
  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.chars = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
    this.styles = Array.from({ length: rows }, () => new Array<Style | undefined>(columns).fill(undefined));
  }

  /**
   * Write text at a position (cut at the right edge; rows outside the canvas are ignored).
   * Returns the column after the text.
   *
   * @example
   * ```ts
   * canvas.text(1, 2, 'GPU 0', { fg: 'green' }); // 7
   * ```
   */
  text(row: number, column: number, text: string, style?: Style): number {
    let x = column;
    const chars = this.chars[row];
    const styles = this.styles[row];
    for (const ch of graphemes(text)) {
      const code = ch.charCodeAt(0);
      const width = code >= 0x20 && code < 0x7f ? 1 : graphemeWidth(ch);
      if (width === 0) continue;
      if (chars !== undefined && styles !== undefined && x >= 0 && x + width <= this.columns) {
        chars[x] = ch;
        styles[x] = style;
        if (width === 2) {
          chars[x + 1] = '';
          styles[x + 1] = style;
        }
      }
      x += width;
    }
    return x;
  }

  /**
   * Draw a line of segments at a position. Returns the column after it.
   *
   * @example
   * ```ts
   * canvas.line(3, 0, [{ text: 'MEM: ' }, { text: '████', style: { fg: 'green' } }]);
   * ```
   */
  line(row: number, column: number, line: Line): number {
    let x = column;
    for (const segment of line) x = this.text(row, x, segment.text, segment.style);
    return x;
  }

  /**
   * Change the style of `width` cells (curses `chgat`): `patch` is merged into each cell's
   * style, or replaces it when `replace` is true.
   *
   * @example
   * ```ts
   * canvas.restyle(5, 1, 78, { reverse: true, bold: true, fg: 'cyan' });
   * ```
   */
  restyle(row: number, column: number, width: number, patch: Style, replace = false): void {
    const styles = this.styles[row];
    if (styles === undefined) return;
    const merged = new Map<Style | undefined, Style>();
    for (let x = Math.max(0, column); x < Math.min(this.columns, column + width); x += 1) {
      const old = styles[x];
      let next = replace ? patch : merged.get(old);
      if (next === undefined) {
        next = { ...old, ...patch };
        merged.set(old, next);
      }
      styles[x] = next;
    }
  }

  /**
   * Apply `fn` to the style of every cell (for example to dim the screen behind a dialog).
   *
   * @example
   * ```ts
   * canvas.mapStyles((s) => ({ ...s, dim: true }));
   * ```
   */
  mapStyles(fn: (style: Style | undefined) => Style | undefined): void {
    const mapped = new Map<Style | undefined, Style | undefined>();
    for (const styles of this.styles) {
      for (let x = 0; x < styles.length; x += 1) {
        const old = styles[x];
        if (!mapped.has(old)) mapped.set(old, fn(old));
        styles[x] = mapped.get(old);
      }
    }
  }

  /**
   * The `rows` rows starting at `top` (rows past the end are blank) as a canvas of their own:
   * the part of a tall screen the terminal shows. The rows are shared, not copied.
   *
   * @example
   * ```ts
   * const viewport = content.window(scroll, process.stdout.rows);
   * ```
   */
  window(top: number, rows: number): Canvas {
    const out = new Canvas(rows, this.columns);
    for (let r = 0; r < rows; r += 1) {
      const chars = this.chars[top + r];
      const styles = this.styles[top + r];
      if (chars !== undefined && styles !== undefined) {
        out.chars[r] = chars;
        out.styles[r] = styles;
      }
    }
    return out;
  }

  /**
   * One row's cells (what the painter compares).
   *
   * @example
   * ```ts
   * canvas.cellRow(0).chars.join('');
   * ```
   */
  cellRow(row: number): CellRow {
    return { chars: this.chars[row] ?? [], styles: this.styles[row] ?? [] };
  }

  /**
   * The text of a row (for tests and for finding things on screen).
   *
   * @example
   * ```ts
   * canvas.rowText(0).trimEnd();
   * ```
   */
  rowText(row: number): string {
    return (this.chars[row] ?? []).join('');
  }

  /**
   * The canvas as lines of segments (runs of equal style merged).
   *
   * @example
   * ```ts
   * canvas.toLines().length; // canvas.rows
   * ```
   */
  toLines(): Line[] {
    return this.chars.map((chars, r) => {
      const styles = this.styles[r] as (Style | undefined)[];
      const segments: Segment[] = [];
      let text = '';
      let style: Style | undefined;
      let key: string | undefined;
      for (let x = 0; x < chars.length; x += 1) {
        const ch = chars[x] as string;
        if (ch === '') continue;
        const k = styleKey(styles[x]);
        if (k !== key && text.length > 0) {
          segments.push(style === undefined ? { text } : { text, style });
          text = '';
        }
        if (k !== key) {
          key = k;
          style = styles[x];
        }
        text += ch;
      }
      if (text.length > 0) segments.push(style === undefined ? { text } : { text, style });
      return segments;
    });
  }
}
