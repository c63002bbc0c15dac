/**
 * prom-client, loaded on first use: importing the package's root entry (which re-exports the
 * exporter API) must not pay prom-client's start-up cost in programs that never export metrics.
 *
 * @module
 */
import { createRequire } from 'node:module';

type PromClient = typeof import('prom-client');

let loaded: PromClient | undefined;

/** The prom-client module (required synchronously on first call; it is CommonJS). */
export function promClient(): PromClient {
  loaded ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return loaded;
}
