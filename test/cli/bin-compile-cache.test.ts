// The bins' code cache (src/cli/bin-loader.cts, Node < 22.1): a first run writes the V8 cached
// data of its bundle into $XDG_CACHE_HOME/nvitop-node (folder 0700, file 0600), later runs use it
// as it is, a damaged file is replaced, and --version or NODE_DISABLE_COMPILE_CACHE=1 write none.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv } from '../helpers/fake-nvml.js';
import { runNvitop } from './nvitop-run.js';

const hasOwnCache = typeof (await import('node:module')).default.enableCompileCache === 'function';
const dirs: string[] = [];
const freshCacheHome = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-compile-cache-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const withoutClock = (stdout: string) => stdout.split('\n').slice(1).filter((line) => !line.startsWith('[ '));

describe.skipIf(hasOwnCache)('bin code cache (Node without module.enableCompileCache)', () => {
  const env = fakeNvmlEnv('eight-gpu');

  it('the first run writes it, the next uses it unchanged, a damaged one is replaced; output is the same', async () => {
    const home = freshCacheHome();
    const first = await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: home });
    expect(first.code).toBe(0);
    const folder = path.join(home, 'nvitop-node');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder);
    expect(files).toEqual([expect.stringMatching(new RegExp(`^nvitop-\\d+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`))]);
    const file = path.join(folder, files[0]!);
    const written = statSync(file);
    expect(written.mode & 0o777).toBe(0o600);
    expect(written.size).toBeGreaterThan(10_000);

    const second = await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: home });
    expect(second.code).toBe(0);
    expect(withoutClock(second.stdout)).toEqual(withoutClock(first.stdout));
    // Accepted by V8: not rewritten (a rewrite renames a new file into place).
    expect(statSync(file).ino).toBe(written.ino);

    writeFileSync(file, 'not V8 cached data');
    const third = await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: home });
    expect(third.code).toBe(0);
    expect(withoutClock(third.stdout)).toEqual(withoutClock(first.stdout));
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(readdirSync(folder)).toEqual(files); // no temporary file left behind
  });

  it('--version, NODE_DISABLE_COMPILE_CACHE=1 and a relative XDG_CACHE_HOME write nothing', async () => {
    const home = freshCacheHome();
    expect((await runNvitop(['--version'], { ...env, XDG_CACHE_HOME: home })).code).toBe(0);
    expect((await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' })).code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
    const relative = await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: 'relative-cache', HOME: home });
    expect(relative.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });

  it('an unwritable cache folder only costs the cache', async () => {
    const home = freshCacheHome();
    writeFileSync(path.join(home, 'nvitop-node'), 'a file where the folder should be');
    const run = await runNvitop(['-1'], { ...env, XDG_CACHE_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('NVITOP');
  });
});
