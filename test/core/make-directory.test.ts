// Folder creation never spins (Node 20's recursive mkdir loops forever under /proc): the lock
// folder and the loggers' folders are created one level at a time and fail at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/core/make-directory.js';
import { CsvLogger, JsonlLogger, SummaryWriter } from '../../src/callbacks/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-mkdir-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function failsFast(fn: () => unknown): NodeJS.ErrnoException {
  const started = Date.now();
  try {
    fn();
  } catch (error) {
    expect(Date.now() - started).toBeLessThan(1000);
    return error as NodeJS.ErrnoException;
  }
  throw new Error('no error');
}

describe('makeDirectory', () => {
  it('creates missing levels and returns the first one it created (as mkdir -p)', () => {
    const target = path.join(dir, 'a', 'b', 'c');
    expect(makeDirectory(target)).toBe(path.join(dir, 'a'));
    expect(fs.statSync(target).isDirectory()).toBe(true);
    expect(makeDirectory(target)).toBeUndefined();
  });

  it('fails at once under /proc and /sys, and when a file is in the way', () => {
    expect(failsFast(() => makeDirectory('/proc/nvitop-x/y')).code).toBe('ENOENT');
    expect(failsFast(() => makeDirectory('/proc/self/nvitop')).code).toMatch(/ENOENT|EACCES|EPERM/);
    expect(failsFast(() => makeDirectory('/sys/nvitop-x')).code).toMatch(/EPERM|EACCES|EROFS/);
    fs.writeFileSync(path.join(dir, 'file'), '');
    const error = failsFast(() => makeDirectory(path.join(dir, 'file', 'sub')));
    expect(error.code).toBe('ENOTDIR');
  });

  it('the loggers fail at once on a path under /proc (no 100 % CPU spin)', () => {
    expect(failsFast(() => new CsvLogger('/proc/nvitop-x/gpu.csv')).code).toBe('ENOENT');
    expect(failsFast(() => new JsonlLogger('/proc/nvitop-x/gpu.jsonl')).code).toBe('ENOENT');
    expect(failsFast(() => new SummaryWriter('/proc/nvitop-x/runs')).code).toBe('ENOENT');
  });
});
