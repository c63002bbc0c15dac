/**
 * Horizontal box borders computed from the vertical lines above and below them, so every joint
 * gets the right character (`╞═╪═╡`, `├─┼─┤`, `├─┴─┤`, `╘═╧═╛`, …).
 *
 * @module
 */

import { graphemes, graphemeWidth, stringWidth } from './text.js';

/**
 * Line weight of a border: `═` (double) or `─` (single).
 *
 * @example
 * ```ts
 * borderLine(79, [0, 78], [], 'double' satisfies BorderKind);
 * ```
 */
export type BorderKind = 'double' | 'single';

// Index: 2 × (line above) + (line below); columns: left end, middle, right end.
const DOUBLE: readonly (readonly [string, string, string])[] = [
  ['═', '═', '═'],
  ['╒', '╤', '╕'],
  ['╘', '╧', '╛'],
  ['╞', '╪', '╡'],
];
const SINGLE: readonly (readonly [string, string, string])[] = [
  ['─', '─', '─'],
  ['┌', '┬', '┐'],
  ['└', '┴', '┘'],
  ['├', '┼', '┤'],
];

/**
 * A border `width` columns wide between a line whose vertical lines are at columns `above` and
 * one whose vertical lines are at `below`.
 *
 * @example
 * ```ts
 * borderLine(5, [0, 4], [0, 2, 4], 'single'); // '├─┬─┤'
 * borderLine(5, [0, 2, 4], [], 'double');     // '╘═╧═╛'
 * ```
 */
export function borderLine(width: number, above: Iterable<number>, below: Iterable<number>, kind: BorderKind): string {
  const up = new Set(above);
  const down = new Set(below);
  const table = kind === 'double' ? DOUBLE : SINGLE;
  let line = '';
  for (let column = 0; column < width; column += 1) {
    const index = (up.has(column) ? 2 : 0) + (down.has(column) ? 1 : 0);
    const place = column === 0 ? 0 : column === width - 1 ? 2 : 1;
    line += (table[index] as readonly [string, string, string])[place];
  }
  return line;
}

/**
 * The columns of the vertical lines (`│`) in a line of text.
 *
 * @example
 * ```ts
 * verticalColumns('│ a │ b │'); // [0, 4, 8]
 * ```
 */
export function verticalColumns(text: string): number[] {
  const columns: number[] = [];
  if (stringWidth(text) === text.length) {
    // Every character one column wide (the usual case): columns are indices.
    for (let i = text.indexOf('│'); i >= 0; i = text.indexOf('│', i + 1)) columns.push(i);
    return columns;
  }
  let column = 0;
  for (const cluster of graphemes(text)) {
    if (cluster === '│') columns.push(column);
    column += graphemeWidth(cluster);
  }
  return columns;
}
