/**
 * The shape of the source tree: no import cycle among the modules of src/ (the imports that stay
 * in the compiled JavaScript: `import type` and `type`-only specifiers are erased by tsc and
 * cannot change evaluation order), the C libraries are reached only from core/nvml and
 * core/native, no module is over 700 lines, and only the host platforms read `/proc`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.c?ts$/.test(entry.name) ? [full] : [];
  });
}

/** The relative modules a file imports or re-exports at run time (resolved to .ts paths). */
export function runtimeImports(file: string, text: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g;
  for (let m = statement.exec(text); m !== null; m = statement.exec(text)) {
    const target = m[4] ?? m[5];
    if (target === undefined || m[2] !== undefined) continue;
    const clause = (m[3] ?? '').trim();
    // `import { type A, type B } from` is erased as a whole; `{ A, type B }` is not.
    const braces = /^\{([^}]*)\}$/.exec(clause);
    if (braces !== null) {
      const names = (braces[1] as string).split(',').map((n) => n.trim()).filter((n) => n !== '');
      if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    }
    found.push(path.resolve(path.dirname(file), target).replace(/\.js$/, '.ts'));
  }
  return found;
}

/** Every cycle's modules (strongly connected components of more than one module, or a self-import). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) result.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return result;
}

const files = sourceFiles(src);
const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const relative = (file: string): string => path.relative(root, file);

describe('source shape', () => {
  it('the cycle finder finds cycles (checked on a made-up graph) and reads type-only imports as erased', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
    const here = path.join(src, 'x.ts');
    const text = [
      "import { A } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, F } from './e.js';",
      "export * from './g.js';",
      "export type { H } from './h.js';",
      "import './side-effect.js';",
      'import {\n  I,\n  J,\n} from "./multi.js";',
    ].join('\n');
    expect(runtimeImports(here, text).map((p) => path.basename(p))).toEqual(['a.ts', 'e.ts', 'g.ts', 'side-effect.ts', 'multi.ts']);
  });

  it('src/ has no import cycle', () => {
    const graph = new Map(files.map((file) => [file, runtimeImports(file, texts.get(file) as string)]));
    expect(cycles(graph).map((c) => c.map(relative).sort())).toEqual([]);
  });

  it('only core/nvml and core/native load C libraries (koffi)', () => {
    const users = files.filter((file) => /from 'koffi'|require\('koffi'\)/.test(texts.get(file) as string)).map(relative);
    expect(users.filter((file) => !/^src\/core\/(nvml|native)\//.test(file))).toEqual([]);
    // No program text run with `node -e`: child programs are compiled modules of core/native.
    expect(files.filter((file) => /['"]-e['"]/.test(texts.get(file) as string)).map(relative)).toEqual([]);
  });

  it('no module in src/ is over 700 lines (small modules, one job each)', () => {
    const lines = (file: string): number => (texts.get(file) as string).split('\n').length - 1;
    const long = files.filter((file) => lines(file) > 700).map((file) => `${relative(file)}: ${lines(file)} lines`);
    expect(long).toEqual([]);
    // The check sees every module: the largest is counted, and a made-up long text would fail.
    expect(Math.max(...files.map(lines))).toBeGreaterThan(300);
  });

  it('only the Linux host platform reads /proc (everything above it asks HostPlatform)', () => {
    // Code, not comments: a path under /proc in a string or template literal.
    const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    const readers = files.filter((file) => /['"`]\/proc\b/.test(code(texts.get(file) as string))).map(relative);
    expect(readers).toEqual(['src/core/host/linux.ts']);
  });
});
