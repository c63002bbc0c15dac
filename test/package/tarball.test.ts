// The published tarball (npm pack): it ships what runs and nothing else (bundles, declarations,
// bins, grafana/, docs; no source maps pointing at unshipped sources), every import inside it
// resolves to a shipped file, a Node built-in or a declared dependency, every "exports" subpath
// has import and require conditions with types, and publint and @arethetypeswrong find nothing.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

import { createPackageFromTarballData, checkPackage } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';

import { ROOT, packTarball, type PackedTarball } from '../helpers/package-tarball.js';

interface Manifest {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
let packed: PackedTarball;

beforeAll(() => {
  packed = packTarball();
}, 60_000);

/**
 * Module specifiers in a bundled module (static and dynamic imports, require()s, createRequire()
 * calls). A specifier is matched as letters, digits and `@ . / : _ -` only: in minified code a
 * string such as `"...from "+stack),x.warn("` must not read as one.
 */
function specifiers(code: string): string[] {
  const spec = '([\\w@./:-]+)';
  const patterns = [
    new RegExp(`\\bfrom\\s*"${spec}"`, 'g'),
    new RegExp(`\\bimport\\s*"${spec}"`, 'g'),
    new RegExp(`\\bimport\\(\\s*"${spec}"\\s*\\)`, 'g'),
    new RegExp(`\\brequire\\d*\\(\\s*"${spec}"\\s*\\)`, 'g'),
    new RegExp(`(?:import\\.meta\\.url|__nvitopModuleUrl)\\)\\(\\s*"${spec}"\\s*\\)`, 'g'),
    new RegExp(`import\\.meta\\.url\\)\\.resolve\\(\\s*"${spec}"\\s*\\)`, 'g'),
    new RegExp(`=\\s*require\\('${spec}'\\)`, 'g'), // the hand-written .cjs entries and bins
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
}

/**
 * The command lines import prom-client themselves (bundled) and hand it to the exporter code, whose
 * require('prom-client') for library users is then never reached; the consumer test runs
 * nvitop-exporter where prom-client is not installed.
 */
const UNREACHED_IN_BINS = new Set(['prom-client']);

const packageName = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtins.has(packageName(specifier));

describe('the npm tarball', () => {
  it('ships the bundles, declarations, bins, grafana/ and docs, and no maps, sources or tests', () => {
    const files = packed.files;
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench|examples|scripts|build)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/') && !/^dist\/(bin|bundle)\//.test(f))).toEqual([]);
    for (const target of Object.values(manifest.bin)) expect(files).toContain(path.normalize(target));
    for (const file of ['README.md', 'package.json', 'grafana/Dockerfile', 'grafana/docker-compose.yml', 'dist/bin/THIRD-PARTY-NOTICES.txt']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.startsWith('docs/')).length).toBeGreaterThan(3);
    // Before bundling, the tarball held 474 files (146 unbundled modules, 146 maps).
    expect(files.length).toBeLessThan(60);
  });

  it('every import in a shipped module resolves: a shipped file, a Node built-in or a declared dependency', () => {
    const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
    const peers = new Set(Object.keys(manifest.peerDependencies ?? {}));
    const problems: string[] = [];
    for (const file of packed.files.filter((f) => /\.(c|m)?js$/.test(f))) {
      const code = readFileSync(path.join(ROOT, file), 'utf8');
      for (const specifier of specifiers(code)) {
        if (specifier.startsWith('.')) {
          const target = path.normalize(path.join(path.dirname(file), specifier));
          if (!packed.files.includes(target)) problems.push(`${file}: ${specifier} is not shipped`);
        } else if (!isBuiltin(specifier)) {
          const name = packageName(specifier);
          // The command lines must run without the optional peers: prom-client is bundled in.
          const allowed = file.startsWith('dist/bin/') ? dependencies.has(name) || UNREACHED_IN_BINS.has(name) : dependencies.has(name) || peers.has(name);
          if (!allowed) problems.push(`${file}: ${specifier} is not a ${file.startsWith('dist/bin/') ? 'dependency' : 'dependency or peer'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the command-line bundles name the licence of every package bundled into them', () => {
    const notices = readFileSync(path.join(ROOT, 'dist/bin/THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const name of ['prom-client', 'tdigest', 'bintrees']) expect(notices).toMatch(new RegExp(`^${name}@\\d`, 'm'));
    expect(notices).toContain('Apache License');
  });

  it('every "exports" subpath has import and require conditions, types first, all shipped', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      const conditions = target as Record<string, Record<string, string>>;
      expect(Object.keys(conditions), subpath).toEqual(['import', 'require']);
      for (const condition of ['import', 'require']) {
        const entry = conditions[condition]!;
        expect(Object.keys(entry), `${subpath} ${condition}`).toEqual(['types', 'default']);
        expect(packed.files).toContain(path.normalize(entry['types']!));
        expect(packed.files).toContain(path.normalize(entry['default']!));
      }
      expect(conditions['import']!['types']).toMatch(/\.d\.ts$/);
      expect(conditions['require']!['types']).toMatch(/\.d\.cts$/);
      expect(conditions['require']!['default']).toMatch(/\.cjs$/);
    }
  });

  it('publint finds nothing, not even a suggestion', async () => {
    const data = readFileSync(packed.file);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer }, strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`)).toEqual([]);
  });

  it('@arethetypeswrong finds no problem for node10, node16 (CommonJS and ESM) and bundler resolution', async () => {
    const pkg = createPackageFromTarballData(new Uint8Array(readFileSync(packed.file)));
    const result = await checkPackage(pkg);
    expect(result.types).toEqual({ kind: 'included' });
    if (!('problems' in result)) throw new Error('attw could not analyse the package');
    expect(result.problems).toEqual([]);
    const entry = result.entrypoints['.']!;
    expect(Object.keys(entry.resolutions).sort()).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
    expect(entry.resolutions['node16-cjs']?.resolution?.fileName).toMatch(/index\.d\.cts$/);
    expect(entry.resolutions['node16-esm']?.resolution?.fileName).toMatch(/index\.d\.ts$/);
  });
});
