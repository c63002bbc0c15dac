// The packed tarball installed into other people's projects, koffi's install script denied (its
// binary comes from @koromix/koffi-<platform>; a published package's `prepare` is not an install
// script, a local tarball's is listed by npm, hence no --strict-allow-scripts here):
//  - an app on prom-client 14 and tfjs 3.21, and one on prom-client 15 and tfjs 4: createExporter()
//    fills THEIR global registry, and a real model.fit runs GpuStatsLogger;
//  - a bare install: the commands run without any peer (nvitop-exporter bundles prom-client),
//    createExporter() names the missing peer, and the figure of the installed size;
//  - require() and TypeScript with moduleResolution node16 (CommonJS and ESM), nodenext and bundler.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, STACK_TRACE, cleanEnv, fakeEnv, npmInstall, packTarball, run, scratchProject, startUntil, treeBytes } from './helpers.js';
import { fetchText, freePort } from '../helpers/exporter-process.js';
import type { PackedTarball } from '../helpers/package-tarball.js';

let tarball: PackedTarball;
const cleanup: string[] = [];
beforeAll(() => {
  tarball = packTarball();
  cleanup.push(path.dirname(tarball.file));
}, 120_000);
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

// Dependencies' install scripts that these apps decide about (npm 12 asks each project to).
const ALLOW_SCRIPTS = { koffi: false, 'core-js': false };

async function app(name: string, peers: readonly string[]): Promise<string> {
  const dir = scratchProject(name, { type: 'module', allowScripts: ALLOW_SCRIPTS });
  cleanup.push(dir);
  const result = await npmInstall(dir, [tarball.file, ...peers], [], false);
  expect(result.stderr).not.toMatch(/npm (error|ERR!)/);
  expect(result.code).toBe(0);
  process.stdout.write(`${name}: npm install ${['nvitop-node (tarball)', ...peers].join(' ')}: ${result.seconds.toFixed(1)} s\n`);
  return dir;
}

const REGISTRY_SCRIPT = `
  import client from 'prom-client';
  import { createRequire } from 'node:module';
  import { createExporter } from 'nvitop-node';
  const exporter = createExporter({ hostname: 'app' }); // no registry: prom-client's global one
  const text = await client.register.metrics();
  const series = text.split('\\n').filter((line) => line.startsWith('gpu_utilization_Percentage{'));
  const version = createRequire(import.meta.url)('prom-client/package.json').version;
  console.log(JSON.stringify({ version, series: series.length, same: exporter.registry === client.register }));
`;

const FIT_SCRIPT = `
  import * as tf from '@tensorflow/tfjs';
  import { GpuStatsLogger } from 'nvitop-node';
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const xs = tf.randomNormal([32, 4]);
  const ys = tf.randomNormal([32, 1]);
  const gpuStats = new GpuStatsLogger({ devices: [0, 1] });
  const history = await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [gpuStats] });
  const key = 'gpu_id: 1/utilization.gpu (%)';
  console.log(JSON.stringify({ version: tf.version.tfjs, loss: history.history.loss.length, gpu: history.history[key] }));
`;

// tfjs's own advice to install tfjs-node is the only thing allowed on stderr.
const TFJS_BANNER = /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js\.[^\n]*\n=+\n/;

async function node(dir: string, script: string, scenario = 'eight-gpu'): Promise<unknown> {
  const result = await run('node', ['--input-type=module', '-e', script], { cwd: dir, env: fakeEnv(scenario) });
  expect(result.stderr.replace(TFJS_BANNER, '')).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** tsc (the repository's TypeScript) over `files` in `dir`, with its node_modules and no skipLibCheck. */
async function typecheck(dir: string, files: readonly string[], module: string, moduleResolution: string): Promise<string> {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--noEmit', '--strict', '--module', module, '--moduleResolution', moduleResolution, '--target', 'es2022'];
  args.push('--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), ...files);
  const result = await run('node', [tsc, ...args], { cwd: dir });
  return `${result.stdout}${result.stderr}`.trim();
}

// The types are checked under every resolution mode once (prom-client 15), and against prom-client
// 14's types under node16 (ESM and CommonJS), the mode that resolves both entries.
describe.each([
  ['prom-client 14, tfjs 3.21', 'app14', ['prom-client@14', '@tensorflow/tfjs@3.21.0'], /^14\./, /^3\.21\./, false],
  ['prom-client 15, tfjs 4', 'app15', ['prom-client@15', '@tensorflow/tfjs@4'], /^15\./, /^4\./, true],
])('an app on %s', (_title, name, peers, promVersion, tfjsVersion, everyMode) => {
  let dir: string;
  beforeAll(async () => {
    dir = await app(name, peers);
  }, 600_000);

  it("createExporter() puts the GPU series in the app's own global registry", async () => {
    const result = (await node(dir, REGISTRY_SCRIPT)) as { version: string; series: number; same: boolean };
    expect(result.version).toMatch(promVersion);
    expect(result).toMatchObject({ series: 8, same: true });
  });

  it('a real model.fit runs GpuStatsLogger and its epoch values reach History', async () => {
    const result = (await node(dir, FIT_SCRIPT)) as { version: string; loss: number; gpu: number[] };
    expect(result.version).toMatch(tfjsVersion);
    expect(result.loss).toBe(2);
    expect(result.gpu).toHaveLength(2);
    for (const value of result.gpu) expect(typeof value).toBe('number');
  }, 120_000);

  it(`types check against the app's prom-client with node16 (ESM and CommonJS)${everyMode ? ', nodenext and bundler' : ''}`, async () => {
    writeFileSync(
      path.join(dir, 'esm.mts'),
      `import { Registry } from 'prom-client';
import { Device, NA, isNA, createExporter, type PromRegistry, type Exporter } from 'nvitop-node';
const count: number = Device.count();
const registry = new Registry();
const exporter: Exporter<Registry> = createExporter({ registry, interval: 2 });
const asPrometheus: PromRegistry = exporter.registry;
console.log(count, isNA(NA), asPrometheus.contentType);
`,
    );
    writeFileSync(
      path.join(dir, 'cjs.cts'),
      `import nvitop = require('nvitop-node');
import prom = require('prom-client');
const count: number = nvitop.Device.count();
nvitop.createExporter({ registry: new prom.Registry() });
// @ts-expect-error: NA is not a number until checked
const wrong: number = nvitop.Device.fromIndex(0).fanSpeed() + 1;
console.log(count, wrong);
`,
    );
    writeFileSync(path.join(dir, 'bundled.ts'), `import { selectDevices } from 'nvitop-node';\nconst picked: string[] = selectDevices({ minCount: 1, format: 'uuid' }).map(String);\nconsole.log(picked);\n`);
    expect(await typecheck(dir, ['esm.mts', 'cjs.cts'], 'node16', 'node16')).toBe('');
    if (!everyMode) return;
    expect(await typecheck(dir, ['esm.mts', 'cjs.cts'], 'nodenext', 'nodenext')).toBe('');
    expect(await typecheck(dir, ['esm.mts', 'bundled.ts'], 'esnext', 'bundler')).toBe('');
  }, 600_000);
});

describe('a bare install (no peer dependency)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await app('bare', []);
  }, 600_000);

  it('installs koffi, the gRPC client and nothing of prom-client, tfjs or the AWS SDK; reports the installed size', async () => {
    const modules = path.join(dir, 'node_modules');
    const bytes = treeBytes(modules);
    for (const absent of ['prom-client', '@aws-crypto', 'eventemitter3', '@tensorflow', 'csv-stringify']) {
      expect(() => treeBytes(path.join(modules, absent)), absent).toThrow();
    }
    // Every installed package is the package itself, koffi (and its per-platform binary),
    // get-east-asian-width, or in the tree of @grpc/grpc-js (the kubelet pod-resources client,
    // loaded only where the kubelet's socket exists), as npm itself resolved it.
    const listed = await run('npm', ['ls', '--all', '--json', '--omit=dev'], { cwd: dir, env: cleanEnv() });
    // npm ls lists a deduped package's dependencies at one place only: collect each package's
    // dependency names wherever they are listed, then walk them from @grpc/grpc-js by name.
    type Node = { dependencies?: Record<string, Node> };
    const root = JSON.parse(listed.stdout) as Node;
    expect(root.dependencies?.['nvitop-node']?.dependencies?.['@grpc/grpc-js'], 'nvitop-node depends on @grpc/grpc-js').toBeDefined();
    const dependsOn = new Map<string, Set<string>>();
    const collect = (node: Node): void => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        const names = dependsOn.get(name) ?? new Set<string>();
        for (const inner of Object.keys(child.dependencies ?? {})) names.add(inner);
        dependsOn.set(name, names);
        collect(child);
      }
    };
    collect(root);
    const grpcTree = new Set<string>();
    const walk = (name: string): void => {
      if (grpcTree.has(name)) return;
      grpcTree.add(name);
      for (const inner of dependsOn.get(name) ?? []) walk(inner);
    };
    walk('@grpc/grpc-js');
    const packages = readdirSync(modules)
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => (name.startsWith('@') ? readdirSync(path.join(modules, name)).map((inner) => `${name}/${inner}`) : [name]));
    const ours = packages.filter((name) => !grpcTree.has(name));
    expect(ours.filter((name) => !/^(nvitop-node|koffi|@koromix\/koffi-[\w-]+|get-east-asian-width)$/.test(name))).toEqual([]);
    const grpcBytes = packages.filter((name) => grpcTree.has(name)).reduce((sum, name) => sum + treeBytes(path.join(modules, name)), 0);
    const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
    process.stdout.write(
      `installed size of a bare install: ${bytes} bytes (${mb(bytes)}): nvitop-node, koffi, get-east-asian-width ${mb(bytes - grpcBytes)}; @grpc/grpc-js and its ${grpcTree.size - 1} dependencies ${mb(grpcBytes)}\n`,
    );
    // Before issue 11: 12.1 MB (prom-client and its dependencies, the AWS SDK's CRC32C,
    // eventemitter3), without a gRPC client.
    expect(bytes - grpcBytes).toBeLessThan(9_000_000);
  });

  it('import, require, and createExporter() naming the missing peer', async () => {
    const result = (await node(
      dir,
      `import { createRequire } from 'node:module';
       import { Device, createExporter, MissingDependencyError } from 'nvitop-node';
       const required = createRequire(import.meta.url)('nvitop-node');
       let error;
       try { createExporter(); } catch (e) { error = e; }
       console.log(JSON.stringify({ count: Device.count(), same: required.Device === Device, typed: error instanceof MissingDependencyError, message: error?.message }));`,
    )) as { count: number; same: boolean; typed: boolean; message: string };
    expect(result).toMatchObject({ count: 8, same: true, typed: true });
    expect(result.message).toContain("'prom-client'");
    expect(result.message).toContain('npm install prom-client');
  });

  it('the three commands run: nvitop -1, nvisel, nvitop-exporter', async () => {
    const table = await run('npx', ['--no-install', 'nvitop', '-1'], { cwd: dir, env: fakeEnv('one-gpu') });
    expect([table.code, table.stderr]).toEqual([0, '']);
    expect(table.stdout).toContain('NVITOP');
    const selected = await run('npx', ['--no-install', 'nvisel'], { cwd: dir, env: fakeEnv('eight-gpu') });
    // Piped, nvisel also writes the CUDA_VISIBLE_DEVICES line to stderr.
    expect([selected.code, selected.stderr]).toEqual([0, `CUDA_VISIBLE_DEVICES="${selected.stdout.trim()}"\n`]);
    const missing = await run('npx', ['--no-install', 'nvitop', '-1'], { cwd: dir, env: { ...fakeEnv('one-gpu'), NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).not.toMatch(STACK_TRACE);
    const port = await freePort();
    // The installed bin itself (npx would die of the Ctrl-C instead of passing on its exit status).
    const exporter = await startUntil(path.join(dir, 'node_modules', '.bin', 'nvitop-exporter'), ['--inter', '2', '-p', String(port)], {
      cwd: dir,
      env: fakeEnv('one-gpu'),
      ready: /Start the exporter/,
    });
    const { body } = await fetchText(`http://127.0.0.1:${port}/metrics`);
    expect(body).toMatch(/^gpu_utilization_Percentage\{/m);
    expect(body).toMatch(/^process_cpu_seconds_total /m);
    expect(await exporter.stop()).toBe(0);
  });
});
