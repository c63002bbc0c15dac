// The package as npm publishes it: `npm pack` of the built tree (dist/ from `npm run build`,
// which pretest runs), without lifecycle scripts so that packing never rebuilds dist/ under the
// feet of other test files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** One packed tarball. */
export interface PackedTarball {
  /** Absolute path of the .tgz. */
  readonly file: string;
  /** Compressed size in bytes. */
  readonly size: number;
  /** Sum of the files' sizes in bytes. */
  readonly unpackedSize: number;
  /** The files' paths inside the package (without the `package/` prefix). */
  readonly files: readonly string[];
}

/** Packs the repository into a fresh temporary folder. */
export function packTarball(): PackedTarball {
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  if (info === undefined) throw new Error(`npm pack printed no result: ${out}`);
  return { file: path.join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}
