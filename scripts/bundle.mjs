#!/usr/bin/env node
// Turns what tsc compiled into dist/ into what the package ships (package.json "files"):
//  - dist/bin/<name>.cjs: the three command-line programs, one CommonJS file each, everything but
//    koffi (a native addon) bundled in: prom-client (only an optional peer dependency of the
//    library) and the pure-JavaScript dependencies, with their licences in
//    dist/bin/THIRD-PARTY-NOTICES.txt. CommonJS because Node compiles a CommonJS file lazily and
//    loads it without the ES module loader's per-module resolution and linking: `nvitop -1` took
//    ~1/3 less CPU time than as ES module chunks (issue 15). The bins in bin/ (CommonJS too)
//    require them. (A V8 code cache of the bundle, tried too, made start-up slower: reading and
//    deserialising its eagerly compiled functions cost more than compiling the few that run);
//  - dist/bundle/<entry>.js: the package's entries as ES modules (package.json "exports"
//    "import"); dependencies and peer dependencies stay external, installed beside the package;
//  - dist/bundle/<entry>.cjs: the "require" entries, which require() the ES module (Node >= 20.19
//    and >= 22.12 load ES modules with require), so import and require share one copy;
//  - dist/bundle/<entry>.d.ts and .d.cts: the declarations tsc wrote, bundled into one file per
//    entry (the .d.cts copy is the same text read as CommonJS declarations);
//  - next to the bins and the entries, cuda-device-uuids.cjs: the child program
//    core/native/cuda-driver.ts runs (it looks for it beside the module that spawns it).
// The unbundled dist/**/*.js, *.d.ts and source maps stay for the tests and benches; they are not
// shipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * The package's entries: the name of the files in dist/bundle, and the module tsc compiled
 * (dist/<name>.js and its declarations dist/<name>.d.ts). Each needs a subpath in package.json
 * "exports" with "import" and "require" conditions, each with "types" first (the package test
 * checks that they agree).
 */
const PACKAGE_ENTRIES = { index: 'dist/index', opentelemetry: 'dist/opentelemetry/index' };

const CLI_ENTRIES = { nvitop: 'dist/cli/nvitop.js', nvisel: 'dist/cli/nvisel.js', 'nvitop-exporter': 'dist/cli/nvitop-exporter.js' };

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Namespace and default imports of Node's built-in modules and of koffi, as tsc writes them
 * (`import * as fs from 'node:fs';`, `import koffi from 'koffi';`), become plain `require()`s in
 * the command-line bundles. esbuild turns such an import into `__toESM(require(...))`, which
 * copies every property of the module behind a getter, once per importing file: ~20 copies of
 * fs, path, os and koffi cost `nvitop -1` ~5 % of its start-up and their garbage. A require()
 * gives the same object (these modules are CommonJS), shared by all.
 */
const plainRequires = {
  name: 'plain-requires',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(
        /^import (?:\* as )?([A-Za-z_$][\w$]*) from '(node:[a-z_/]+|koffi)';$/gm,
        (_, name, specifier) => `const ${name} = require('${specifier}');`,
      );
      return { contents, loader: 'js' };
    });
  },
};

/**
 * The command-line programs as CommonJS. The ES module sources use `import.meta.url` (to find
 * package.json, the CUDA child program, and for createRequire): in a CommonJS file it is the
 * file's own URL, computed once from `__filename`. Dynamic imports (the monitor) become lazily
 * initialised parts of the same file.
 */
function bundleCli() {
  return build({
    ...common,
    format: 'cjs',
    entryPoints: CLI_ENTRIES,
    outdir: path.join(root, 'dist/bin'),
    outExtension: { '.js': '.cjs' },
    metafile: true,
    // Whitespace and syntax only (names stay readable): V8 scans every byte of the file before
    // running it, and the indentation of the unminified text cost `nvitop -1` ~0.1x node -e 0.
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__nvitopModuleUrl' },
    banner: { js: "'use strict';\nconst __nvitopModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    external: ['koffi'],
    plugins: [plainRequires],
  });
}

function bundleEntries() {
  return build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(PACKAGE_ENTRIES).map(([name, base]) => [name, `${base}.js`])),
    outdir: path.join(root, 'dist/bundle'),
    splitting: true,
    external: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
  });
}

/**
 * Declaration bundles, one rollup pass per entry, written as .d.ts (ES module) and .d.cts
 * (CommonJS). A subpath entry's declarations import the core's types from the root entry
 * (`from 'nvitop-node'`) instead of carrying a copy: one `Device` type for both entries (a copied
 * class with private members would not be assignable to the root's), and no shared chunk whose
 * private types a consumer's declaration emit could not name.
 */
async function bundleDeclarations() {
  const coreIndex = path.join(root, 'dist/core/index');
  const isCore = (id, importer) =>
    importer !== undefined && id.startsWith('.') && path.resolve(path.dirname(importer), id).replace(/\.(d\.ts|js)$/, '') === coreIndex;
  for (const [name, base] of Object.entries(PACKAGE_ENTRIES)) {
    const subpath = name !== 'index';
    const rootEntry = { name: 'root-entry', resolveId: (id, importer) => (subpath && isCore(id, importer) ? { id: manifest.name, external: true } : null) };
    const bundle = await rollup({
      input: { [name]: `${base}.d.ts` },
      plugins: [rootEntry, dts()],
      external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
      onwarn(warning, warn) {
        if (warning.code !== 'EMPTY_BUNDLE') warn(warning);
      },
    });
    for (const [js, ext] of [
      ['.js', '.d.ts'],
      ['.cjs', '.d.cts'],
    ]) {
      await bundle.write({
        dir: path.join(root, 'dist/bundle'),
        format: 'es',
        entryFileNames: `[name]${ext}`,
        chunkFileNames: `[name]-[hash]${ext}`,
        // A declaration chunk is imported by its JavaScript name: './x-1a2b.js' finds x-1a2b.d.ts.
        plugins: [
          {
            name: 'declaration-specifiers',
            renderChunk: (code) => code.replaceAll(new RegExp(`(from '\\./[^']+)\\${ext.replace('.', '\\.')}'`, 'g'), `$1${js}'`),
          },
        ],
      });
    }
    await bundle.close();
  }
}

/** The "require" entries: CommonJS files that load the ES module bundle with require(). */
function writeRequireEntries() {
  for (const name of Object.keys(PACKAGE_ENTRIES)) {
    const text = `'use strict';
// CommonJS entry of nvitop-node: require() of the ES module bundle, so that require('nvitop-node')
// and import share one copy of the package (Node.js >= 20.19 or >= 22.12 load ES modules this way).
try {
  module.exports = require('./${name}.js');
} catch (error) {
  if (error && error.code === 'ERR_REQUIRE_ESM') {
    throw new Error(
      "nvitop-node: require() of this package needs Node.js >= 20.19 or >= 22.12 (this is " + process.version + "); use import('nvitop-node') instead.",
      { cause: error },
    );
  }
  throw error;
}
`;
    writeFileSync(path.join(root, 'dist/bundle', `${name}.cjs`), text);
  }
}

/** The package folder (under node_modules) that a bundled input file belongs to. */
function packageDirOf(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + length).join('/');
}

/** Licence texts of the third-party packages bundled into dist/bin. */
function writeNotices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir !== undefined) dirs.add(dir);
  }
  const sections = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const licenseFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].find((f) => existsSync(path.join(root, dir, f)));
    if (licenseFile === undefined) throw new Error(`bundle: ${dir} has no LICENSE file to ship with dist/bin`);
    const text = readFileSync(path.join(root, dir, licenseFile), 'utf8').trim();
    return `${pkg.name}@${pkg.version} (${pkg.license})\n${'-'.repeat(72)}\n${text}\n`;
  });
  const header =
    'The command-line bundles in this folder include the following packages (and nvitop-node\'s own\ncode, Apache-2.0). Their licences:\n\n';
  writeFileSync(path.join(root, 'dist/bin/THIRD-PARTY-NOTICES.txt'), header + sections.join('\n'));
}

for (const dir of ['dist/bin', 'dist/bundle']) rmSync(path.join(root, dir), { recursive: true, force: true });
mkdirSync(path.join(root, 'dist/bundle'), { recursive: true });
/** The CUDA device-order child program, beside each bundle that may spawn it. */
function bundleChildPrograms() {
  return ['dist/bin', 'dist/bundle'].map((dir) =>
    build({
      ...common,
      format: 'cjs',
      entryPoints: ['dist/core/native/cuda-device-uuids.cjs'],
      outfile: path.join(root, dir, 'cuda-device-uuids.cjs'),
      external: Object.keys(manifest.dependencies ?? {}),
    }),
  );
}

const [cli] = await Promise.all([bundleCli(), bundleEntries(), bundleDeclarations(), ...bundleChildPrograms()]);
writeNotices(cli.metafile);
writeRequireEntries();
