// An error a command did not expect is one line on stderr (the brief: never a stack trace); the
// stack is there for whoever asks with LOGLEVEL=DEBUG.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unexpectedErrorText } from '../../src/cli/unexpected-error.js';

const SRC_CLI = fileURLToPath(new URL('../../src/cli', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

describe('unexpectedErrorText', () => {
  it('is the first line of the message, with the class name when it says more than Error', () => {
    expect(unexpectedErrorText(new Error('koffi: cannot read\nmore detail'), {})).toBe('koffi: cannot read');
    expect(unexpectedErrorText(new TypeError('x is not a function'), {})).toBe('TypeError: x is not a function');
    expect(unexpectedErrorText(new RangeError(''), {})).toBe('RangeError');
    expect(unexpectedErrorText('plain\nstring', {})).toBe('plain');
    expect(unexpectedErrorText(new Error('boom'), {})).not.toMatch(/\n|\bat /);
  });

  it('is the stack under LOGLEVEL=DEBUG', () => {
    const error = new Error('boom');
    expect(unexpectedErrorText(error, { LOGLEVEL: ' debug ' })).toBe(error.stack);
    expect(unexpectedErrorText(error, { LOGLEVEL: 'INFO' })).toBe('boom');
  });

  it('is what every command prints: no other src/cli file prints an error stack', () => {
    const printers = sourceFiles(SRC_CLI)
      .filter((file) => !file.endsWith('unexpected-error.ts'))
      .filter((file) => /\.stack\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC_CLI, file));
    expect(printers).toEqual([]);
  });
});
