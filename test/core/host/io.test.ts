import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  createLinuxPlatform,
  diskIoCounters,
  diskPartitions,
  diskUsage,
  netIoCounters,
  parseDiskstats,
  parseMounts,
  parseNetDev,
  parsePhysicalFilesystems,
  setHostPlatform,
  type ProcReader,
} from '../../../src/core/host/index.js';

const linux = process.platform === 'linux';

describe('host I/O parsers', () => {
  it('parses /proc/net/dev per interface (rx first, tx from field 9)', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    3193      29    0    0    0     0          0         0     3194      30    0    0    0     0       0          0',
      '  eth0: 1000000  2000    3    4    0     0          0         0  5000000   6000    7    8    0     0       0          0',
      '',
    ].join('\n');
    const nics = parseNetDev(text);
    expect([...nics.keys()]).toEqual(['lo', 'eth0']);
    expect(nics.get('lo')).toMatchObject({ bytesRecv: 3193, packetsRecv: 29, bytesSent: 3194, packetsSent: 30 });
    expect(nics.get('eth0')).toEqual({
      bytesRecv: 1000000,
      packetsRecv: 2000,
      errin: 3,
      dropin: 4,
      bytesSent: 5000000,
      packetsSent: 6000,
      errout: 7,
      dropout: 8,
    });
  });

  it('parses /proc/diskstats in both kernel formats, sectors of 512 bytes', () => {
    const text = [
      '   8       0 sda 100 5 2048 40 200 6 4096 80 0 120 120 0 0 0 0 0 0',
      '   8       1 sda1 10 0 16 1 20 0 32 2 0 3 3',
      '   8       2 sda2 7 14 9 18',
    ].join('\n');
    const disks = parseDiskstats(text);
    expect(disks.get('sda')).toEqual({ readCount: 100, readBytes: 2048 * 512, readTime: 40, writeCount: 200, writeBytes: 4096 * 512, writeTime: 80 });
    expect(disks.get('sda1')).toMatchObject({ readBytes: 16 * 512, writeBytes: 32 * 512 });
    expect(disks.get('sda2')).toMatchObject({ readCount: 7, readBytes: 14 * 512, writeCount: 9, writeBytes: 18 * 512 });
  });

  it('keeps only physical mounts and decodes octal escapes', () => {
    const types = parsePhysicalFilesystems('nodev\tsysfs\nnodev\tproc\n\text4\n\tvfat\nnodev\tzfs\n');
    expect([...types].sort()).toEqual(['ext4', 'vfat', 'zfs']);
    const mounts = [
      '/dev/sda1 / ext4 rw,relatime 0 0',
      'proc /proc proc rw 0 0',
      '/dev/sdb1 /mnt/my\\040disk vfat ro 0 0',
      'none /x ext4 rw 0 0',
    ].join('\n');
    expect(parseMounts(mounts, types)).toEqual([
      { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4', opts: 'rw,relatime' },
      { device: '/dev/sdb1', mountpoint: '/mnt/my disk', fstype: 'vfat', opts: 'ro' },
    ]);
    expect(parseMounts(mounts)).toHaveLength(4);
  });
});

describe('host I/O through the platform seam', () => {
  it('netIoCounters, diskIoCounters and diskPartitions read what the platform in use reads', () => {
    const files: Record<string, string> = {
      '/proc/net/dev': 'h1\nh2\n  ib0: 7 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n',
      '/proc/diskstats': '   259       0 nvme0n1 1 0 8 1 2 0 16 2 0 3 3\n',
      '/proc/self/mounts': '/dev/nvme0n1p1 /data xfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n',
      '/proc/filesystems': 'nodev\ttmpfs\n\txfs\n',
    };
    const reader: ProcReader = {
      readFile: (p) => {
        const text = files[p];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
        return Buffer.from(text);
      },
      readlink: () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
      readdir: () => [],
      exists: (p) => p in files,
    };
    const previous = setHostPlatform(createLinuxPlatform({ reader }));
    try {
      expect([...netIoCounters().keys()]).toEqual(['ib0']);
      expect(diskIoCounters().get('nvme0n1')).toMatchObject({ readBytes: 8 * 512, writeBytes: 16 * 512 });
      expect(diskPartitions()).toEqual([{ device: '/dev/nvme0n1p1', mountpoint: '/data', fstype: 'xfs', opts: 'rw' }]);
      expect(diskPartitions(true)).toHaveLength(2);
    } finally {
      setHostPlatform(previous);
    }
  });
});

describe.runIf(linux)('host I/O on this machine', () => {
  it('lists the loopback interface with counters that match /proc', () => {
    const nics = netIoCounters();
    expect(nics.has('lo')).toBe(true);
    const lo = nics.get('lo');
    expect(lo?.bytesRecv).toBeGreaterThanOrEqual(0);
  });

  it('lists every /proc/diskstats entry', () => {
    const names = fs
      .readFileSync('/proc/diskstats', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[2])
      .filter((n): n is string => n !== undefined && n !== '');
    expect([...diskIoCounters().keys()].sort()).toEqual([...new Set(names)].sort());
  });

  it('reports disk usage close to df', () => {
    const partitions = diskPartitions();
    const all = diskPartitions(true);
    expect(all.length).toBeGreaterThanOrEqual(partitions.length);
    const usage = diskUsage('/');
    // df -B1 /: total, used, available in bytes (used there is total - free blocks, as ours).
    const line = execFileSync('df', ['-B1', '--output=size,used,avail', '/'], { encoding: 'utf8' }).trim().split('\n')[1] ?? '';
    const [size, used, avail] = line.trim().split(/\s+/).map(Number);
    expect(usage.total).toBe(size);
    // Other writers may change usage between the two reads: allow 64 MiB of drift.
    expect(Math.abs(usage.used - (used ?? 0))).toBeLessThan(64 * 1024 * 1024);
    expect(Math.abs(usage.free - (avail ?? 0))).toBeLessThan(64 * 1024 * 1024);
    expect(usage.percent).toBeGreaterThanOrEqual(0);
    expect(usage.percent).toBeLessThanOrEqual(100);
    expect(() => diskUsage('/definitely/not/here')).toThrow();
  });
});
