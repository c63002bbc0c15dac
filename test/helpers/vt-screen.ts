/**
 * A tiny VT100/xterm screen model for tests, written independently of src/: applies the
 * escape sequences a program writes (cursor moves, SGR, erase, printable text with wide
 * characters taking two cells) to a grid, so a test can compare what a terminal would show with
 * what was meant to be shown.
 */

export interface VtCell {
  ch: string;
  fg: number | null;
  bold: boolean;
  dim: boolean;
  underline: boolean;
  reverse: boolean;
}

function wide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xff00 && cp <= 0xff60);
}

export class VtScreen {
  readonly cells: VtCell[][];
  row = 0;
  col = 0;
  private attrs: Omit<VtCell, 'ch'> = { fg: null, bold: false, dim: false, underline: false, reverse: false };
  /** Private modes set (`?1049`, `?25`, ...): true = h, false = l. */
  readonly modes = new Map<string, boolean>();

  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.cells = Array.from({ length: rows }, () => this.blankRow());
  }

  private blankRow(): VtCell[] {
    return Array.from({ length: this.columns }, () => ({ ch: ' ', fg: null, bold: false, dim: false, underline: false, reverse: false }));
  }

  private sgr(params: number[]): void {
    if (params.length === 0) params = [0];
    for (let i = 0; i < params.length; i += 1) {
      const p = params[i] as number;
      if (p === 0) this.attrs = { fg: null, bold: false, dim: false, underline: false, reverse: false };
      else if (p === 1) this.attrs.bold = true;
      else if (p === 2) this.attrs.dim = true;
      else if (p === 4) this.attrs.underline = true;
      else if (p === 7) this.attrs.reverse = true;
      else if (p === 22) this.attrs.bold = this.attrs.dim = false;
      else if (p >= 30 && p <= 37) this.attrs.fg = p - 30;
      else if (p >= 90 && p <= 97) this.attrs.fg = p - 90 + 8;
      else if (p === 38 && params[i + 1] === 5) {
        this.attrs.fg = params[i + 2] as number;
        i += 2;
      } else if (p === 39) this.attrs.fg = null;
    }
  }

  write(data: string): void {
    let i = 0;
    while (i < data.length) {
      const c = data[i] as string;
      if (c === '\x1b' && data[i + 1] === '[') {
        const m = /^\x1b\[([?<]?)([0-9;]*)([\x20-\x2f]*)([\x40-\x7e])/.exec(data.slice(i));
        if (m === null) throw new Error(`bad escape at ${i}: ${JSON.stringify(data.slice(i, i + 10))}`);
        const [whole, priv, paramText, , final] = m as unknown as [string, string, string, string, string];
        const params = paramText === '' ? [] : paramText.split(';').map(Number);
        if (priv === '?') {
          for (const p of params) this.modes.set(`?${p}`, final === 'h');
        } else if (final === 'H') {
          this.row = Math.max(0, (params[0] ?? 1) - 1);
          this.col = Math.max(0, (params[1] ?? 1) - 1);
        } else if (final === 'm') this.sgr(params);
        else if (final === 'K') {
          for (let x = this.col; x < this.columns; x += 1) this.cells[this.row]![x] = { ch: ' ', ...this.attrs };
        } else if (final === 'J' && params[0] === 2) {
          for (let r = 0; r < this.rows; r += 1) this.cells[r] = this.blankRow();
        }
        i += whole.length;
        continue;
      }
      const cp = data.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      i += ch.length;
      if (cp < 0x20) {
        if (ch === '\r') this.col = 0;
        else if (ch === '\n') this.row = Math.min(this.rows - 1, this.row + 1);
        continue;
      }
      const w = wide(cp) ? 2 : 1;
      if (this.col + w <= this.columns && this.row < this.rows) {
        this.cells[this.row]![this.col] = { ch, ...this.attrs };
        if (w === 2) this.cells[this.row]![this.col + 1] = { ch: '', ...this.attrs };
      }
      this.col = Math.min(this.columns - 1, this.col + w); // no auto-wrap
    }
  }

  text(row: number): string {
    return this.cells[row]!.map((c) => c.ch).join('');
  }

  lines(): string[] {
    return this.cells.map((_, r) => this.text(r));
  }
}
