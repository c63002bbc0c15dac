#!/usr/bin/env node
// Bundles what tsc compiled into dist/ so that start-up loads a few files instead of ~150
// modules (on a small VM each module costs about half a millisecond to load):
//  - dist/bin: the three command-line entry points, one ES module each plus shared chunks (the
//    monitor is a lazily loaded chunk);
//  - dist/bundle/index.js: the package's root entry (package.json "exports" points there; the
//    type declarations stay in dist/*.d.ts);
//  - next to both, cuda-device-uuids.js: the child program core/native/cuda-driver.ts runs (it
//    looks for it beside the module that spawns it).
// Runtime dependencies stay external: they are installed next to the package.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  external: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
  logLevel: 'warning',
  legalComments: 'none',
};

for (const dir of ['dist/bin', 'dist/bundle']) rmSync(path.join(root, dir), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ['dist/cli/nvitop.js', 'dist/cli/nvisel.js', 'dist/cli/nvitop-exporter.js'],
    outdir: path.join(root, 'dist/bin'),
    splitting: true,
  }),
  build({ ...common, entryPoints: ['dist/index.js'], outfile: path.join(root, 'dist/bundle/index.js') }),
  ...['dist/bin', 'dist/bundle'].map((dir) =>
    build({ ...common, entryPoints: ['dist/core/native/cuda-device-uuids.js'], outfile: path.join(root, dir, 'cuda-device-uuids.js') }),
  ),
]);
