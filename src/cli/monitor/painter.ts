/**
 * The line-diffing painter: keeps what the screen shows as a grid of cells and, for each new
 * frame, writes only the cells between the first and the last that changed on each row. A frame
 * where nothing changed writes nothing at all.
 *
 * @module
 */
import type { Line, Style } from '../render/types.js';
import { moveTo, SGR_RESET } from './escapes.js';
import { sgr, styleKey, type SgrOptions } from './sgr.js';
import { charWidth } from '../render/text.js';

interface Cell {
  /** The character; `''` for the right half of a wide character. */
  readonly ch: string;
  readonly key: string;
  readonly style: Style | undefined;
}

const BLANK: Cell = { ch: ' ', key: '', style: undefined };

/**
 * A line as exactly `columns` cells (cut or padded with blanks).
 *
 * @example
 * ```ts
 * lineToCells([{ text: 'ab' }], 4).map((c) => c.ch).join(''); // 'ab  '
 * ```
 */
export function lineToCells(line: Line, columns: number): readonly Cell[] {
  const cells: Cell[] = [];
  outer: for (const segment of line) {
    const key = styleKey(segment.style);
    for (const ch of segment.text) {
      const width = charWidth(ch);
      if (width === 0) continue;
      if (cells.length + width > columns) break outer;
      cells.push({ ch, key, style: segment.style });
      if (width === 2) cells.push({ ch: '', key, style: segment.style });
    }
  }
  while (cells.length < columns) cells.push(BLANK);
  return cells;
}

function sameCell(a: Cell | undefined, b: Cell | undefined): boolean {
  return a !== undefined && b !== undefined && a.ch === b.ch && a.key === b.key;
}

/** Paints frames on a terminal, writing only what changed since the last frame. */
export class Painter {
  private rows = 0;
  private columns = 0;
  private screen: (readonly Cell[] | undefined)[] = [];
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

  /**
   * Paint a frame (one {@link Line} per screen row; missing rows are blank, extra rows and
   * columns are cut). Returns the number of bytes written.
   *
   * @example
   * ```ts
   * painter.paint([[{ text: 'GPU 0', style: { fg: 'green' } }]]); // > 0
   * painter.paint([[{ text: 'GPU 0', style: { fg: 'green' } }]]); // 0: nothing changed
   * ```
   */
  paint(frame: readonly Line[]): number {
    let out = '';
    for (let row = 0; row < this.rows; row += 1) {
      const cells = lineToCells(frame[row] ?? [], this.columns);
      const old = this.screen[row];
      let first = 0;
      let last = this.columns - 1;
      if (old !== undefined) {
        while (first < this.columns && sameCell(cells[first], old[first])) first += 1;
        if (first === this.columns) continue;
        while (last > first && sameCell(cells[last], old[last])) last -= 1;
        // Never start or end inside a wide character.
        while (first > 0 && cells[first]?.ch === '') first -= 1;
        while (last < this.columns - 1 && (cells[last + 1]?.ch === '' || old[last + 1]?.ch === '')) last += 1;
      }
      out += moveTo(row, first);
      let key: string | undefined;
      for (let column = first; column <= last; column += 1) {
        const cell = cells[column] as Cell;
        if (cell.ch === '') continue;
        if (cell.key !== key) {
          out += sgr(cell.style, this.options);
          key = cell.key;
        }
        out += cell.ch;
      }
      out += SGR_RESET;
      this.screen[row] = cells;
    }
    if (out.length === 0) return 0;
    this.write(out);
    const bytes = Buffer.byteLength(out);
    this.bytes += bytes;
    return bytes;
  }
}
