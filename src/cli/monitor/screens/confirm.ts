/**
 * The confirmation box of the signal keys: which processes, and four buttons (SIGTERM,
 * SIGKILL, SIGINT, Cancel) with the pressed key's signal highlighted first.
 *
 * @module
 */
import type { Canvas } from '../canvas.js';
import { cutString } from '../../render/text.js';

/** The signals the monitor sends. */
export type MonitorSignal = 'SIGTERM' | 'SIGKILL' | 'SIGINT';

/**
 * The buttons, in order, with their keys and signals.
 *
 * @example
 * ```ts
 * CONFIRM_OPTIONS.findIndex((o) => o.signal === 'SIGKILL'); // 1
 * ```
 */
export const CONFIRM_OPTIONS = [
  { name: 'SIGTERM', key: 't', signal: 'SIGTERM' },
  { name: 'SIGKILL', key: 'k', signal: 'SIGKILL' },
  { name: 'SIGINT', key: 'i', signal: 'SIGINT' },
  { name: 'Cancel', key: 'c', signal: undefined },
] as const;

/**
 * Index of the Cancel button.
 *
 * @example
 * ```ts
 * CONFIRM_OPTIONS[CANCEL].name; // 'Cancel'
 * ```
 */
export const CANCEL = 3;

/** An open confirmation box. */
export interface ConfirmState {
  /** The processes the signal goes to. */
  readonly targets: readonly { readonly pid: number; readonly username: string }[];
  /** The highlighted button. */
  current: number;
}

const NAME_WIDTH = 8;
const BOX_WIDTH = (NAME_WIDTH + 6) * CONFIRM_OPTIONS.length + 6;

/**
 * The button at a screen position, if any.
 *
 * @example
 * ```ts
 * buttonAt(state, 24, 80, 14, 12); // 0 (SIGTERM) or undefined
 * ```
 */
export function buttonAt(state: ConfirmState, rows: number, columns: number, row: number, column: number): number | undefined {
  const { y0, x0, height } = geometry(state, rows, columns);
  const buttonRow = y0 + height - 3;
  if (row < buttonRow - 1 || row > buttonRow + 1) return undefined;
  const index = Math.floor((column - x0 - 3) / (NAME_WIDTH + 6));
  if (index < 0 || index >= CONFIRM_OPTIONS.length) return undefined;
  return index;
}

function messageLines(state: ConfirmState): string[] {
  const items = state.targets.map((t) => `${t.pid}(${cutString(t.username, 24, '+')})`);
  const width = BOX_WIDTH - 6;
  if (items.length === 1) {
    const text = `Send signal to process ${items[0]}?`;
    const pad = Math.max(0, Math.floor((width - text.length) / 2));
    return [' '.repeat(pad) + text];
  }
  const longest = Math.max(...items.map((s) => s.length));
  const lines = ['Send signal to the following processes?', ''];
  let line = '';
  for (const item of items.map((s) => s.padEnd(longest))) {
    if (line.length > 0 && line.length + 1 + item.length > width) {
      lines.push(line);
      line = '';
    }
    line = line.length === 0 ? item : `${line} ${item}`;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function geometry(state: ConfirmState, rows: number, columns: number): { y0: number; x0: number; height: number } {
  const height = messageLines(state).length + 7;
  return { y0: Math.floor((rows - height) / 2), x0: Math.floor((columns - BOX_WIDTH) / 2), height };
}

/**
 * Draw the box centred on the canvas (whose content the caller has dimmed).
 *
 * @example
 * ```ts
 * drawConfirm(canvas, { targets: [{ pid: 1234, username: 'alice' }], current: 0 }, 0);
 * ```
 */
export function drawConfirm(canvas: Canvas, state: ConfirmState, top: number): void {
  const { y0, x0 } = geometry(state, canvas.rows - top, canvas.columns);
  const inner = BOX_WIDTH - 4;
  const y = top + y0;
  const body = messageLines(state).map((l) => ` │ ${l.padEnd(BOX_WIDTH - 6)} │ `);
  const buttonTop = ` │  ${CONFIRM_OPTIONS.map(() => `┌${'─'.repeat(NAME_WIDTH + 2)}┐`).join('  ')}  │ `;
  const buttonMid = ` │  ${CONFIRM_OPTIONS.map((o) => {
    const left = Math.floor((NAME_WIDTH - o.name.length) / 2);
    return `│ ${' '.repeat(left)}${o.name}${' '.repeat(NAME_WIDTH - o.name.length - left)} │`;
  }).join('  ')}  │ `;
  const buttonBottom = ` │  ${CONFIRM_OPTIONS.map(() => `└${'─'.repeat(NAME_WIDTH + 2)}┘`).join('  ')}  │ `;
  const lines = [
    ` ╒${'═'.repeat(inner)}╕ `,
    ` │${' '.repeat(inner)}│ `,
    ...body,
    ` │${' '.repeat(inner)}│ `,
    buttonTop,
    buttonMid,
    buttonBottom,
    ` ╘${'═'.repeat(inner)}╛ `,
  ];
  lines.forEach((line, i) => canvas.text(y + i, x0, line));
  const buttonRow = y + lines.length - 3;
  CONFIRM_OPTIONS.forEach((o, i) => {
    const bx = x0 + 6 + i * (NAME_WIDTH + 6);
    const nameX = bx + Math.floor((NAME_WIDTH - o.name.length) / 2);
    if (o.signal !== undefined) canvas.restyle(buttonRow, nameX, o.name.length, { fg: 'red' });
    canvas.restyle(buttonRow, nameX + (o.signal !== undefined ? 3 : 0), 1, { bold: true, underline: true });
    if (i === state.current) {
      for (let r = buttonRow - 1; r <= buttonRow + 1; r += 1) canvas.restyle(r, bx - 3, NAME_WIDTH + 6, { reverse: true, bold: true });
    }
  });
}
