/**
 * A character grid the monitor's screens draw on, curses style: write styled text at a row and
 * column, restyle a span, draw {@link Line}s from the shared renderers, then hand the result to
 * the painter as lines.
 *
 * @module
 */
import type { Line, Segment, Style } from '../render/types.js';
import { styleKey } from './sgr.js';
import { charWidth } from '../render/text.js';

interface Cell {
  ch: string;
  style: Style | undefined;
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
  private readonly cells: Cell[][];

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
    this.cells = Array.from({ length: rows }, () => Array.from({ length: columns }, () => ({ ch: ' ', style: undefined })));
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
    const cells = this.cells[row];
    for (const ch of text) {
      const width = charWidth(ch);
      if (width === 0) continue;
      if (cells !== undefined && x >= 0 && x + width <= this.columns) {
        cells[x] = { ch, style };
        if (width === 2) cells[x + 1] = { ch: '', style };
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
    const cells = this.cells[row];
    if (cells === undefined) return;
    for (let x = Math.max(0, column); x < Math.min(this.columns, column + width); x += 1) {
      const cell = cells[x] as Cell;
      cell.style = replace ? patch : { ...cell.style, ...patch };
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
    for (const cells of this.cells) for (const cell of cells) cell.style = fn(cell.style);
  }

  /**
   * A copy of `rows` rows starting at `top` (rows past the end are blank): the part of a tall
   * screen the terminal shows.
   *
   * @example
   * ```ts
   * const viewport = content.window(scroll, process.stdout.rows);
   * ```
   */
  window(top: number, rows: number): Canvas {
    const out = new Canvas(rows, this.columns);
    for (let r = 0; r < rows; r += 1) {
      const source = this.cells[top + r];
      if (source !== undefined) out.cells[r] = source.map((c) => ({ ...c }));
    }
    return out;
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
    return (this.cells[row] ?? []).map((c) => c.ch).join('');
  }

  /**
   * The canvas as lines of segments (runs of equal style merged).
   *
   * @example
   * ```ts
   * painter.paint(canvas.toLines());
   * ```
   */
  toLines(): Line[] {
    return this.cells.map((cells) => {
      const segments: Segment[] = [];
      let text = '';
      let style: Style | undefined;
      let key: string | undefined;
      for (const cell of cells) {
        if (cell.ch === '') continue;
        const k = styleKey(cell.style);
        if (k !== key && text.length > 0) {
          segments.push(style === undefined ? { text } : { text, style });
          text = '';
        }
        if (k !== key) {
          key = k;
          style = cell.style;
        }
        text += cell.ch;
      }
      if (text.length > 0) segments.push(style === undefined ? { text } : { text, style });
      return segments;
    });
  }
}
