// nvitop-node as a git dependency of another project (today the way to install it): npm clones it,
// installs its dev dependencies and runs its `prepare` (the build) before packing it. npm 12 blocks
// a git dependency's prepare unless the project allows it: `allowScripts` keyed by the git URL,
// as the README says. Installed with --strict-allow-scripts (npm 12's rule, enforced), `import`,
// `require` and the three commands work there.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { STACK_TRACE, fakeEnv, npmInstall, run, scratchProject, snapshotRepository, startUntil } from './helpers.js';
import { freePort, fetchText } from '../helpers/exporter-process.js';

const repository = snapshotRepository();
const url = `git+file://${repository}`;
const cleanup: string[] = [repository];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('git dependency', () => {
  it('npm refuses to skip the build silently: without allowScripts a strict install names nvitop-node', async () => {
    const project = scratchProject('gitdep-refused');
    cleanup.push(project);
    const result = await npmInstall(project, [url]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('nvitop-node@');
    expect(result.stderr).toContain('prepare: npm run build');
  }, 600_000);

  let project: string;

  it('with allowScripts["git+…"]: true the prepare script builds the package', async () => {
    // As the README says: the git URL allowed (its prepare builds it), koffi's and protobufjs's
    // scripts denied.
    project = scratchProject('gitdep', { type: 'module', allowScripts: { [url]: true, koffi: false, protobufjs: false } });
    cleanup.push(project);
    const result = await npmInstall(project, [url]);
    expect(result.stderr).not.toMatch(/npm (error|ERR!)/);
    expect(result.code).toBe(0);
    process.stdout.write(`npm install of the git dependency (clone, dev install, build): ${result.seconds.toFixed(1)} s\n`);
    const installed = path.join(project, 'node_modules', 'nvitop-node');
    for (const file of ['dist/bin/nvitop.cjs', 'dist/bundle/index.js', 'dist/bundle/index.cjs', 'dist/bundle/index.d.ts']) {
      expect(existsSync(path.join(installed, file)), file).toBe(true);
    }
    // What arrives is the packed package: no sources, no maps, no dev dependencies.
    expect(existsSync(path.join(installed, 'src'))).toBe(false);
    expect(existsSync(path.join(installed, 'node_modules', 'typescript'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')).dependencies['nvitop-node']).toBe(url);
  }, 1_200_000);

  it('import and require give the API', async () => {
    const esm = await run('node', ['--input-type=module', '-e', "import { Device } from 'nvitop-node'; console.log(Device.count())"], { cwd: project, env: fakeEnv('eight-gpu') });
    expect([esm.stderr, esm.stdout]).toEqual(['', '8\n']);
    const cjs = await run('node', ['--input-type=commonjs', '-e', "console.log(require('nvitop-node').Device.count())"], { cwd: project, env: fakeEnv('eight-gpu') });
    expect([cjs.stderr, cjs.stdout]).toEqual(['', '8\n']);
  });

  it('npx nvitop -1 and npx nvisel run', async () => {
    const table = await run('npx', ['--no-install', 'nvitop', '-1'], { cwd: project, env: fakeEnv('eight-gpu') });
    expect([table.code, table.stderr]).toEqual([0, '']);
    expect(table.stdout).toContain('A100-SXM4-80GB');
    const selected = await run('npx', ['--no-install', 'nvisel', '-n', '2'], { cwd: project, env: fakeEnv('eight-gpu') });
    // Piped, nvisel also writes the CUDA_VISIBLE_DEVICES line to stderr.
    expect([selected.code, selected.stderr]).toEqual([0, `CUDA_VISIBLE_DEVICES="${selected.stdout.trim()}"\n`]);
    expect(selected.stdout).toMatch(/^\d,\d\n$/);
    const usage = await run('npx', ['--no-install', 'nvisel', '--bogus'], { cwd: project, env: fakeEnv('eight-gpu') });
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toMatch(STACK_TRACE);
  });

  it('npx nvitop-exporter serves the GPU metrics (prom-client is bundled into it)', async () => {
    expect(existsSync(path.join(project, 'node_modules', 'prom-client'))).toBe(false);
    const port = await freePort();
    // The installed bin itself (npx would die of the Ctrl-C instead of passing on its exit status).
    const exporter = await startUntil(path.join(project, 'node_modules', '.bin', 'nvitop-exporter'), ['--bind', '127.0.0.1', '--po', String(port)], {
      cwd: project,
      env: fakeEnv('eight-gpu'),
      ready: /Start the exporter/,
    });
    const { body } = await fetchText(`http://127.0.0.1:${port}/metrics`);
    expect(body.split('\n').filter((line) => line.startsWith('gpu_utilization_Percentage{')).length).toBe(8);
    expect(await exporter.stop()).toBe(0);
  });
});
