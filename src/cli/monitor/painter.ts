/**
 * The line-diffing painter: keeps what the screen shows as a grid of cells and, for each new
 * frame, writes only the cells between the first and the last that changed on each row. A frame
 * where nothing changed writes nothing at all.
 *
 * @module
 */
import { graphemes, graphemeWidth } from '../render/text.js';
import type { Line, Style } from '../render/types.js';
import type { Canvas, CellRow } from './canvas.js';
import { moveTo, SGR_RESET } from './escapes.js';
import { sgr, styleKey, type SgrOptions } from './sgr.js';

/**
 * A line as exactly `columns` cells (cut or padded with blanks).
 *
 * @example
 * ```ts
 * lineToCells([{ text: 'ab' }], 4).chars.join(''); // 'ab  '
 * ```
 */
export function lineToCells(line: Line, columns: number): CellRow {
  const chars: string[] = [];
  const styles: (Style | undefined)[] = [];
  outer: for (const segment of line) {
    for (const ch of graphemes(segment.text)) {
      const width = graphemeWidth(ch);
      if (width === 0) continue;
      if (chars.length + width > columns) break outer;
      chars.push(ch);
      styles.push(segment.style);
      if (width === 2) {
        chars.push('');
        styles.push(segment.style);
      }
    }
  }
  while (chars.length < columns) {
    chars.push(' ');
    styles.push(undefined);
  }
  return { chars, styles };
}

interface ScreenRow {
  readonly chars: readonly string[];
  readonly styles: readonly (Style | undefined)[];
}

function sameCell(a: ScreenRow, b: ScreenRow, x: number): boolean {
  if (a.chars[x] !== b.chars[x]) return false;
  const s = a.styles[x];
  const t = b.styles[x];
  return s === t || styleKey(s) === styleKey(t);
}

/**
 * Paints frames on a terminal, writing only what changed since the last frame.
 *
 * @example
 * ```ts
 * const painter = new Painter((s) => process.stdout.write(s), { light: false, noColor: false });
 * painter.resize(process.stdout.rows, process.stdout.columns);
 * painter.paint(canvas); // the first frame: everything
 * painter.paint(canvas); // unchanged: 0 bytes
 * ```
 */
export class Painter {
  private rows = 0;
  private columns = 0;
  private screen: (ScreenRow | undefined)[] = [];
  private bytes = 0;

  /**
   * @param write where the escape sequences go (the terminal's output)
   * @param options how styles become escape codes
   * @example
   * ```ts
   * const painter = new Painter((s) => process.stdout.write(s), { light: false, noColor: false });
   * painter.resize(24, 80);
   * painter.paint([[{ text: 'hello' }]]);
   * ```
   */
  constructor(
    private readonly write: (data: string) => void,
    private readonly options: SgrOptions,
  ) {}

  /**
   * Set the screen size; the next frame is painted in full.
   *
   * @example
   * ```ts
   * painter.resize(process.stdout.rows, process.stdout.columns);
   * ```
   */
  resize(rows: number, columns: number): void {
    this.rows = rows;
    this.columns = columns;
    this.invalidate();
  }

  /**
   * Forget what the screen shows: the next frame is painted in full (after a forced refresh or
   * when something else may have written to the terminal).
   *
   * @example
   * ```ts
   * painter.invalidate();
   * ```
   */
  invalidate(): void {
    this.screen = new Array<undefined>(this.rows).fill(undefined);
  }

  /**
   * Total bytes written since the painter was made.
   *
   * @example
   * ```ts
   * const before = painter.bytesWritten; painter.paint(frame); painter.bytesWritten - before;
   * ```
   */
  get bytesWritten(): number {
    return this.bytes;
  }

  private rowOf(frame: readonly Line[] | Canvas, row: number): ScreenRow {
    if (Array.isArray(frame)) return lineToCells((frame as readonly Line[])[row] ?? [], this.columns);
    const canvas = frame as Canvas;
    const cells = canvas.cellRow(row);
    if (cells.chars.length === this.columns && canvas.columns === this.columns) return cells;
    // Another width: cut or pad.
    const chars = cells.chars.slice(0, this.columns);
    const styles = cells.styles.slice(0, this.columns);
    if (chars[chars.length - 1] !== undefined && cells.chars[this.columns] === '') {
      chars[chars.length - 1] = ' ';
    }
    while (chars.length < this.columns) {
      chars.push(' ');
      styles.push(undefined);
    }
    return { chars, styles };
  }

  /**
   * Paint a frame: a canvas, or one {@link Line} per screen row (missing rows are blank, extra
   * rows and columns are cut). Returns the number of bytes written.
   *
   * @example
   * ```ts
   * painter.paint([[{ text: 'GPU 0', style: { fg: 'green' } }]]); // > 0
   * painter.paint([[{ text: 'GPU 0', style: { fg: 'green' } }]]); // 0: nothing changed
   * ```
   */
  paint(frame: readonly Line[] | Canvas): number {
    let out = '';
    const last = this.columns - 1;
    for (let row = 0; row < this.rows; row += 1) {
      const cells = this.rowOf(frame, row);
      const old = this.screen[row];
      let first = 0;
      let end = last;
      if (old !== undefined) {
        while (first <= last && sameCell(cells, old, first)) first += 1;
        if (first > last) continue;
        while (end > first && sameCell(cells, old, end)) end -= 1;
        // Never start or end inside a wide character.
        while (first > 0 && (cells.chars[first] === '' || old.chars[first] === '')) first -= 1;
        while (end < last && (cells.chars[end + 1] === '' || old.chars[end + 1] === '')) end += 1;
      }
      out += moveTo(row, first);
      let key: string | undefined;
      for (let column = first; column <= end; column += 1) {
        const ch = cells.chars[column] as string;
        if (ch === '') continue;
        const style = cells.styles[column];
        const k = styleKey(style);
        if (k !== key) {
          out += sgr(style, this.options);
          key = k;
        }
        out += ch;
      }
      out += SGR_RESET;
      // Keep a copy: the caller's rows may be reused.
      this.screen[row] = { chars: [...cells.chars], styles: [...cells.styles] };
    }
    if (out.length === 0) return 0;
    this.write(out);
    const bytes = Buffer.byteLength(out);
    this.bytes += bytes;
    return bytes;
  }
}
