/**
 * The terminal the monitor takes over: alternate screen, hidden cursor, no auto-wrap, raw-mode
 * keys, mouse reporting. {@link Terminal.restore} undoes all of it and is safe to call any
 * number of times, from any exit path (including a process `'exit'` handler).
 *
 * @module
 */
import { enterSequence, LEAVE_SEQUENCE } from './escapes.js';

/**
 * A taken-over terminal.
 *
 * @example
 * ```ts
 * const terminal = new Terminal(process.stdin, process.stdout);
 * terminal.enter();
 * try { ... } finally { terminal.restore(); }
 * ```
 */
export class Terminal {
  private entered = false;
  private written = 0;

  /**
   * @param input the TTY to read keys from
   * @param output the TTY to draw on
   * @example
   * ```ts
   * new Terminal(process.stdin, process.stdout);
   * ```
   */
  constructor(
    readonly input: NodeJS.ReadStream,
    readonly output: NodeJS.WriteStream,
  ) {}

  /**
   * Rows and columns (24 × 80 when the output does not know).
   *
   * @example
   * ```ts
   * const { rows, columns } = terminal.size();
   * ```
   */
  size(): { rows: number; columns: number } {
    return { rows: this.output.rows || 24, columns: this.output.columns || 80 };
  }

  /**
   * Bytes written through {@link Terminal.write} so far.
   *
   * @example
   * ```ts
   * terminal.bytesWritten;
   * ```
   */
  get bytesWritten(): number {
    return this.written;
  }

  /**
   * Write to the terminal (errors such as EIO after a hang-up are swallowed: the caller's
   * signal and exit handlers deal with a terminal that went away).
   *
   * @example
   * ```ts
   * terminal.write('\x1b[1;1H');
   * ```
   */
  write(data: string): void {
    this.written += Buffer.byteLength(data);
    try {
      this.output.write(data);
    } catch {
      // terminal gone
    }
  }

  /**
   * Switch to the alternate screen, hide the cursor, enable raw mode and the mouse.
   *
   * @example
   * ```ts
   * terminal.enter();
   * ```
   */
  enter(): void {
    if (this.entered) return;
    this.entered = true;
    if (this.input.isTTY) this.input.setRawMode(true);
    this.input.setEncoding('utf8');
    this.input.resume();
    this.write(enterSequence({ mouse: true }));
  }

  /**
   * Put everything back (main screen, cursor, auto-wrap, no mouse, cooked mode). Idempotent.
   *
   * @example
   * ```ts
   * process.on('exit', () => terminal.restore());
   * ```
   */
  restore(): void {
    if (!this.entered) return;
    this.entered = false;
    this.write(LEAVE_SEQUENCE);
    try {
      if (this.input.isTTY) this.input.setRawMode(false);
    } catch {
      // input closed
    }
    this.input.pause();
  }
}
