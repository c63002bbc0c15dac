/**
 * The monitor's addition to the shared ASCII translation: history graphs' Braille dots become
 * `=` (as nvitop's translation table does), after the box-drawing and block characters.
 *
 * @module
 */
import { toAscii as boxToAscii } from '../render/ascii.js';

/**
 * nvitop's ASCII translation (`--ascii`) including the graph symbols.
 *
 * @example
 * ```ts
 * toAscii('╒══╕ ▲ ⣿'); // '+==+ ^ ='
 * ```
 */
export function toAscii(text: string): string {
  return boxToAscii(text).replace(/[\u2801-\u28ff]/gu, '=');
}
