/**
 * The ASCII fallback (`--ascii`): box drawing and block characters become `= - + |`, as nvitop
 * translates them.
 *
 * @module
 */
import { mapLineText } from './line.js';
import type { Line } from './types.js';

const FROM = '═─╴╒╤╕╪╘╧╛┌┬┐┼└┴┘│╞╡├┤▏▎▍▌▋▊▉█░▲▼␤';
const TO = '=--++++++++++++++||||||||||||||^v?';
const TABLE: ReadonlyMap<string, string> = new Map([...FROM].map((char, index) => [char, TO[index] as string]));
const PATTERN = new RegExp(`[${FROM}]`, 'gu');

/**
 * Replaces box-drawing and block characters with ASCII ones.
 *
 * @example
 * ```ts
 * toAscii('╒══╕ │ █▌ │'); // '+==+ | || |'
 * ```
 */
export function toAscii(text: string): string {
  return text.replace(PATTERN, (char) => TABLE.get(char) ?? char);
}

/**
 * {@link toAscii} over every segment of every line (styles kept).
 *
 * @example
 * ```ts
 * asciiLines([[{ text: '╞═╡' }]]); // [[{ text: '|=|' }]]
 * ```
 */
export function asciiLines(lines: readonly Line[]): Line[] {
  return lines.map((line) => mapLineText(line, toAscii));
}
