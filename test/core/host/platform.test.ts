import * as fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AccessDeniedError, NoSuchProcessError, ZombieProcessError } from '../../../src/core/errors.js';
import {
  HostProcess,
  createGenericPlatform,
  createLinuxPlatform,
  parseEnvironBlock,
  setHostPlatform,
  type ProcReader,
} from '../../../src/core/host/index.js';
import { parseAuxv } from '../../../src/core/host/linux.js';

type Entry = string | Buffer | { errno: string };

function errnoError(code: string, path: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: fake, ${path}`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

/** An in-memory /proc: files, links and directories implied by the paths. */
function fakeReader(files: Record<string, Entry>, links: Record<string, Entry> = {}): ProcReader {
  const get = (table: Record<string, Entry>, path: string): Entry => {
    const entry = table[path];
    if (entry === undefined) throw errnoError('ENOENT', path);
    if (typeof entry === 'object' && !Buffer.isBuffer(entry)) throw errnoError(entry.errno, path);
    return entry;
  };
  const all = () => [...Object.keys(files), ...Object.keys(links)];
  return {
    readFile: (path) => {
      const entry = get(files, path);
      return Buffer.isBuffer(entry) ? entry : Buffer.from(entry as string);
    },
    readlink: (path) => String(get(links, path)),
    readdir: (dir) => [...new Set(all().filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1).split('/')[0] as string))],
    exists: (path) => all().some((p) => p === path || p.startsWith(`${path}/`)),
  };
}

const stat = (pid: number, comm: string, state: string, start = 1000): string =>
  `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 4 0 ${start} 1000000 300 ` +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 12 0 0 0 0 0 0 0 0 0 0\n';

const meminfo = (fields: Record<string, number>): string =>
  Object.entries(fields)
    .map(([k, v]) => `${k}:${' '.repeat(12)}${v} kB`)
    .join('\n') + '\n';

describe('Linux platform formulas (fake /proc)', () => {
  it('virtual memory: psutil formula, cached includes SReclaimable', () => {
    const linux = createLinuxPlatform({
      reader: fakeReader({
        '/proc/meminfo': meminfo({
          MemTotal: 1000000,
          MemFree: 200000,
          MemAvailable: 600000,
          Buffers: 50000,
          Cached: 250000,
          SReclaimable: 100000,
          SwapTotal: 400000,
          SwapFree: 300000,
        }),
      }),
    });
    const { virtual, swap } = linux.memoryStat();
    expect(virtual).toEqual({
      total: 1000000 * 1024,
      available: 600000 * 1024,
      used: (1000000 - 200000 - 50000 - 250000 - 100000) * 1024,
      free: 200000 * 1024,
      percent: 40,
    });
    expect(swap).toEqual({ total: 400000 * 1024, used: 100000 * 1024, free: 300000 * 1024, percent: 25 });
  });

  it('container quirks: negative used becomes total - free; available above total becomes free', () => {
    const linux = createLinuxPlatform({
      reader: fakeReader({
        '/proc/meminfo': meminfo({ MemTotal: 1000, MemFree: 100, MemAvailable: 5000, Buffers: 500, Cached: 800 }),
      }),
    });
    const { virtual, swap } = linux.memoryStat();
    expect(virtual.used).toBe(900 * 1024);
    expect(virtual.available).toBe(100 * 1024);
    expect(virtual.percent).toBe(90);
    expect(swap).toEqual({ total: 0, used: 0, free: 0, percent: 0 });
  });

  it('without MemAvailable, estimates it from zoneinfo watermarks (psutil calculate_avail_vmem)', () => {
    const linux = createLinuxPlatform({
      pageSize: 4096,
      reader: fakeReader({
        '/proc/meminfo': meminfo({
          MemTotal: 1000000,
          MemFree: 100000,
          Cached: 300000,
          'Active(file)': 200000,
          'Inactive(file)': 100000,
          SReclaimable: 40000,
        }),
        '/proc/zoneinfo': 'Node 0, zone   Normal\n  pages free     1\n        min      10\n        low      25\n        high     30\n',
      }),
    });
    const low = 25 * 4096;
    const free = 100000 * 1024;
    const pagecache = 300000 * 1024;
    const slab = 40000 * 1024;
    const expected = Math.trunc(free - low + (pagecache - Math.min(pagecache / 2, low)) + (slab - Math.min(slab / 2, low)));
    expect(linux.memoryStat().virtual.available).toBe(expected);
  });

  it('cpu stat: times in seconds, online CPUs, btime; clock ticks from the option', () => {
    const linux = createLinuxPlatform({
      clockTicks: 100,
      reader: fakeReader({
        '/proc/stat':
          'cpu  100 20 30 400 50 6 7 8 9 10\ncpu0 50 10 15 200 25 3 3 4 4 5\ncpu1 50 10 15 200 25 3 4 4 5 5\nintr 1\nbtime 1700000000\n',
      }),
    });
    const s = linux.cpuStat();
    expect(s.cpuCount).toBe(2);
    expect(s.bootTime).toBe(1700000000);
    expect(s.times).toEqual({
      user: 1,
      nice: 0.2,
      system: 0.3,
      idle: 4,
      iowait: 0.5,
      irq: 0.06,
      softirq: 0.07,
      steal: 0.08,
      guest: 0.09,
      guestNice: 0.1,
    });
  });

  it('load average and uptime', () => {
    const linux = createLinuxPlatform({
      reader: fakeReader({ '/proc/loadavg': '0.52 0.58 0.59 1/467 12345\n', '/proc/uptime': '350735.47 234388.90\n' }),
    });
    expect(linux.loadAverage()).toEqual([0.52, 0.58, 0.59]);
    expect(linux.uptime()).toBe(350735.47);
  });

  it('parses stat lines whose name holds spaces and parentheses into neutral units (status word, seconds)', () => {
    const linux = createLinuxPlatform({ clockTicks: 100, reader: fakeReader({ '/proc/42/stat': stat(42, 'my (odd) name', 'S', 777) }) });
    const s = linux.processStat(42);
    expect(s).toEqual({
      pid: 42,
      name: 'my (odd) name',
      status: 'sleeping',
      ppid: 1,
      cpuTimes: { user: 2.5, system: 0.5, childrenUser: 0.07, childrenSystem: 0.03, iowait: 0.12 },
      numThreads: 4,
      startTime: 7.77,
      startStamp: 777,
    });
    // Every state letter psutil knows becomes its word; an unknown letter is '?'.
    const statusOf = (letter: string) =>
      createLinuxPlatform({ reader: fakeReader({ '/proc/7/stat': stat(7, 'x', letter) }) }).processStat(7).status;
    expect(['R', 'S', 'D', 'T', 't', 'Z', 'X', 'x', 'K', 'W', 'I', 'P', 'Q'].map(statusOf)).toEqual([
      'running', 'sleeping', 'disk-sleep', 'stopped', 'tracing-stop', 'zombie', 'dead', 'dead', 'wake-kill', 'waking', 'idle', 'parked', '?',
    ]);
  });

  it('reads AT_CLKTCK and AT_PAGESZ from the auxiliary vector', () => {
    const auxv = Buffer.alloc(16 * 4);
    auxv.writeBigUInt64LE(6n, 0);
    auxv.writeBigUInt64LE(65536n, 8);
    auxv.writeBigUInt64LE(17n, 16);
    auxv.writeBigUInt64LE(250n, 24);
    const map = parseAuxv(auxv, 8, true);
    expect(map.get(6)).toBe(65536);
    expect(map.get(17)).toBe(250);
    const linux = createLinuxPlatform({
      reader: fakeReader({ '/proc/self/auxv': auxv, '/proc/9/statm': '10 3 1 1 0 2 0\n', '/proc/9/stat': stat(9, 'x', 'S', 1000) }),
    });
    // 250 ticks a second: 1000 ticks after boot is 4 s, 250 + 50 ticks of CPU are 1.2 s.
    expect(linux.processStat(9)).toMatchObject({ startTime: 4, startStamp: 1000, cpuTimes: { user: 1, system: 0.2 } });
    expect(linux.processMemory(9)).toEqual({ vms: 10 * 65536, rss: 3 * 65536, shared: 65536, text: 65536, data: 2 * 65536 });
    // The real auxv of this process gives what glibc's sysconf(_SC_CLK_TCK) gives.
    if (process.platform === 'linux') expect(parseAuxv(fs.readFileSync('/proc/self/auxv')).get(17)).toBe(100);
    // Without an auxv, 100 and 4096.
    const bare = createLinuxPlatform({ reader: fakeReader({ '/proc/9/stat': stat(9, 'x', 'S', 1000) }) });
    expect(bare.processStat(9).startTime).toBe(10);
  });
});

describe('errno mapping (psutil wrap_exceptions) through an injected reader', () => {
  const pid = 4242;
  const base = `/proc/${pid}`;

  it('EACCES and EPERM → AccessDeniedError', () => {
    const linux = createLinuxPlatform({
      reader: fakeReader(
        { [`${base}/stat`]: stat(pid, 'p', 'S'), [`${base}/environ`]: { errno: 'EACCES' }, [`${base}/status`]: { errno: 'EPERM' } },
        { [`${base}/cwd`]: { errno: 'EACCES' }, [`${base}/exe`]: { errno: 'EPERM' } },
      ),
    });
    expect(() => linux.processEnviron(pid)).toThrow(AccessDeniedError);
    expect(() => linux.processStatus(pid)).toThrow(AccessDeniedError);
    expect(() => linux.processCwd(pid)).toThrow(AccessDeniedError);
    expect(() => linux.processExe(pid)).toThrow(AccessDeniedError);
  });

  it('ESRCH, and ENOENT without /proc/<pid> → NoSuchProcessError', () => {
    const gone = createLinuxPlatform({ reader: fakeReader({}) });
    expect(() => gone.processStat(pid)).toThrow(NoSuchProcessError);
    expect(() => gone.processCmdline(pid)).toThrow(NoSuchProcessError);
    expect(() => gone.processExe(pid)).toThrow(NoSuchProcessError);
    const racing = createLinuxPlatform({
      reader: fakeReader({ [`${base}/stat`]: stat(pid, 'p', 'S'), [`${base}/environ`]: { errno: 'ESRCH' } }),
    });
    expect(() => racing.processEnviron(pid)).toThrow(NoSuchProcessError);
  });

  it('ENOENT of a zombie → ZombieProcessError; of a live process → the original error', () => {
    const zombie = createLinuxPlatform({ reader: fakeReader({ [`${base}/stat`]: stat(pid, 'p', 'Z') }) });
    expect(() => zombie.processCwd(pid)).toThrow(ZombieProcessError);
    expect(() => zombie.processExe(pid)).toThrow(ZombieProcessError);
    const live = createLinuxPlatform({ reader: fakeReader({ [`${base}/stat`]: stat(pid, 'p', 'S') }) });
    let thrown: unknown;
    try {
      live.processEnviron(pid);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as NodeJS.ErrnoException).code).toBe('ENOENT');
    // A live process without an executable (kernel thread): ''.
    expect(live.processExe(pid)).toBe('');
  });

  it('cmdline: empty for kernel threads, ZombieProcessError for zombies, psutil separators otherwise', () => {
    const make = (cmdline: string, state = 'S') =>
      createLinuxPlatform({ reader: fakeReader({ [`${base}/stat`]: stat(pid, 'p', state), [`${base}/cmdline`]: cmdline }) });
    expect(make('').processCmdline(pid)).toEqual([]);
    expect(() => make('', 'Z').processCmdline(pid)).toThrow(ZombieProcessError);
    expect(make('python3\0train.py\0--lr\x000.1\0').processCmdline(pid)).toEqual(['python3', 'train.py', '--lr', '0.1']);
    expect(make('nginx: worker process').processCmdline(pid)).toEqual(['nginx:', 'worker', 'process']);
    expect(make('ray::IDLE spill\0').processCmdline(pid)).toEqual(['ray::IDLE', 'spill']);
    expect(make('a\0b\0\0\0').processCmdline(pid)).toEqual(['a', 'b', '', '']);
  });

  it('HostProcess strips trailing empty arguments and reports errors as psutil', () => {
    const previous = setHostPlatform(
      createLinuxPlatform({
        clockTicks: 100,
        pageSize: 4096,
        reader: fakeReader(
          {
            '/proc/stat': 'cpu  1 1 1 1 1 1 1 1 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\nbtime 1700000000\n',
            [`${base}/stat`]: stat(pid, 'p', 'S', 500),
            [`${base}/cmdline`]: 'a\0b\0\0\0',
            [`${base}/statm`]: '10 3 1 1 0 2 0\n',
            [`${base}/environ`]: { errno: 'EACCES' },
            [`${base}/status`]: 'Name:\tp\nUid:\t1001\t1001\t1001\t1001\nGid:\t1002\t1002\t1002\t1002\n',
          },
          { [`${base}/cwd`]: { errno: 'EACCES' } },
        ),
      }),
    );
    try {
      const p = HostProcess.get(pid);
      expect(p.cmdline()).toEqual(['a', 'b']);
      expect(p.command()).toBe('a b');
      expect(() => p.environ()).toThrow(AccessDeniedError);
      expect(() => p.cwd()).toThrow(AccessDeniedError);
      expect(p.uids()).toEqual({ real: 1001, effective: 1001, saved: 1001 });
      expect(p.createTime()).toBe(1700000005);
      const snap = p.asSnapshot();
      expect(snap.cmdline).toEqual(['a', 'b']);
      expect(snap.command).toBe('a b');
      expect(snap.hostMemory).toBe(3 * 4096);
      expect(snap.status).toBe('sleeping');
      expect(snap.ppid).toBe(1);
    } finally {
      setHostPlatform(previous);
    }
  });

  it('a PID whose start time changed is a different process', () => {
    const files: Record<string, Entry> = { [`${base}/stat`]: stat(pid, 'old', 'S', 100), '/proc/stat': 'btime 1\n' };
    const previous = setHostPlatform(createLinuxPlatform({ reader: fakeReader(files) }));
    try {
      const old = HostProcess.get(pid);
      expect(HostProcess.get(pid)).toBe(old);
      files[`${base}/stat`] = stat(pid, 'new', 'S', 200);
      expect(() => old.name()).toThrow(NoSuchProcessError);
      expect(old.isRunning()).toBe(false);
      const reused = HostProcess.get(pid);
      expect(reused).not.toBe(old);
      expect(reused.name()).toBe('new');
    } finally {
      setHostPlatform(previous);
    }
  });
});

describe('container, I/O and routing facts through the seam (fake /proc)', () => {
  it('a PID namespace other than the initial one is a container; without ns links, the container marker files', () => {
    const initial = createLinuxPlatform({ reader: fakeReader({}, { '/proc/self/ns/pid': `pid:[${0xeffffffc}]` }) });
    expect(initial.inSeparatePidNamespace()).toBe(false);
    const own = createLinuxPlatform({ reader: fakeReader({}, { '/proc/self/ns/pid': 'pid:[4026532291]' }) });
    expect(own.inSeparatePidNamespace()).toBe(true);
    expect(createLinuxPlatform({ reader: fakeReader({ '/.dockerenv': '' }) }).inSeparatePidNamespace()).toBe(true);
    expect(createLinuxPlatform({ reader: fakeReader({ '/run/.containerenv': '' }) }).inSeparatePidNamespace()).toBe(true);
    expect(createLinuxPlatform({ reader: fakeReader({}) }).inSeparatePidNamespace()).toBe(false);
  });

  it('network, disk and mount facts come from the platform procfs, and are empty without it', () => {
    const linux = createLinuxPlatform({
      procfs: '/fake',
      reader: fakeReader({
        '/fake/net/dev': 'h1\nh2\n  eth0: 10 2 0 0 0 0 0 0 20 3 0 0 0 0 0 0\n',
        '/fake/diskstats': '   8       0 sda 100 5 2048 40 200 6 4096 80 0 120 120 0 0 0 0 0 0\n',
        '/fake/self/mounts': '/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n',
        '/fake/filesystems': 'nodev\tproc\n\text4\n',
      }),
    });
    expect(linux.netIoCounters().get('eth0')).toMatchObject({ bytesRecv: 10, bytesSent: 20 });
    expect(linux.diskIoCounters().get('sda')).toMatchObject({ readBytes: 2048 * 512, writeBytes: 4096 * 512 });
    expect(linux.diskPartitions(false).map((p) => p.mountpoint)).toEqual(['/']);
    expect(linux.diskPartitions(true).map((p) => p.mountpoint)).toEqual(['/', '/proc']);
    const none = createLinuxPlatform({ procfs: '/fake', reader: fakeReader({}) });
    expect([none.netIoCounters().size, none.diskIoCounters().size, none.diskPartitions(true).length]).toEqual([0, 0, 0]);
    expect(none.ipv4Routes()).toBeUndefined();
  });

  it('the IPv4 routing table: little-endian /proc words become addresses in reading order', () => {
    const linux = createLinuxPlatform({
      reader: fakeReader({
        '/proc/net/route':
          'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' +
          'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' +
          'wg0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n' +
          'down0\t00FEFE0A\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0\n',
      }),
    });
    expect(linux.ipv4Routes()).toEqual([
      { iface: 'eth0', destination: 0, mask: 0, metric: 100, up: true },
      { iface: 'wg0', destination: 0x0a000000, mask: 0xff000000, metric: 0, up: true },
      { iface: 'down0', destination: 0x0afefe00, mask: 0xffffff00, metric: 0, up: false },
    ]);
  });

  it('the generic platform answers with nothing rather than guessing', () => {
    const generic = createGenericPlatform();
    expect(generic.inSeparatePidNamespace()).toBe(false);
    expect([generic.netIoCounters().size, generic.diskIoCounters().size, generic.diskPartitions(true).length]).toEqual([0, 0, 0]);
    expect(generic.ipv4Routes()).toBeUndefined();
  });
});

describe('parseEnvironBlock (psutil parse_environ_block)', () => {
  it('splits on NUL, keeps values with =, skips malformed entries, stops at an empty entry', () => {
    expect({ ...parseEnvironBlock('A=1\0B=x=y\0NOEQ\0=lead\0C=\0') }).toEqual({ A: '1', B: 'x=y', C: '' });
    expect({ ...parseEnvironBlock('A=1\0\0B=2\0') }).toEqual({ A: '1' });
    expect({ ...parseEnvironBlock('A=1\0B=unterminated') }).toEqual({ A: '1' });
    expect(parseEnvironBlock('__proto__=x\0').__proto__).toBe('x');
  });
});

describe('generic platform (Node os module)', () => {
  it('gives system figures and only this process', () => {
    const generic = createGenericPlatform();
    expect(generic.memoryStat().virtual.total).toBeGreaterThan(0);
    expect(generic.cpuStat().cpuCount).toBeGreaterThan(0);
    expect(generic.processExists(process.pid)).toBe(true);
    expect(generic.processStat(process.pid).ppid).toBe(process.ppid);
    expect(generic.processCwd(process.pid)).toBe(process.cwd());
    if (process.platform !== 'win32') expect(() => generic.processCwd(1)).toThrow(AccessDeniedError);
    expect(() => generic.processCwd(2 ** 22 + 12345)).toThrow(NoSuchProcessError);
  });
});
