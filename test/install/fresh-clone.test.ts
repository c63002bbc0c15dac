// A newcomer's first minutes, as the README's Set-up says: a fresh clone, `npm ci` (or
// `npm install`), then `npx nvitop -1`. The install must build the package (prepare), and without a
// driver the command says so on one line and exits 1, never with a stack trace.
import { existsSync } from 'node:fs';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { STACK_TRACE, cleanEnv, fakeEnv, hasRealDriver, run, snapshotRepository } from './helpers.js';
import { rmSync } from 'node:fs';

const repository = snapshotRepository();
const clones: string[] = [];
afterAll(() => {
  for (const dir of [repository, ...clones]) rmSync(dir, { recursive: true, force: true });
});

async function freshClone(): Promise<string> {
  const dir = `${repository}-clone-${clones.length}`;
  clones.push(dir);
  const cloned = await run('git', ['clone', '-q', repository, dir], { cwd: path.dirname(repository) });
  expect(cloned.code).toBe(0);
  return dir;
}

describe.each([['ci'], ['install']])('fresh clone, npm %s', (command) => {
  let clone: string;

  it(`npm ${command} builds the package`, async () => {
    clone = await freshClone();
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);
    const installed = await run('npm', [command, '--no-audit', '--no-fund'], { cwd: clone, env: cleanEnv(), timeoutMs: 600_000 });
    expect(installed.stderr).not.toMatch(/npm (error|ERR!)/);
    expect(installed.code).toBe(0);
    process.stdout.write(`npm ${command} on a fresh clone (build included): ${installed.seconds.toFixed(1)} s\n`);
    for (const file of ['dist/bin/nvitop.cjs', 'dist/bin/nvisel.cjs', 'dist/bin/nvitop-exporter.cjs', 'dist/bundle/index.js', 'dist/bundle/index.cjs', 'dist/bundle/index.d.ts']) {
      expect(existsSync(path.join(clone, file)), file).toBe(true);
    }
  }, 600_000);

  it('npx nvitop -1 prints the status table', async () => {
    const result = await run('npx', ['nvitop', '-1'], { cwd: clone, env: fakeEnv('eight-gpu') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('NVITOP');
    expect(result.stdout).toContain('A100-SXM4-80GB');
  });

  it.skipIf(hasRealDriver())('without a driver: one line on stderr, exit 1, no stack trace', async () => {
    const result = await run('npx', ['nvitop', '-1'], { cwd: clone, env: cleanEnv() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toMatch(/^ERROR: NVML could not be loaded\. .*libnvidia-ml\.so\.1.*\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
