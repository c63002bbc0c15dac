/**
 * The default `hostname` label: this machine's IP address on the route a packet to a private
 * address would take (nvitop-exporter's UDP-connect trick towards 10.254.254.254), found
 * synchronously from the IPv4 routing table.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The address whose route picks the interface (the one nvitop-exporter connects a UDP socket to). */
const PROBE = [10, 254, 254, 254] as const;

/** One row of `/proc/net/route`. */
interface Route {
  readonly iface: string;
  readonly destination: number;
  readonly mask: number;
  readonly metric: number;
  readonly up: boolean;
}

/**
 * Parses `/proc/net/route` (addresses are little-endian hexadecimal).
 *
 * @example
 * ```ts
 * parseRoutes('Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n' +
 *             'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\n')[0]?.iface; // 'eth0'
 * ```
 */
export function parseRoutes(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const destination = parseInt(f[1] ?? '', 16);
    const flags = parseInt(f[3] ?? '', 16);
    const metric = parseInt(f[6] ?? '', 10);
    const mask = parseInt(f[7] ?? '', 16);
    if ([destination, flags, metric, mask].some((n) => !Number.isFinite(n))) continue;
    routes.push({ iface: f[0] ?? '', destination: destination >>> 0, mask: mask >>> 0, metric, up: (flags & 1) === 1 });
  }
  return routes;
}

const popcount = (n: number): number => {
  let count = 0;
  for (let x = n >>> 0; x !== 0; x >>>= 1) count += x & 1;
  return count;
};

/**
 * The interface the kernel's main IPv4 table would use for `address` (longest prefix, then lowest
 * metric), or undefined when no route matches.
 *
 * @example
 * ```ts
 * routeInterface(parseRoutes(readFileSync('/proc/net/route', 'utf8')), [10, 254, 254, 254]); // 'eth0'
 * ```
 */
export function routeInterface(routes: readonly Route[], address: readonly [number, number, number, number]): string | undefined {
  // Little-endian, as /proc/net/route writes addresses.
  const target = ((address[3] << 24) | (address[2] << 16) | (address[1] << 8) | address[0]) >>> 0;
  let best: Route | undefined;
  for (const route of routes) {
    if (!route.up || ((target & route.mask) >>> 0) !== route.destination) continue;
    if (
      best === undefined ||
      popcount(route.mask) > popcount(best.mask) ||
      (popcount(route.mask) === popcount(best.mask) && route.metric < best.metric)
    ) {
      best = route;
    }
  }
  return best?.iface;
}

function ipv4Of(iface: string | undefined): string | undefined {
  if (iface === undefined) return undefined;
  return os.networkInterfaces()[iface]?.find((a) => a.family === 'IPv4')?.address;
}

/**
 * This machine's IP address as nvitop-exporter's default `hostname` label: the IPv4 address of
 * the interface routing towards 10.254.254.254; where there is no routing table to read (not
 * Linux), the first non-loopback IPv4 address; `'127.0.0.1'` when there is none.
 *
 * @example
 * ```ts
 * guessIpAddress(); // '192.168.1.23'
 * ```
 */
export function guessIpAddress(): string {
  let table: string | undefined;
  try {
    table = fs.readFileSync('/proc/net/route', 'utf8');
  } catch {
    table = undefined;
  }
  if (table !== undefined) return ipv4Of(routeInterface(parseRoutes(table), PROBE)) ?? '127.0.0.1';
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found !== undefined) return found.address;
  }
  return '127.0.0.1';
}
