/**
 * File loggers: CSV (wide or long) and JSON Lines.
 *
 * @module
 */

export { CsvLogger } from './csv.js';
export type { CsvLoggerOptions } from './csv.js';
export { JsonlLogger } from './jsonl.js';
export type { JsonlLoggerOptions } from './jsonl.js';
