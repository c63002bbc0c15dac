/**
 * The help screen (`h` / `?`): the keys of the monitor. Any key returns.
 *
 * @module
 */
import { Canvas } from '../canvas.js';

const SECTIONS: readonly (readonly [string, string])[][] = [
  [
    ['q', 'Quit and return to the terminal.'],
    ['h ?', 'Show this help screen (any key returns).'],
    ['a f c', 'Display mode: auto / full / compact.'],
    ['r R ^R F5', 'Force refresh (clears the selection).'],
  ],
  [
    ['Up Down', 'Select the previous / next process (also Tab, S-Tab, A-k, A-j, wheel).'],
    ['Home End', 'Select the first / last process.'],
    ['Left Right', 'Scroll the host columns (also A-h, A-l, Shift-wheel).'],
    ['^A ^ / ^E $', 'Scroll to the start / end of the process entries.'],
    ['PgUp PgDn', 'Scroll the whole screen (also [ ], A-K, A-J).'],
    ['Click', 'Select the process under the mouse.'],
  ],
  [
    ['Space', 'Tag / untag the selected process and move down.'],
    ['Esc', 'Clear the selection and the tags.'],
    ['^C I', 'Send SIGINT to the selected / tagged processes.'],
    ['T', 'Send SIGTERM to the selected / tagged processes.'],
    ['K k', 'Send SIGKILL to the selected / tagged processes.'],
  ],
  [
    ['e', 'Show the environment of the selected process.'],
    ['t', 'Toggle the tree view of the GPU processes and their parents.'],
    ['Enter', 'Show the metrics of the selected process, with history graphs.'],
  ],
  [
    [', .', 'Sort by the previous / next column.'],
    ['/', 'Reverse the sort order.'],
    ['on oN', 'Natural order (GPU, then user, then PID), ascending / descending.'],
    ['op ou', 'Sort by PID / USER (lowercase: ascending, uppercase: reversed).'],
    ['og os ob', 'Sort by GPU-MEM / %SM / %GMBW (lowercase: descending).'],
    ['oc om ot', 'Sort by %CPU / %MEM / TIME (lowercase: descending).'],
  ],
];

const SIGNAL_KEYS = new Set(['^C I', 'T', 'K k']);

/**
 * Draw the help screen.
 *
 * @example
 * ```ts
 * drawHelp(24, 80, { readonly: false }).rowText(0);
 * ```
 */
export function drawHelp(rows: number, width: number, options: { readonly readonly: boolean; readonly version?: string }): Canvas {
  const canvas = new Canvas(rows, width);
  const keyWidth = Math.max(...SECTIONS.flat().map(([k]) => k.length));
  const lines: { key: string; text: string }[] = [];
  for (const section of SECTIONS) {
    if (lines.length > 0) lines.push({ key: '', text: '' });
    for (const [key, text] of section) lines.push({ key, text });
  }
  const blockWidth = keyWidth + 3 + Math.max(...lines.map((l) => l.text.length));
  const x = Math.max(0, Math.floor((width - blockWidth) / 2));
  let y = Math.max(0, Math.floor((rows - lines.length - 3) / 2));
  const title = `nvitop-node${options.version === undefined ? '' : ` ${options.version}`} — keys of the monitor`;
  canvas.text(y, x, title, { bold: true });
  y += 2;
  for (const { key, text } of lines) {
    const dim = options.readonly && SIGNAL_KEYS.has(key);
    canvas.text(y, x, key.padStart(keyWidth), dim ? { dim: true } : { fg: 'cyan', bold: true });
    canvas.text(y, x + keyWidth + 3, text, dim ? { dim: true } : undefined);
    y += 1;
  }
  canvas.text(Math.min(rows - 1, y + 1), x, 'Press any key to return.', { dim: true });
  return canvas;
}
