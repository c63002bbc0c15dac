/**
 * Host I/O facts as psutil reports them: per-interface network counters, per-disk I/O counters,
 * mounted file systems (physical ones only) and their usage (`statfs`). The counters and the
 * partition list come from the host platform (on Linux `/proc/net/dev`, `/proc/diskstats` and
 * `/proc/self/mounts`, parsed in `linux-io.ts`) and are empty where it has none;
 * {@link diskUsage} works wherever Node has `statfs`.
 *
 * @module
 */
import * as fs from 'node:fs';
import { getHostPlatform } from './current-platform.js';
import type { DiskIoCounters, DiskPartition, NetIoCounters } from './platform.js';
import { roundPercent } from './round.js';

export type { DiskIoCounters, DiskPartition, NetIoCounters } from './platform.js';

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

/**
 * Network counters per interface since boot (psutil's `net_io_counters(pernic=True)`); empty
 * where the platform has none (on Linux, where `/proc/net/dev` does not exist).
 *
 * @example
 * ```ts
 * for (const [nic, c] of netIoCounters()) console.log(nic, c.bytesSent, c.bytesRecv);
 * ```
 */
export function netIoCounters(): Map<string, NetIoCounters> {
  return getHostPlatform().netIoCounters();
}

/**
 * Disk I/O counters per disk and partition since boot (psutil's
 * `disk_io_counters(perdisk=True)`); empty where the platform has none (on Linux, where
 * `/proc/diskstats` does not exist).
 *
 * @example
 * ```ts
 * diskIoCounters().get('nvme0n1')?.writeBytes; // 123456789
 * ```
 */
export function diskIoCounters(): Map<string, DiskIoCounters> {
  return getHostPlatform().diskIoCounters();
}

/**
 * Mounted physical file systems (psutil's `disk_partitions(all=False)`); with `all`, every
 * mount. Empty where the platform has no mount table (on Linux, `/proc/self/mounts`).
 *
 * @example
 * ```ts
 * diskPartitions().map((p) => p.mountpoint); // ['/', '/boot/efi']
 * ```
 */
export function diskPartitions(all = false): DiskPartition[] {
  return getHostPlatform().diskPartitions(all);
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
