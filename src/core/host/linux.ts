/**
 * The Linux implementation of {@link HostPlatform}: plain reads of `/proc`, no child processes,
 * no native code. Formulas follow psutil's `_pslinux.py` (named at each function).
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import { parseProcCgroup, type CgroupMembership } from '../containers/cgroup.js';
import { AccessDeniedError, NoSuchProcessError, ZombieProcessError } from '../errors.js';
import { NA, type Maybe } from '../na.js';
import type { SwapMemoryInfo, VirtualMemoryInfo } from '../snapshot-types.js';
import { parseDiskstats, parseMounts, parseNetDev, parsePhysicalFilesystems, parseProcNetRoute } from './linux-io.js';
import type {
  CpuStat,
  CpuTimes,
  DiskIoCounters,
  DiskPartition,
  HostPlatform,
  Ipv4Route,
  MemoryStat,
  NetIoCounters,
  ProcessIds,
  ProcessMemoryInfo,
  ProcessStat,
  ProcessStatus,
  ProcessStatusInfo,
} from './platform.js';
import { roundPercent } from './round.js';

/** The state letters of `/proc/<pid>/stat` as psutil names them. */
const STATUSES: Readonly<Record<string, ProcessStatus>> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk-sleep',
  T: 'stopped',
  t: 'tracing-stop',
  Z: 'zombie',
  X: 'dead',
  x: 'dead',
  K: 'wake-kill',
  W: 'waking',
  I: 'idle',
  P: 'parked',
};

/** The inode of the initial PID namespace (the kernel's `PROC_PID_INIT_INO`). */
const INITIAL_PID_NAMESPACE = `pid:[${0xeffffffc}]`;

/**
 * The file-system calls the Linux platform makes. The default ({@link nodeProcReader}) is
 * `node:fs`; tests inject a fake to produce errors such as `EACCES` on demand. Errors must carry
 * Node's `code` (`'ENOENT'`, `'EACCES'`, `'EPERM'`, `'ESRCH'`, …).
 */
export interface ProcReader {
  /** Reads a whole file. */
  readFile(path: string): Buffer;
  /** Reads a symbolic link's target. */
  readlink(path: string): string;
  /** Lists a directory. */
  readdir(path: string): string[];
  /** Whether the path exists (without following a final symlink). */
  exists(path: string): boolean;
}

/**
 * {@link ProcReader} backed by `node:fs` (synchronous: /proc reads do not block on disk).
 *
 * @example
 * ```ts
 * nodeProcReader.readFile('/proc/loadavg').toString();
 * ```
 */
export const nodeProcReader: ProcReader = {
  readFile: (path) => fs.readFileSync(path),
  readlink: (path) => fs.readlinkSync(path),
  readdir: (path) => fs.readdirSync(path),
  exists: (path) => {
    try {
      fs.lstatSync(path);
      return true;
    } catch {
      return false;
    }
  },
};

/** Options of {@link createLinuxPlatform}. */
export interface LinuxPlatformOptions {
  /** Where procfs is mounted (default `/proc`). */
  readonly procfs?: string;
  /** File-system access (default {@link nodeProcReader}). */
  readonly reader?: ProcReader;
  /** Clock ticks per second (default: `AT_CLKTCK` from `/proc/self/auxv`, else 100). */
  readonly clockTicks?: number;
  /** Page size in bytes (default: `AT_PAGESZ` from `/proc/self/auxv`, else 4096). */
  readonly pageSize?: number;
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;
const WORD64_ARCHES = new Set(['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'mips64']);

/**
 * Parses an ELF auxiliary vector (`/proc/self/auxv`): pairs of machine words `(type, value)`,
 * ending with `AT_NULL`. Returns `type → value` (values beyond 2^53 are not needed here and are
 * rounded).
 *
 * @example
 * ```ts
 * parseAuxv(fs.readFileSync('/proc/self/auxv')).get(17); // AT_CLKTCK: 100
 * ```
 */
export function parseAuxv(
  data: Buffer,
  wordSize: 4 | 8 = WORD64_ARCHES.has(process.arch) ? 8 : 4,
  littleEndian: boolean = os.endianness() === 'LE',
): Map<number, number> {
  const result = new Map<number, number>();
  const step = wordSize * 2;
  for (let offset = 0; offset + step <= data.length; offset += step) {
    let type: number;
    let value: number;
    if (wordSize === 8) {
      type = Number(littleEndian ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset));
      value = Number(littleEndian ? data.readBigUInt64LE(offset + 8) : data.readBigUInt64BE(offset + 8));
    } else {
      type = littleEndian ? data.readUInt32LE(offset) : data.readUInt32BE(offset);
      value = littleEndian ? data.readUInt32LE(offset + 4) : data.readUInt32BE(offset + 4);
    }
    if (type === 0) break;
    result.set(type, value);
  }
  return result;
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as NodeJS.ErrnoException).code ?? undefined) : undefined;
}

function parseKeyedKiB(text: string): Map<string, number> {
  // "MemTotal:       16318480 kB" → bytes. psutil multiplies every value by 1024.
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = Number.parseInt(line.slice(colon + 1).trim(), 10);
    if (Number.isFinite(value)) map.set(line.slice(0, colon), value * 1024);
  }
  return map;
}

/** psutil's `readlink`: drop what follows a NUL, and a bogus `' (deleted)'` suffix. */
function cleanLink(path: string, reader: ProcReader): string {
  let result = path.split('\0')[0] ?? '';
  if (result.endsWith(' (deleted)') && !reader.exists(result)) result = result.slice(0, -10);
  return result;
}

/**
 * Creates the `/proc` platform.
 *
 * @example
 * ```ts
 * const linux = createLinuxPlatform();
 * linux.memoryStat().virtual.percent; // 23.4
 * ```
 */
export function createLinuxPlatform(options: LinuxPlatformOptions = {}): HostPlatform {
  const procfs = options.procfs ?? '/proc';
  const reader = options.reader ?? nodeProcReader;
  let auxv: Map<number, number> | undefined;
  const auxValue = (type: number): number | undefined => {
    if (auxv === undefined) {
      try {
        auxv = parseAuxv(reader.readFile(`${procfs}/self/auxv`));
      } catch {
        auxv = new Map();
      }
    }
    const value = auxv.get(type);
    return value !== undefined && value > 0 ? value : undefined;
  };
  // USER_HZ, the unit of the tick counts in /proc/<pid>/stat and /proc/stat. glibc's
  // sysconf(_SC_CLK_TCK) returns the kernel's AT_CLKTCK auxv entry, which we read from
  // /proc/self/auxv (no child process such as `getconf CLK_TCK`, no FFI). USER_HZ is 100 on every
  // mainstream architecture (x86, arm, arm64, ppc, s390, riscv), so 100 is the fallback.
  const clockTicks = (): number => options.clockTicks ?? auxValue(AT_CLKTCK) ?? 100;
  // Page size for /proc/<pid>/statm (4 KiB on x86; 4, 16 or 64 KiB on arm64 kernels).
  const pageSize = (): number => options.pageSize ?? auxValue(AT_PAGESZ) ?? 4096;

  const pidPath = (pid: number, file: string): string => `${procfs}/${pid}/${file}`;

  const isZombie = (pid: number): boolean => {
    try {
      const text = reader.readFile(pidPath(pid, 'stat')).toString('latin1');
      const rpar = text.lastIndexOf(')');
      return text.charAt(rpar + 2) === 'Z';
    } catch {
      return false;
    }
  };

  /** psutil's `wrap_exceptions`: turns an errno into the process error it means. */
  const fail = (pid: number, error: unknown): never => {
    const code = errnoCode(error);
    if (code === 'EACCES' || code === 'EPERM') throw new AccessDeniedError(pid, { cause: error });
    if (code === 'ESRCH' || code === 'ENOENT') {
      if (isZombie(pid)) throw new ZombieProcessError(pid, { cause: error });
      if (code === 'ESRCH' || !reader.exists(`${procfs}/${pid}`)) throw new NoSuchProcessError(pid, { cause: error });
    }
    throw error;
  };

  const readPidFile = (pid: number, file: string): Buffer => {
    try {
      return reader.readFile(pidPath(pid, file));
    } catch (error) {
      return fail(pid, error);
    }
  };

  const readFileOrUndefined = (path: string): string | undefined => {
    try {
      return reader.readFile(path).toString('utf8');
    } catch {
      return undefined;
    }
  };

  const genericCpuStat = (): CpuStat => {
    const cpus = os.cpus();
    return {
      times: emptyCpuTimes(),
      cpuCount: cpus.length > 0 ? cpus.length : os.availableParallelism(),
      bootTime: NA,
    };
  };

  const cpuStat = (): CpuStat => {
    const text = readFileOrUndefined(`${procfs}/stat`);
    if (text === undefined) return genericCpuStat();
    const hz = clockTicks();
    let times: CpuTimes = emptyCpuTimes();
    let cpuCount = 0;
    let bootTime: Maybe<number> = NA;
    for (const line of text.split('\n')) {
      if (line.startsWith('cpu ')) {
        const v = line
          .slice(4)
          .trim()
          .split(/\s+/)
          .map((x) => Number(x) / hz);
        const at = (i: number): number => (Number.isFinite(v[i]) ? (v[i] as number) : 0);
        times = {
          user: at(0),
          nice: at(1),
          system: at(2),
          idle: at(3),
          iowait: at(4),
          irq: at(5),
          softirq: at(6),
          steal: at(7),
          guest: at(8),
          guestNice: at(9),
        };
      } else if (/^cpu\d+\s/.test(line)) {
        cpuCount += 1;
      } else if (line.startsWith('btime')) {
        const value = Number(line.slice(5).trim());
        if (Number.isFinite(value)) bootTime = value;
      }
    }
    if (cpuCount === 0) cpuCount = genericCpuStat().cpuCount;
    return { times, cpuCount, bootTime };
  };

  /** psutil's `calculate_avail_vmem`, for kernels without (or with a zero) `MemAvailable`. */
  const estimateAvailable = (mems: Map<string, number>): number => {
    const free = mems.get('MemFree') ?? 0;
    const fallback = free + (mems.get('Cached') ?? 0);
    const activeFile = mems.get('Active(file)');
    const inactiveFile = mems.get('Inactive(file)');
    const slabReclaimable = mems.get('SReclaimable');
    if (activeFile === undefined || inactiveFile === undefined || slabReclaimable === undefined) return fallback;
    const zoneinfo = readFileOrUndefined(`${procfs}/zoneinfo`);
    if (zoneinfo === undefined) return fallback;
    let watermarkLow = 0;
    for (const raw of zoneinfo.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('low')) watermarkLow += Number(line.split(/\s+/)[1]) || 0;
    }
    watermarkLow *= pageSize();
    let avail = free - watermarkLow;
    let pagecache = activeFile + inactiveFile;
    pagecache -= Math.min(pagecache / 2, watermarkLow);
    avail += pagecache;
    avail += slabReclaimable - Math.min(slabReclaimable / 2, watermarkLow);
    return Math.trunc(avail);
  };

  const genericMemoryStat = (): MemoryStat => {
    const total = os.totalmem();
    const free = os.freemem();
    return {
      virtual: { total, available: free, used: total - free, free, percent: roundPercent(total - free, total) },
      swap: { total: 0, used: 0, free: 0, percent: 0 },
    };
  };

  const memoryStat = (): MemoryStat => {
    const text = readFileOrUndefined(`${procfs}/meminfo`);
    if (text === undefined) return genericMemoryStat();
    const mems = parseKeyedKiB(text);
    const total = mems.get('MemTotal');
    const free = mems.get('MemFree');
    if (total === undefined || free === undefined) return genericMemoryStat();
    // psutil (mimicking procps' `free`): cached includes SReclaimable, and
    // used = total - free - buffers - cached (total - free when that goes negative, as in LXC).
    const buffers = mems.get('Buffers') ?? 0;
    const cached = (mems.get('Cached') ?? 0) + (mems.has('Cached') ? (mems.get('SReclaimable') ?? 0) : 0);
    let used = total - free - cached - buffers;
    if (used < 0) used = total - free;
    let available = mems.get('MemAvailable');
    if (available === undefined || available === 0) available = estimateAvailable(mems);
    if (available < 0) available = 0;
    else if (available > total) available = free;
    const virtual: VirtualMemoryInfo = {
      total,
      available,
      used,
      free,
      percent: roundPercent(total - available, total),
    };
    const swapTotal = mems.get('SwapTotal') ?? 0;
    const swapFree = mems.get('SwapFree') ?? 0;
    const swapUsed = swapTotal - swapFree;
    const swap: SwapMemoryInfo = {
      total: swapTotal,
      used: swapUsed,
      free: swapFree,
      percent: roundPercent(swapUsed, swapTotal),
    };
    return { virtual, swap };
  };

  const pids = (): number[] => {
    let names: string[];
    try {
      names = reader.readdir(procfs);
    } catch {
      return [];
    }
    return names
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  };

  const processStat = (pid: number): ProcessStat => {
    // Decode as latin1 first so that byte offsets and the parentheses search are exact; the
    // name is re-decoded as UTF-8 (comm may contain spaces and parentheses: first '(' to last ')').
    const data = readPidFile(pid, 'stat');
    const text = data.toString('latin1');
    const lpar = text.indexOf('(');
    const rpar = text.lastIndexOf(')');
    if (lpar < 0 || rpar < lpar) throw new Error(`Unexpected format of ${pidPath(pid, 'stat')}: ${text}`);
    const comm = data.subarray(lpar + 1, rpar).toString('utf8');
    const f = text
      .slice(rpar + 2)
      .trim()
      .split(/\s+/);
    const num = (i: number): number => {
      const value = Number(f[i]);
      return Number.isFinite(value) ? value : 0;
    };
    // Times are in clock ticks (USER_HZ) there; the start time in ticks is the identity stamp.
    const hz = clockTicks();
    const startStamp = num(19);
    return {
      pid,
      name: comm,
      status: STATUSES[f[0] ?? ''] ?? '?',
      ppid: num(1),
      cpuTimes: {
        user: num(11) / hz,
        system: num(12) / hz,
        childrenUser: num(13) / hz,
        childrenSystem: num(14) / hz,
        iowait: num(39) / hz,
      },
      numThreads: num(17),
      startTime: startStamp / hz,
      startStamp,
    };
  };

  const ppidMap = (): Map<number, number> => {
    const result = new Map<number, number>();
    for (const pid of pids()) {
      let text: string;
      try {
        text = reader.readFile(pidPath(pid, 'stat')).toString('latin1');
      } catch {
        continue; // gone meanwhile (stat is readable by everyone, so not EACCES)
      }
      const rpar = text.lastIndexOf(')');
      const ppid = Number(text.slice(rpar + 2).split(' ')[1]);
      if (Number.isFinite(ppid)) result.set(pid, ppid);
    }
    return result;
  };

  const parseIds = (text: string, key: string, pid: number): ProcessIds => {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)`, 'm').exec(text);
    if (match === null) throw new Error(`'${key}' line not found in ${pidPath(pid, 'status')}`);
    return { real: Number(match[1]), effective: Number(match[2]), saved: Number(match[3]) };
  };

  const processStatus = (pid: number): ProcessStatusInfo => {
    const text = readPidFile(pid, 'status').toString('utf8');
    return { uids: parseIds(text, 'Uid', pid), gids: parseIds(text, 'Gid', pid) };
  };

  const processCmdline = (pid: number): string[] => {
    let data = readPidFile(pid, 'cmdline').toString('utf8');
    if (data.length === 0) {
      // Kernel threads have no command line; a zombie has lost it.
      if (isZombie(pid)) throw new ZombieProcessError(pid);
      return [];
    }
    // psutil: NUL-separated with a trailing NUL, except after setproctitle() which may use
    // spaces; a NUL-terminated single argument containing spaces is split on spaces too.
    const sep = data.endsWith('\0') ? '\0' : ' ';
    if (data.endsWith(sep)) data = data.slice(0, -1);
    let args = data.split(sep);
    if (sep === '\0' && args.length === 1 && data.includes(' ')) args = data.split(' ');
    return args;
  };

  const processContainer = (pid: number): CgroupMembership => parseProcCgroup(readPidFile(pid, 'cgroup').toString('utf8'));

  const processEnviron = (pid: number): Record<string, string> => {
    const data = readPidFile(pid, 'environ').toString('utf8');
    return parseEnvironBlock(data);
  };

  const processCwd = (pid: number): string => {
    try {
      return cleanLink(reader.readlink(pidPath(pid, 'cwd')), reader);
    } catch (error) {
      return fail(pid, error);
    }
  };

  const processExe = (pid: number): string => {
    try {
      return cleanLink(reader.readlink(pidPath(pid, 'exe')), reader);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ESRCH') {
        if (isZombie(pid)) throw new ZombieProcessError(pid, { cause: error });
        // Kernel threads (and some early system processes) have no executable.
        if (reader.exists(`${procfs}/${pid}`)) return '';
        throw new NoSuchProcessError(pid, { cause: error });
      }
      return fail(pid, error);
    }
  };

  const processMemory = (pid: number): ProcessMemoryInfo => {
    const fields = readPidFile(pid, 'statm').toString('latin1').trim().split(/\s+/).map(Number);
    const page = pageSize();
    const at = (i: number): number => (Number.isFinite(fields[i]) ? (fields[i] as number) * page : 0);
    return { vms: at(0), rss: at(1), shared: at(2), text: at(3), data: at(5) };
  };

  const loadAverage = (): Maybe<readonly [number, number, number]> => {
    const text = readFileOrUndefined(`${procfs}/loadavg`);
    if (text !== undefined) {
      const [a, b, c] = text.trim().split(/\s+/).map(Number);
      if (Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c)) return [a as number, b as number, c as number];
    }
    const [a, b, c] = os.loadavg();
    return [a ?? 0, b ?? 0, c ?? 0];
  };

  const uptime = (): Maybe<number> => {
    const text = readFileOrUndefined(`${procfs}/uptime`);
    const value = text === undefined ? Number.NaN : Number(text.trim().split(/\s+/)[0]);
    return Number.isFinite(value) ? value : os.uptime();
  };

  const inSeparatePidNamespace = (): boolean => {
    try {
      // The initial PID namespace has a fixed inode; any other is a container's own namespace.
      return reader.readlink(`${procfs}/self/ns/pid`) !== INITIAL_PID_NAMESPACE;
    } catch {
      return reader.exists('/.dockerenv') || reader.exists('/run/.containerenv');
    }
  };

  const netIoCounters = (): Map<string, NetIoCounters> => {
    const text = readFileOrUndefined(`${procfs}/net/dev`);
    return text === undefined ? new Map() : parseNetDev(text);
  };

  const diskIoCounters = (): Map<string, DiskIoCounters> => {
    const text = readFileOrUndefined(`${procfs}/diskstats`);
    return text === undefined ? new Map() : parseDiskstats(text);
  };

  const diskPartitions = (all: boolean): DiskPartition[] => {
    const mounts = readFileOrUndefined(`${procfs}/self/mounts`);
    if (mounts === undefined) return [];
    if (all) return parseMounts(mounts);
    return parseMounts(mounts, parsePhysicalFilesystems(readFileOrUndefined(`${procfs}/filesystems`) ?? ''));
  };

  const ipv4Routes = (): Ipv4Route[] | undefined => {
    const text = readFileOrUndefined(`${procfs}/net/route`);
    return text === undefined ? undefined : parseProcNetRoute(text);
  };

  return {
    id: 'linux',
    supportsProcesses: true,
    cpuStat,
    memoryStat,
    loadAverage,
    uptime,
    pids,
    ppidMap,
    processExists: (pid) => Number.isInteger(pid) && pid > 0 && reader.exists(`${procfs}/${pid}`),
    processStat,
    processStatus,
    processCmdline,
    processContainer,
    processEnviron,
    processCwd,
    processExe,
    processMemory,
    inSeparatePidNamespace,
    netIoCounters,
    diskIoCounters,
    diskPartitions,
    ipv4Routes,
  };
}

/** All-zero CPU times. */
export function emptyCpuTimes(): CpuTimes {
  return { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };
}

/**
 * psutil's `parse_environ_block`: `KEY=value` entries separated by NULs; parsing stops at the
 * first empty entry or at a last entry without its NUL; entries without `=` (or starting with
 * it) are skipped. The result has no prototype, so a variable named `__proto__` is kept as data.
 *
 * @example
 * ```ts
 * parseEnvironBlock('A=1\0B=x=y\0'); // { A: '1', B: 'x=y' }
 * ```
 */
export function parseEnvironBlock(data: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  let pos = 0;
  for (;;) {
    const next = data.indexOf('\0', pos);
    if (next <= pos) break;
    const equal = data.indexOf('=', pos);
    if (equal > pos && equal < next) result[data.slice(pos, equal)] = data.slice(equal + 1, next);
    pos = next + 1;
  }
  return result;
}
