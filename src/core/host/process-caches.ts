/**
 * The host facts {@link HostProcess} reads once per platform and keeps: the boot time (so create
 * times stay stable, as psutil caches it) and the total physical memory (the denominator of
 * `memoryPercent`).
 *
 * @module
 */
import { isNA } from '../na.js';
import type { HostPlatform } from './platform.js';

let bootTimeCache: { platform: HostPlatform; bootTime: number } | undefined;
let totalMemoryCache: { platform: HostPlatform; total: number } | undefined;

/**
 * Boot time in seconds since the Unix epoch as psutil caches it for `create_time`: read once per
 * platform (the platform's boot time, else now minus the uptime).
 *
 * @example
 * ```ts
 * cachedBootTime(getHostPlatform()) + stat.startTime; // the process's create time
 * ```
 */
export function cachedBootTime(platform: HostPlatform): number {
  if (bootTimeCache?.platform !== platform) {
    const value = platform.cpuStat().bootTime;
    let bootTime: number;
    if (isNA(value)) {
      const up = platform.uptime();
      bootTime = Date.now() / 1000 - (isNA(up) ? 0 : (up as number));
    } else {
      bootTime = value as number;
    }
    bootTimeCache = { platform, bootTime };
  }
  return bootTimeCache.bootTime;
}

/**
 * Total physical memory in bytes, read once per platform.
 *
 * @example
 * ```ts
 * (rss / cachedTotalMemory(getHostPlatform())) * 100; // memory percent
 * ```
 */
export function cachedTotalMemory(platform: HostPlatform): number {
  if (totalMemoryCache?.platform !== platform) {
    totalMemoryCache = { platform, total: platform.memoryStat().virtual.total };
  }
  return totalMemoryCache.total;
}
