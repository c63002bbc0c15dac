/**
 * Host I/O facts as psutil reports them on Linux: per-interface network counters
 * (`/proc/net/dev`), per-disk I/O counters (`/proc/diskstats`), mounted file systems
 * (`/proc/self/mounts`, physical ones only) and their usage (`statfs`). Elsewhere the counters
 * and the partition list are empty; {@link diskUsage} works wherever Node has `statfs`.
 *
 * The parsers are exported so they can be tested on fixed text.
 *
 * @module
 */
import * as fs from 'node:fs';
import { roundPercent } from './round.js';

/** Cumulative counters of one network interface since boot (psutil's `snetio`). */
export interface NetIoCounters {
  /** Bytes sent. */
  readonly bytesSent: number;
  /** Bytes received. */
  readonly bytesRecv: number;
  /** Packets sent. */
  readonly packetsSent: number;
  /** Packets received. */
  readonly packetsRecv: number;
  /** Receive errors. */
  readonly errin: number;
  /** Transmit errors. */
  readonly errout: number;
  /** Dropped incoming packets. */
  readonly dropin: number;
  /** Dropped outgoing packets. */
  readonly dropout: number;
}

/** Cumulative counters of one disk or partition since boot (psutil's `sdiskio`). */
export interface DiskIoCounters {
  /** Completed reads. */
  readonly readCount: number;
  /** Completed writes. */
  readonly writeCount: number;
  /** Bytes read (sectors × 512). */
  readonly readBytes: number;
  /** Bytes written (sectors × 512). */
  readonly writeBytes: number;
  /** Milliseconds spent reading. */
  readonly readTime: number;
  /** Milliseconds spent writing. */
  readonly writeTime: number;
}

/** One mounted file system (psutil's `sdiskpart`). */
export interface DiskPartition {
  /** The mounted device (`''` for `none`). */
  readonly device: string;
  /** Where it is mounted. */
  readonly mountpoint: string;
  /** File-system type (`ext4`, `xfs`, …). */
  readonly fstype: string;
  /** Mount options, comma-separated. */
  readonly opts: string;
}

/** Usage of one file system in bytes (psutil's `sdiskusage`). */
export interface DiskUsage {
  /** Size of the file system. */
  readonly total: number;
  /** Used bytes (total minus free blocks, root's reserve counted as free). */
  readonly used: number;
  /** Bytes available to unprivileged users. */
  readonly free: number;
  /** `used / (used + free) × 100` to one decimal, as psutil (0 for an empty file system). */
  readonly percent: number;
}

/** psutil's fixed sector size for `/proc/diskstats`. */
const SECTOR_SIZE = 512;

const toInt = (text: string | undefined): number => {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
};

/**
 * Parses `/proc/net/dev` into counters per interface (two header lines, then
 * `name: rx-bytes rx-packets rx-errs rx-drop … tx-bytes tx-packets tx-errs tx-drop …`).
 *
 * @example
 * ```ts
 * parseNetDev(readFileSync('/proc/net/dev', 'utf8')).get('lo')?.bytesRecv; // 123456
 * ```
 */
export function parseNetDev(text: string): Map<string, NetIoCounters> {
  const result = new Map<string, NetIoCounters>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.lastIndexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (name === '' || f.length < 16) continue;
    result.set(name, {
      bytesRecv: toInt(f[0]),
      packetsRecv: toInt(f[1]),
      errin: toInt(f[2]),
      dropin: toInt(f[3]),
      bytesSent: toInt(f[8]),
      packetsSent: toInt(f[9]),
      errout: toInt(f[10]),
      dropout: toInt(f[11]),
    });
  }
  return result;
}

/**
 * Parses `/proc/diskstats` into counters per disk and partition (every line, as psutil's
 * `disk_io_counters(perdisk=True)`; 14-field and 18/20-field kernel formats).
 *
 * @example
 * ```ts
 * parseDiskstats(readFileSync('/proc/diskstats', 'utf8')).get('sda')?.readBytes; // 1048576
 * ```
 */
export function parseDiskstats(text: string): Map<string, DiskIoCounters> {
  const result = new Map<string, DiskIoCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 14) {
      const name = f[2] ?? '';
      result.set(name, {
        readCount: toInt(f[3]),
        readBytes: toInt(f[5]) * SECTOR_SIZE,
        readTime: toInt(f[6]),
        writeCount: toInt(f[7]),
        writeBytes: toInt(f[9]) * SECTOR_SIZE,
        writeTime: toInt(f[10]),
      });
    } else if (f.length === 7) {
      // Linux 2.6 partition lines: name reads rsectors writes wsectors.
      result.set(f[2] ?? '', {
        readCount: toInt(f[3]),
        readBytes: toInt(f[4]) * SECTOR_SIZE,
        readTime: 0,
        writeCount: toInt(f[5]),
        writeBytes: toInt(f[6]) * SECTOR_SIZE,
        writeTime: 0,
      });
    }
  }
  return result;
}

/** Decodes the octal escapes (`\040` for a space) the kernel writes into mount tables. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Parses `/proc/filesystems` into the set of types psutil counts as physical: those without the
 * `nodev` flag, plus `zfs`.
 *
 * @example
 * ```ts
 * parsePhysicalFilesystems('nodev\tproc\n\text4\n').has('ext4'); // true
 * ```
 */
export function parsePhysicalFilesystems(text: string): Set<string> {
  const types = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('nodev')) types.add(line);
    else if (raw.split('\t')[1]?.trim() === 'zfs') types.add('zfs');
  }
  return types;
}

/**
 * Parses a mount table (`/proc/self/mounts` format). With `physicalTypes`, keeps only mounts of a
 * device (not `none`) whose type is in the set, as psutil's `disk_partitions(all=False)`.
 *
 * @example
 * ```ts
 * parseMounts('/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n', new Set(['ext4']));
 * // [{ device: '/dev/sda1', mountpoint: '/', fstype: 'ext4', opts: 'rw' }]
 * ```
 */
export function parseMounts(text: string, physicalTypes?: ReadonlySet<string>): DiskPartition[] {
  const result: DiskPartition[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    let device = unescapeMountField(f[0] ?? '');
    if (device === 'none') device = '';
    const partition = {
      device,
      mountpoint: unescapeMountField(f[1] ?? ''),
      fstype: f[2] ?? '',
      opts: f[3] ?? '',
    };
    if (physicalTypes !== undefined && (device === '' || !physicalTypes.has(partition.fstype))) continue;
    result.push(partition);
  }
  return result;
}

function readText(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Network counters per interface since boot (psutil's `net_io_counters(pernic=True)`); empty
 * where `/proc/net/dev` does not exist.
 *
 * @example
 * ```ts
 * for (const [nic, c] of netIoCounters()) console.log(nic, c.bytesSent, c.bytesRecv);
 * ```
 */
export function netIoCounters(): Map<string, NetIoCounters> {
  const text = readText('/proc/net/dev');
  return text === undefined ? new Map() : parseNetDev(text);
}

/**
 * Disk I/O counters per disk and partition since boot (psutil's
 * `disk_io_counters(perdisk=True)`); empty where `/proc/diskstats` does not exist.
 *
 * @example
 * ```ts
 * diskIoCounters().get('nvme0n1')?.writeBytes; // 123456789
 * ```
 */
export function diskIoCounters(): Map<string, DiskIoCounters> {
  const text = readText('/proc/diskstats');
  return text === undefined ? new Map() : parseDiskstats(text);
}

/**
 * Mounted physical file systems (psutil's `disk_partitions(all=False)`); with `all`, every
 * mount. Empty where `/proc/self/mounts` does not exist.
 *
 * @example
 * ```ts
 * diskPartitions().map((p) => p.mountpoint); // ['/', '/boot/efi']
 * ```
 */
export function diskPartitions(all = false): DiskPartition[] {
  const mounts = readText('/proc/self/mounts');
  if (mounts === undefined) return [];
  if (all) return parseMounts(mounts);
  return parseMounts(mounts, parsePhysicalFilesystems(readText('/proc/filesystems') ?? ''));
}

/**
 * Usage of the file system holding `path` (psutil's `disk_usage`).
 *
 * @throws the `statfs` error (for example `ENOENT`, `EACCES`) when the path cannot be read.
 *
 * @example
 * ```ts
 * const usage = diskUsage('/');
 * console.log(bytes2human(usage.free), usage.percent); // '120.5GiB' 48.2
 * ```
 */
export function diskUsage(path: string): DiskUsage {
  const st = fs.statfsSync(path);
  const total = st.blocks * st.bsize;
  const availToRoot = st.bfree * st.bsize;
  const free = st.bavail * st.bsize;
  const used = total - availToRoot;
  return { total, used, free, percent: roundPercent(used, used + free) };
}
