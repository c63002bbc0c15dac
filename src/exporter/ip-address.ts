/**
 * The default `hostname` label: this machine's IP address on the route a packet to a private
 * address would take (nvitop-exporter's UDP-connect trick towards 10.254.254.254), found
 * synchronously from the host platform's IPv4 routing table (on Linux `/proc/net/route`).
 *
 * @module
 */
import * as os from 'node:os';
import { host } from '../core/index.js';

type Route = host.Ipv4Route;

/** The address whose route picks the interface (the one nvitop-exporter connects a UDP socket to). */
const PROBE = [10, 254, 254, 254] as const;

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
 * routeInterface(host.getHostPlatform().ipv4Routes() ?? [], [10, 254, 254, 254]); // 'eth0'
 * ```
 */
export function routeInterface(routes: readonly Route[], address: readonly [number, number, number, number]): string | undefined {
  const target = ((address[0] << 24) | (address[1] << 16) | (address[2] << 8) | address[3]) >>> 0;
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
  const routes = host.getHostPlatform().ipv4Routes();
  if (routes !== undefined) return ipv4Of(routeInterface(routes, PROBE)) ?? '127.0.0.1';
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found !== undefined) return found.address;
  }
  return '127.0.0.1';
}
