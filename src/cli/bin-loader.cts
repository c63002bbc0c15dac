/**
 * Loads a command-line program (`dist/bin/<name>.cjs`, one CommonJS bundle each) with a V8 code
 * cache, so that a run after the first skips compiling the bundle (issue 15: `nvitop -1` in
 * ~1.5x the start-up of `node -e 0`). The bins in `bin/` call it; bundled beside the programs as
 * `dist/bin/load.cjs`.
 *
 * - Node >= 22.1 has its own on-disk compile cache (`module.enableCompileCache()`, the
 *   `NODE_COMPILE_CACHE` folder, off with `NODE_DISABLE_COMPILE_CACHE=1`): it is turned on and the
 *   bundle is required as usual.
 * - Older Node (18, 20) has none: the bundle is compiled through `vm.Script` with the cached
 *   data of an earlier run, kept per user in `$XDG_CACHE_HOME/nvitop-node` (default
 *   `~/.cache/nvitop-node`, mode 0700; never a folder other users may write, since cached code
 *   is run as-is), one file per bundle, Node version and bundle size and time. V8 checks the
 *   data against its own version, flags and the source, and compiles afresh when they differ. A
 *   run that had no usable cache writes one when it exits (so it holds the functions that run
 *   compiled), except `--help`/`--version` runs, whose code is not what later runs need.
 *   `NODE_DISABLE_COMPILE_CACHE=1` turns this off too; any failure to read or write the cache
 *   is silent (the program runs compiled from source).
 *
 * @module
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';

const SKIP_WRITE = new Set(['-h', '--help', '-V', '--version']);

/** The code cache file of `file` for this Node, or null when there is no per-user cache folder. */
function cacheFile(name: string, file: string): string | null {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  if (!path.isAbsolute(base)) return null;
  const { size, mtimeMs } = statSync(file);
  const key = `${name}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`;
  return path.join(base, 'nvitop-node', key);
}

function readCache(file: string | null): Buffer | undefined {
  if (file === null) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, script: Script): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A read-only home, a full disk: the next run compiles from source again.
  }
}

/**
 * Runs `dist/bin/<name>.cjs` (the folder of this module) as the program.
 *
 * @example
 * ```js
 * require('../dist/bin/load.cjs').runBundle('nvitop');
 * ```
 */
export function runBundle(name: string): void {
  const file = path.join(__dirname, `${name}.cjs`);
  const withCache = nodeModule as { enableCompileCache?: () => unknown };
  if (typeof withCache.enableCompileCache === 'function' || process.env.NODE_DISABLE_COMPILE_CACHE === '1') {
    withCache.enableCompileCache?.();
    require(file);
    return;
  }
  let cache: string | null = null;
  try {
    cache = cacheFile(name, file);
  } catch {
    cache = null;
  }
  const cachedData = readCache(cache);
  const script = new Script(nodeModule.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cache !== null && (cachedData === undefined || script.cachedDataRejected === true) && !process.argv.slice(2).some((arg) => SKIP_WRITE.has(arg))) {
    const target = cache;
    process.once('exit', () => writeCache(target, script));
  }
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const program = { exports: {} };
  wrapper.call(program.exports, program.exports, nodeModule.createRequire(file), program, file, __dirname);
}
