/**
 * The terminal control sequences the monitor writes (xterm/VT100 dialect, understood by every
 * terminal emulator and by tmux/screen). Constants only: no I/O here.
 *
 * @module
 */

/** Control Sequence Introducer. */
export const CSI = '\x1b[';

/** Switch to the alternate screen (and remember the cursor position). */
export const ENTER_ALT_SCREEN = `${CSI}?1049h`;
/** Back to the main screen (and restore the cursor position). */
export const LEAVE_ALT_SCREEN = `${CSI}?1049l`;
/** Hide the cursor. */
export const HIDE_CURSOR = `${CSI}?25l`;
/** Show the cursor. */
export const SHOW_CURSOR = `${CSI}?25h`;
/** Report mouse button presses/releases and the wheel (1000) in SGR encoding (1006). */
export const ENABLE_MOUSE = `${CSI}?1000h${CSI}?1006h`;
/** Stop reporting the mouse. */
export const DISABLE_MOUSE = `${CSI}?1006l${CSI}?1000l`;
/** Disable auto-wrap, so that writing the last column never scrolls the screen. */
export const DISABLE_AUTOWRAP = `${CSI}?7l`;
/** Re-enable auto-wrap (the terminal's default). */
export const ENABLE_AUTOWRAP = `${CSI}?7h`;
/** Reset all text attributes. */
export const SGR_RESET = `${CSI}0m`;
/** Erase from the cursor to the end of the line. */
export const ERASE_LINE_RIGHT = `${CSI}K`;
/** Erase the whole screen. */
export const ERASE_SCREEN = `${CSI}2J`;

/**
 * Move the cursor to a 0-based row and column.
 *
 * @example
 * ```ts
 * moveTo(0, 0); // '\x1b[1;1H'
 * ```
 */
export function moveTo(row: number, column: number): string {
  return `${CSI}${row + 1};${column + 1}H`;
}

/** Everything {@link enterSequence} turned on, turned off again, in reverse order. */
export const LEAVE_SEQUENCE = `${SGR_RESET}${DISABLE_MOUSE}${ENABLE_AUTOWRAP}${SHOW_CURSOR}${LEAVE_ALT_SCREEN}`;

/**
 * What the monitor writes when it takes over the terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(enterSequence({ mouse: true }));
 * ```
 */
export function enterSequence(options: { readonly mouse: boolean }): string {
  return `${ENTER_ALT_SCREEN}${HIDE_CURSOR}${DISABLE_AUTOWRAP}${options.mouse ? ENABLE_MOUSE : ''}${SGR_RESET}${ERASE_SCREEN}`;
}
