/**
 * The exporter's HTTP(S) server: `/metrics` (also `/`) serves the registry in Prometheus text
 * format (gzip when the scraper accepts it, `?name[]=` to select families), `/healthz` answers
 * `ok`, anything else is 404.
 *
 * @module
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import type { Exporter, ExpositionSource } from './exporter.js';
import type { PromRegistry } from './prom.js';
import type { HttpsSettings } from './tls.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** The registry to serve. */
  readonly registry: PromRegistry;
  /**
   * Families written before the registry's metrics, by their own writer (an {@link Exporter}'s
   * `exposition()`): the `nvitop-exporter` command serves its GPU and host families this way
   * and keeps only its process metrics in the registry. Its families must not be in the registry.
   */
  readonly source?: ExpositionSource;
  /** Address to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 8000; 0 picks a free one). */
  readonly port?: number;
  /** HTTPS settings (see `loadTlsSettings`); plain HTTP when absent. */
  readonly tls?: HttpsSettings;
  /** Called when producing the metrics fails (the scrape gets a 500). */
  readonly onError?: (error: unknown) => void;
}

/** A listening metrics server. */
export interface MetricsServer {
  /** The Node server. */
  readonly server: http.Server | https.Server;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (the real one when 0 was asked). */
  readonly port: number;
  /** `<scheme>://<host>:<port>/metrics` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Stops listening and closes idle connections. */
  close(): Promise<void>;
}

const selectedNames = (url: URL): string[] => [...url.searchParams.getAll('name[]'), ...url.searchParams.getAll('name')];

async function exposition(registry: PromRegistry, source: ExpositionSource | undefined, names: readonly string[]): Promise<string> {
  const parts: string[] = [];
  const own = source === undefined ? '' : await source.exposition(names);
  if (own !== '') parts.push(own.slice(0, -1));
  for (const name of new Set(names)) {
    if (registry.getSingleMetric(name) !== undefined) parts.push(await registry.getSingleMetricAsString(name));
  }
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`;
}

/** The full exposition: the source's families, then the registry's (prom-client's layout). */
async function everything(registry: PromRegistry, source: ExpositionSource | undefined): Promise<string> {
  if (source === undefined) return registry.metrics();
  const [own, rest] = await Promise.all([source.exposition(), registry.metrics()]);
  return rest === '\n' ? own : `${own}\n${rest}`;
}

/** The gzipped text, kept for as long as the same text is served again. */
function gzipCache(): (text: string) => Buffer {
  let last: { readonly text: string; readonly gzipped: Buffer } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, gzipped: gzipSync(text) };
    return last.gzipped;
  };
}

function handler(options: MetricsServerOptions): http.RequestListener {
  const { registry } = options;
  // Requests that arrive while the full exposition is being produced share it (one collection,
  // one serialisation for a burst of scrapers).
  let pending: Promise<string> | undefined;
  const gzipped = gzipCache();
  const fullExposition = (): Promise<string> => {
    if (pending === undefined) {
      const current = everything(registry, options.source).finally(() => {
        if (pending === current) pending = undefined;
      });
      pending = current;
    }
    return pending;
  };
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}) => {
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === '/healthz') {
      send(200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    }
    if (url.pathname !== '/metrics' && url.pathname !== '/') {
      send(404, 'text/plain; charset=utf-8', 'Not Found. Metrics are at /metrics.\n');
      return;
    }
    const names = selectedNames(url);
    (names.length === 0 ? fullExposition() : exposition(registry, options.source, names)).then(
      (text) => {
        const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
        if (gzip) send(200, registry.contentType, gzipped(text), { 'Content-Encoding': 'gzip' });
        else send(200, registry.contentType, text);
      },
      (error: unknown) => {
        options.onError?.(error);
        send(500, 'text/plain; charset=utf-8', `Error while collecting metrics: ${(error as Error)?.message ?? String(error)}\n`);
      },
    );
  };
}

/**
 * Starts the metrics server and resolves once it listens; rejects with the listen error
 * (`EADDRINUSE`, `EADDRNOTAVAIL`, `ENOTFOUND`, `EACCES`, …) otherwise.
 *
 * @example
 * ```ts
 * const server = await startMetricsServer({ registry, host: '127.0.0.1', port: 8000 });
 * console.log(server.url); // 'http://127.0.0.1:8000/metrics'
 * await server.close();
 * ```
 */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const listener = handler(options);
  const server = options.tls === undefined ? http.createServer(listener) : https.createServer({ ...options.tls }, listener);
  const scheme = options.tls === undefined ? 'http' : 'https';
  // A scraper that stays silent must not hold a connection (and the exporter's shutdown) forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 8000, host, () => {
      server.off('error', onError);
      const port = (server.address() as AddressInfo).port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        scheme,
        host,
        port,
        url: `${scheme}://${shownHost}:${port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
