/**
 * The exporter's default `hostname` label: the interface routing towards 10.254.254.254, read
 * through the host platform (a fake /proc/net/route here), longest prefix then lowest metric.
 */
import * as os from 'node:os';

import { afterEach, describe, expect, it } from 'vitest';

import { createGenericPlatform, createLinuxPlatform, setHostPlatform, type ProcReader } from '../../src/core/host/index.js';
import { guessIpAddress, routeInterface } from '../../src/exporter/ip-address.js';

const HEADER = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n';
const row = (iface: string, dest: string, flags: string, metric: number, mask: string): string =>
  `${iface}\t${dest}\t00000000\t${flags}\t0\t0\t${metric}\t${mask}\t0\t0\t0\n`;

function platformWithRoutes(table: string | undefined) {
  const reader: ProcReader = {
    readFile: (p) => {
      if (p === '/proc/net/route' && table !== undefined) return Buffer.from(table);
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    },
    readlink: () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    readdir: () => [],
    exists: () => false,
  };
  return createLinuxPlatform({ reader });
}

let previous: ReturnType<typeof setHostPlatform>;
afterEach(() => {
  setHostPlatform(previous);
});

describe('guessIpAddress through the host platform', () => {
  it('picks the longest matching prefix, then the lowest metric, skipping routes that are down', () => {
    const routes = platformWithRoutes(
      HEADER +
        row('eth0', '00000000', '0003', 100, '00000000') + // default route
        row('eth1', '00000000', '0003', 50, '00000000') + // default route, lower metric
        row('wg0', '0000000A', '0001', 0, '000000FF') + // 10.0.0.0/8
        row('down0', '00FEFE0A', '0000', 0, '00FFFFFF'), // 10.254.254.0/24, down
    ).ipv4Routes();
    expect(routeInterface(routes ?? [], [10, 254, 254, 254])).toBe('wg0');
    expect(routeInterface(routes ?? [], [192, 168, 1, 1])).toBe('eth1');
    expect(routeInterface([], [10, 254, 254, 254])).toBeUndefined();
  });

  it("answers with the routing interface's IPv4 address, 127.0.0.1 when no route matches", () => {
    const nics = os.networkInterfaces();
    // A real interface (its address is not 127.0.0.1, so the two answers differ), else loopback.
    const named =
      Object.entries(nics).find(([, list]) => list?.some((a) => a.family === 'IPv4' && !a.internal)) ??
      Object.entries(nics).find(([, list]) => list?.some((a) => a.family === 'IPv4'));
    if (named === undefined) return;
    const [iface, list] = named;
    const address = list?.find((a) => a.family === 'IPv4')?.address;
    expect(address).toBeDefined();
    previous = setHostPlatform(platformWithRoutes(HEADER + row(iface, '00000000', '0003', 0, '00000000')));
    expect(guessIpAddress()).toBe(address);
    setHostPlatform(platformWithRoutes(HEADER + row(iface, '0000A8C0', '0001', 0, '0000FFFF')));
    expect(guessIpAddress()).toBe('127.0.0.1');
  });

  it('without a routing table (a platform that has none), the first non-loopback IPv4 address', () => {
    previous = setHostPlatform(createGenericPlatform());
    const external = Object.values(os.networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((a) => a.family === 'IPv4' && !a.internal);
    expect(guessIpAddress()).toBe(external?.address ?? '127.0.0.1');
  });
});
