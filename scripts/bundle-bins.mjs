#!/usr/bin/env node
// Bundles the three command-line entry points (compiled by tsc into dist/cli) into dist/bin, one
// ES module per bin plus shared chunks (the monitor stays a lazily loaded chunk). Loading a few
// files instead of ~100 modules is most of what keeps `nvitop -1` near `node -e 0` at start-up.
// Runtime dependencies stay external: they are installed next to the package.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const outdir = path.join(root, 'dist/bin');
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/nvitop.js', 'dist/cli/nvisel.js', 'dist/cli/nvitop-exporter.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  external: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
  logLevel: 'warning',
  legalComments: 'none',
});
