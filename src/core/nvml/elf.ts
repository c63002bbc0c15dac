/**
 * A look at a shared library's ELF headers before `dlopen` touches it. The dynamic loader maps
 * every loadable segment the program headers name; in a truncated file (an interrupted driver
 * upgrade, a half-copied container layer) those pages lie past the end of the file, and the
 * first access to them kills the process with SIGBUS inside `dlopen`, before any error can be
 * reported. Checking that the header, the program header table and every loadable segment lie
 * inside the file turns that crash into a one-line "cannot load" error.
 *
 * Also finds the file the loader would pick for a bare name (`libnvidia-ml.so.1`): the
 * `LD_LIBRARY_PATH` folders, then `/etc/ld.so.cache`, then the default folders.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const ET_DYN = 3;

/** ELF `e_machine` of each Node.js architecture. */
const MACHINES: Readonly<Record<string, number>> = {
  x64: 62,
  arm64: 183,
  ppc64: 21,
  s390x: 22,
  riscv64: 243,
  loong64: 258,
  ia32: 3,
  arm: 40,
};
const BITS_32 = new Set(['ia32', 'arm']);

/** What the process can load: class (32/64 bit), byte order and machine. */
interface Target {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly machine: number | undefined;
}

function processTarget(): Target {
  return { is64: !BITS_32.has(process.arch), littleEndian: os.endianness() === 'LE', machine: MACHINES[process.arch] };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/** The ELF facts a check needs, read with the file's own class and byte order. */
interface ElfHeader {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly type: number;
  readonly machine: number;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
}

function parseHeader(head: Buffer): ElfHeader | string {
  if (head.length < 16 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    return 'not an ELF shared library (bad magic number)';
  }
  const elfClass = head[4];
  const data = head[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) return 'not a valid ELF file (unknown class or byte order)';
  const is64 = elfClass === 2;
  const littleEndian = data === 1;
  const size = is64 ? 64 : 52;
  if (head.length < size) return `truncated: ${head.length} bytes, shorter than an ELF header`;
  const u16 = (at: number): number => (littleEndian ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const u32 = (at: number): number => (littleEndian ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const u64 = (at: number): number => Number(littleEndian ? head.readBigUInt64LE(at) : head.readBigUInt64BE(at));
  return {
    is64,
    littleEndian,
    type: u16(16),
    machine: u16(18),
    phoff: is64 ? u64(32) : u32(28),
    phentsize: u16(is64 ? 54 : 42),
    phnum: u16(is64 ? 56 : 44),
  };
}

function mismatch(header: ElfHeader, target: Target): string | null {
  if (header.is64 !== target.is64) return `a ${header.is64 ? 64 : 32}-bit library, this process is ${target.is64 ? 64 : 32}-bit`;
  if (header.littleEndian !== target.littleEndian) return 'built for the other byte order';
  if (target.machine !== undefined && header.machine !== target.machine) return `built for another CPU (ELF machine ${header.machine}, this one is ${target.machine})`;
  return null;
}

/**
 * Checks that `file` is a complete ELF shared library this process can load: the ELF header,
 * the program header table and every loadable (`PT_LOAD`) and dynamic segment lie within the
 * file, and its class, byte order and machine match the process.
 *
 * @returns null when the file looks loadable, else what is wrong with it (one phrase).
 * @throws the file system error when the file cannot be opened or read.
 *
 * @example
 * ```ts
 * checkSharedLibrary('/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1'); // null
 * checkSharedLibrary('/tmp/half-copied.so'); // 'truncated: 20000 bytes, a loadable segment ends at byte 58304'
 * ```
 */
export function checkSharedLibrary(file: string): string | null {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return 'not a regular file';
    const size = stat.size;
    const header = parseHeader(readAt(fd, 0, 64));
    if (typeof header === 'string') return header;
    if (header.type !== ET_DYN) return `not a shared library (ELF type ${header.type})`;
    const wrong = mismatch(header, processTarget());
    if (wrong !== null) return wrong;
    const entry = header.is64 ? 56 : 32;
    if (header.phnum === 0 || header.phentsize < entry) return 'no valid program header table';
    const tableEnd = header.phoff + header.phnum * header.phentsize;
    if (tableEnd > size) return `truncated: ${size} bytes, the program headers end at byte ${tableEnd}`;
    const table = readAt(fd, header.phoff, header.phnum * header.phentsize);
    const le = header.littleEndian;
    for (let i = 0; i < header.phnum; i += 1) {
      const at = i * header.phentsize;
      const type = le ? table.readUInt32LE(at) : table.readUInt32BE(at);
      if (type !== PT_LOAD && type !== PT_DYNAMIC) continue;
      const offset = header.is64
        ? Number(le ? table.readBigUInt64LE(at + 8) : table.readBigUInt64BE(at + 8))
        : le ? table.readUInt32LE(at + 4) : table.readUInt32BE(at + 4);
      const fileSize = header.is64
        ? Number(le ? table.readBigUInt64LE(at + 32) : table.readBigUInt64BE(at + 32))
        : le ? table.readUInt32LE(at + 16) : table.readUInt32BE(at + 16);
      const end = offset + fileSize;
      if (end > size) return `truncated: ${size} bytes, a ${type === PT_LOAD ? 'loadable' : 'dynamic'} segment ends at byte ${end}`;
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether `file`'s ELF class, byte order and machine fit this process (false for non-ELF). */
function fitsProcess(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return false;
    const header = parseHeader(readAt(fd, 0, 64));
    // A damaged file counts as the loader's pick: the loader would try it too.
    return typeof header === 'string' ? header.startsWith('truncated') : mismatch(header, processTarget()) === null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The libraries named `name` in `/etc/ld.so.cache` (glibc's new format, which ldconfig has
 * written since glibc 2.32 and alongside the old one before), in cache order.
 */
function cachedPaths(name: string, cacheFile: string): string[] {
  let cache: Buffer;
  try {
    cache = fs.readFileSync(cacheFile);
  } catch {
    return [];
  }
  const magic = Buffer.from('glibc-ld.so.cache1.1', 'latin1');
  const start = cache.indexOf(magic);
  if (start < 0 || start + 48 > cache.length) return [];
  const le = os.endianness() === 'LE';
  const u32 = (at: number): number => (le ? cache.readUInt32LE(at) : cache.readUInt32BE(at));
  const count = u32(start + 20);
  const stringAt = (offset: number): string | null => {
    const from = start + offset;
    if (offset === 0 || from >= cache.length) return null;
    const end = cache.indexOf(0, from);
    return end < 0 ? null : cache.toString('utf8', from, end);
  };
  const found: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = start + 48 + i * 24;
    if (at + 24 > cache.length) break;
    if (stringAt(u32(at + 4)) === name) {
      const value = stringAt(u32(at + 8));
      if (value !== null) found.push(value);
    }
  }
  return found;
}

/**
 * The file the dynamic loader would open for a bare library `name`: the first fitting file in
 * the `LD_LIBRARY_PATH` folders, `/etc/ld.so.cache`, then the default folders. Null when the
 * name contains a slash (it is a path, used as it is) or no file is found.
 *
 * @example
 * ```ts
 * locateSharedLibrary('libnvidia-ml.so.1'); // '/lib/x86_64-linux-gnu/libnvidia-ml.so.1'
 * ```
 */
export function locateSharedLibrary(name: string, env: NodeJS.ProcessEnv = process.env, cacheFile = '/etc/ld.so.cache'): string | null {
  if (name.includes('/')) return null;
  const folders = (env.LD_LIBRARY_PATH ?? '').split(/[:;]/).filter((folder) => folder !== '');
  for (const folder of folders) {
    const file = path.join(folder, name);
    if (fitsProcess(file)) return file;
  }
  for (const file of cachedPaths(name, cacheFile)) if (fitsProcess(file)) return file;
  const defaults = processTarget().is64 ? ['/lib64', '/usr/lib64', '/lib', '/usr/lib'] : ['/lib', '/usr/lib'];
  for (const folder of defaults) {
    const file = path.join(folder, name);
    if (fitsProcess(file)) return file;
  }
  return null;
}
