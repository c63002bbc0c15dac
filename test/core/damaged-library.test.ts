// A truncated or corrupt libnvidia-ml.so.1 is refused before dlopen (which dies of SIGBUS on a
// truncated file), with one "cannot load" line; the file the loader would pick for the bare
// name is found through LD_LIBRARY_PATH and /etc/ld.so.cache. Tested with cut copies of the
// fake library.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSharedLibrary, locateSharedLibrary } from '../../src/core/nvml/elf.js';
import { fakeLibraryPath } from '../helpers/fake-nvml.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-damaged-lib-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const intact = fs.readFileSync(fakeLibraryPath());

/** The end of the last PT_LOAD segment, read with an ELF reader written here (64-bit LE). */
function lastSegmentEnd(image: Buffer): number {
  const phoff = Number(image.readBigUInt64LE(32));
  const phentsize = image.readUInt16LE(54);
  const phnum = image.readUInt16LE(56);
  let end = 0;
  for (let i = 0; i < phnum; i += 1) {
    const at = phoff + i * phentsize;
    if (image.readUInt32LE(at) === 1) end = Math.max(end, Number(image.readBigUInt64LE(at + 8)) + Number(image.readBigUInt64LE(at + 32)));
  }
  return end;
}

function copy(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Cut points: empty, inside the ELF header, inside the program headers, inside each segment. */
const CUTS = [0, 30, 100, 4096, 20_000, lastSegmentEnd(intact) - 1];

describe('checkSharedLibrary', () => {
  it('passes the intact fake library and refuses every truncated copy', () => {
    expect(checkSharedLibrary(fakeLibraryPath())).toBeNull();
    expect(intact.length).toBeGreaterThanOrEqual(lastSegmentEnd(intact));
    for (const cut of CUTS) {
      const problem = checkSharedLibrary(copy(`cut-${cut}.so`, intact.subarray(0, cut)));
      expect(problem, `cut at ${cut}`).not.toBeNull();
      if (cut >= 64) expect(problem).toMatch(new RegExp(`^truncated: ${cut} bytes, `));
    }
  });

  it('refuses what is not a loadable library for this process', () => {
    const class32 = Buffer.from(intact);
    class32[4] = 1;
    expect(checkSharedLibrary(copy('class32.so', class32))).toMatch(/32-bit|truncated/);
    const executable = Buffer.from(intact);
    executable.writeUInt16LE(2, 16); // ET_EXEC
    expect(checkSharedLibrary(copy('exec.so', executable))).toBe('not a shared library (ELF type 2)');
    const otherCpu = Buffer.from(intact);
    otherCpu.writeUInt16LE(otherCpu.readUInt16LE(18) === 62 ? 183 : 62, 18);
    expect(checkSharedLibrary(copy('cpu.so', otherCpu))).toMatch(/^built for another CPU/);
    expect(checkSharedLibrary(copy('text.so', Buffer.from('INPUT(-lnvidia-ml)\n')))).toBe('not an ELF shared library (bad magic number)');
    expect(checkSharedLibrary(dir)).toBe('not a regular file');
    const fifo = path.join(dir, 'fifo.so');
    spawnSync('mkfifo', [fifo]);
    if (fs.existsSync(fifo)) expect(checkSharedLibrary(fifo)).toBe('not a regular file'); // and it did not block
  });
});

describe('locateSharedLibrary', () => {
  /** A glibc "new format" ld.so.cache (written here from glibc's layout) mapping names to paths. */
  function ldCache(entries: Array<[string, string]>): string {
    const strings: Buffer[] = [];
    const header = 48;
    const table = header + entries.length * 24;
    let offset = table;
    const at = (text: string): number => {
      const start = offset;
      strings.push(Buffer.from(`${text}\0`));
      offset += text.length + 1;
      return start;
    };
    const head = Buffer.alloc(header);
    head.write('glibc-ld.so.cache1.1', 0, 'latin1');
    head.writeUInt32LE(entries.length, 20);
    const rows = entries.map(([name, file]) => {
      const row = Buffer.alloc(24);
      row.writeInt32LE(0x0303, 0);
      row.writeUInt32LE(at(name), 4);
      row.writeUInt32LE(at(file), 8);
      return row;
    });
    head.writeUInt32LE(offset - table, 24);
    return copy('ld.so.cache', Buffer.concat([head, ...rows, ...strings]));
  }

  it('finds the loader pick through LD_LIBRARY_PATH, then ld.so.cache; skips files for another CPU class', () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    const class32 = Buffer.from(intact);
    class32[4] = 1;
    fs.writeFileSync(path.join(first, 'libnvidia-ml.so.1'), class32);
    fs.writeFileSync(path.join(second, 'libnvidia-ml.so.1'), intact);
    const cache = ldCache([['libz.so.1', '/nowhere/libz.so.1'], ['libnvidia-ml.so.1', path.join(second, 'libnvidia-ml.so.1')]]);
    expect(locateSharedLibrary('libnvidia-ml.so.1', { LD_LIBRARY_PATH: `${first}:${second}` }, '/nonexistent')).toBe(path.join(second, 'libnvidia-ml.so.1'));
    expect(locateSharedLibrary('libnvidia-ml.so.1', {}, cache)).toBe(path.join(second, 'libnvidia-ml.so.1'));
    expect(locateSharedLibrary('libnvidia-ml.so.1', { LD_LIBRARY_PATH: first }, cache)).toBe(path.join(second, 'libnvidia-ml.so.1'));
    expect(locateSharedLibrary('libnvidia-ml.so.1', {}, '/nonexistent')).toBeNull();
    expect(locateSharedLibrary('/abs/libnvidia-ml.so.1')).toBeNull();
    // The system's own cache parses (whatever it lists).
    expect(() => locateSharedLibrary('libc.so.6')).not.toThrow();
  });
});

describe('every entry point with a damaged library', () => {
  const bins: Array<[string, string[]]> = [
    ['nvitop.js', ['-1']],
    ['nvitop.js', ['--json']],
    ['nvisel.js', []],
    ['nvitop-exporter.js', ['--port', '0']],
  ];

  it('prints one "cannot load" line and exits 1 (never SIGBUS), for NVITOP_NVML_LIBRARY and for the bare name', () => {
    const cut = copy('libnvidia-ml.so.1', intact.subarray(0, 20_000));
    const envs: Array<[string, NodeJS.ProcessEnv]> = [
      ['NVITOP_NVML_LIBRARY', { ...process.env, NVITOP_NVML_LIBRARY: cut }],
      ['LD_LIBRARY_PATH', { ...process.env, NVITOP_NVML_LIBRARY: '', LD_LIBRARY_PATH: dir }],
    ];
    for (const [how, env] of envs) {
      for (const [bin, args] of bins) {
        const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', bin), ...args], { env, encoding: 'utf8', timeout: 20_000 });
        const what = `${bin} ${args.join(' ')} via ${how}`;
        expect(run.signal, what).toBeNull();
        expect(run.status, what).toBe(1);
        const lines = run.stderr.trimEnd().split('\n');
        expect(lines, what).toHaveLength(1);
        expect(lines[0], what).toContain(`The NVML library ${cut} is truncated or corrupt (truncated: 20000 bytes, a loadable segment ends at byte `);
        expect(lines[0], what).toContain('Reinstall the NVIDIA driver, or set NVITOP_NVML_LIBRARY to an intact copy');
      }
    }
  });
});
