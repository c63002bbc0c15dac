import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { commandJoin, quoteArgument } from '../../../src/core/host/index.js';

describe('quoteArgument (POSIX, nvitop add_quotes)', () => {
  const table: Array<[string, string]> = [
    ['', '""'],
    ['plain', 'plain'],
    ['--lr=0.1', '--lr=0.1'],
    ['no"space', 'no"space'], // no $ \ newline and no space: as is, even with a double quote
    ["it's", "it's"],
    ['a;b&c|d', 'a;b&c|d'],
    ['two words', '"two words"'],
    ["it's fine", `"it's fine"`],
    ['say "hi" now', `'say "hi" now'`],
    ['$HOME', "'$HOME'"],
    ['C:\\dir', "'C:\\dir'"],
    ['a b $c', "'a b $c'"],
    ['line1\nline2', '"line1\\nline2"'],
    ["it's $x", `"it's \\$x"`],
    [`it's "q" \\ $`, `"it's \\"q\\" \\\\ \\$"`],
  ];
  it.each(table)('%j → %s', (input, expected) => {
    expect(quoteArgument(input, 'posix')).toBe(expected);
  });
});

describe('quoteArgument (Windows)', () => {
  const table: Array<[string, string]> = [
    ['', '""'],
    ['plain', 'plain'],
    ['two words', '"two words"'],
    ['100%', '"100^%"'],
    ['a^b', '"a^^b"'],
    ['say "hi" now', '"say ^"hi^" now"'],
    ['x\ny', '"x\\ny"'],
  ];
  it.each(table)('%j → %s', (input, expected) => {
    expect(quoteArgument(input, 'windows')).toBe(expected);
  });
});

describe('commandJoin', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-cj-'));
  const fileWithSpace = path.join(dir, 'my tool');
  fs.writeFileSync(fileWithSpace, '');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('joins quoted arguments', () => {
    expect(commandJoin(['python3', '-c', 'import os; print(1)'], 'posix')).toBe('python3 -c "import os; print(1)"');
    expect(commandJoin(['echo', '', '$HOME', 'a b'], 'posix')).toBe(`echo "" '$HOME' "a b"`);
    expect(commandJoin([], 'posix')).toBe('');
  });

  it('returns a single argument as is unless it is an absolute path of an existing file', () => {
    expect(commandJoin(['ray::Worker idle $x'], 'posix')).toBe('ray::Worker idle $x');
    expect(commandJoin([''], 'posix')).toBe('');
    expect(commandJoin(['relative path'], 'posix')).toBe('relative path');
    expect(commandJoin([path.join(dir, 'missing file')], 'posix')).toBe(path.join(dir, 'missing file'));
    expect(commandJoin([dir + '/'], 'posix')).toBe(dir + '/'); // a directory is not a file
    expect(commandJoin([fileWithSpace], 'posix')).toBe(`"${fileWithSpace}"`);
    expect(commandJoin(['/bin/sh'], 'posix')).toBe('/bin/sh');
  });

  it('uses the platform style by default', () => {
    expect(commandJoin(['a', 'b c'])).toBe('a "b c"');
  });
});
