/**
 * Parsers of the Linux `/proc` files about I/O and networking: `/proc/net/dev`,
 * `/proc/diskstats`, `/proc/filesystems`, mount tables and `/proc/net/route`. Pure functions
 * from text to the platform-neutral records of `HostPlatform`; the Linux platform reads
 * the files. Exported so they can be tested on fixed text.
 *
 * @module
 */
import type { DiskIoCounters, DiskPartition, Ipv4Route, NetIoCounters } from './platform.js';

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

/**
 * Parses `/proc/net/route` (the kernel writes addresses and masks as little-endian hexadecimal)
 * into routes whose addresses are in reading order.
 *
 * @example
 * ```ts
 * parseProcNetRoute('Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n' +
 *                   'eth0\t0000000A\t0101A8C0\t0003\t0\t0\t100\t000000FF\n')[0];
 * // { iface: 'eth0', destination: 0x0a000000, mask: 0xff000000, metric: 100, up: true }
 * ```
 */
export function parseProcNetRoute(text: string): Ipv4Route[] {
  const routes: Ipv4Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const destination = parseInt(f[1] ?? '', 16);
    const flags = parseInt(f[3] ?? '', 16);
    const metric = parseInt(f[6] ?? '', 10);
    const mask = parseInt(f[7] ?? '', 16);
    if ([destination, flags, metric, mask].some((n) => !Number.isFinite(n))) continue;
    routes.push({ iface: f[0] ?? '', destination: swapBytes(destination), mask: swapBytes(mask), metric, up: (flags & 1) === 1 });
  }
  return routes;
}

/** Reverses the byte order of a 32-bit number (the kernel's little-endian words into reading order). */
function swapBytes(n: number): number {
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0;
}
