/**
 * The terminal control sequences the monitor writes (xterm/VT100 dialect, understood by every
 * terminal emulator and by tmux/screen). Strings only: no I/O here.
 *
 * @module
 */

const CSI = '\x1b[';
const ENTER_ALT_SCREEN = `${CSI}?1049h`;
const LEAVE_ALT_SCREEN = `${CSI}?1049l`;
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
// Button presses/releases and the wheel (1000), reported in SGR encoding (1006).
const ENABLE_MOUSE = `${CSI}?1000h${CSI}?1006h`;
const DISABLE_MOUSE = `${CSI}?1006l${CSI}?1000l`;
// No auto-wrap while the monitor draws: writing the last column never scrolls the screen.
const DISABLE_AUTOWRAP = `${CSI}?7l`;
const ENABLE_AUTOWRAP = `${CSI}?7h`;
const ERASE_SCREEN = `${CSI}2J`;

/**
 * Reset all text attributes.
 *
 * @example
 * ```ts
 * process.stdout.write(`${sgr({ bold: true })}bold${SGR_RESET}`);
 * ```
 */
export const SGR_RESET = `${CSI}0m`;

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

/**
 * What the monitor writes when it takes over the terminal: alternate screen, hidden cursor, no
 * auto-wrap, mouse reporting (optional), a clean screen.
 *
 * @example
 * ```ts
 * process.stdout.write(enterSequence({ mouse: true }));
 * ```
 */
export function enterSequence(options: { readonly mouse: boolean }): string {
  return `${ENTER_ALT_SCREEN}${HIDE_CURSOR}${DISABLE_AUTOWRAP}${options.mouse ? ENABLE_MOUSE : ''}${SGR_RESET}${ERASE_SCREEN}`;
}

/**
 * Everything {@link enterSequence} turned on, turned off again: attributes reset, no mouse,
 * auto-wrap back, cursor shown, main screen (with the cursor where it was).
 *
 * @example
 * ```ts
 * process.on('exit', () => process.stdout.write(LEAVE_SEQUENCE));
 * ```
 */
export const LEAVE_SEQUENCE = `${SGR_RESET}${DISABLE_MOUSE}${ENABLE_AUTOWRAP}${SHOW_CURSOR}${LEAVE_ALT_SCREEN}`;
