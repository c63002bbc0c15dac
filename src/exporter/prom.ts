/**
 * prom-client, the application's own copy: it is an optional peer dependency, so that the metrics
 * of `createExporter()` land in the registry (and the global `register`) of the prom-client the
 * application uses, 14 or 15. Loaded on first use: importing the package's root entry (which
 * re-exports the exporter API) must not pay prom-client's start-up cost, nor need it installed,
 * in programs that never export metrics. The `nvitop-exporter` command bundles its own copy and
 * hands it over with {@link providePromClient}.
 *
 * @module
 */
import { createRequire } from 'node:module';

import { NvitopError } from '../core/index.js';

type PromClient = typeof import('prom-client');

/**
 * What the exporter needs of a prom-client `Registry`: prom-client 14's and 15's registries (and
 * `register`, the global one) both fit.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * const registry: PromRegistry = new Registry();
 * ```
 */
export interface PromRegistry {
  /** The `Content-Type` of {@link PromRegistry.metrics}'s text. */
  readonly contentType: string;
  /** Every metric in the exposition format. */
  metrics(): Promise<string>;
  /** Adds a metric (prom-client's metric constructors call it for their `registers`). */
  registerMetric(metric: object): void;
  /** The metric of that name, or `undefined`. */
  getSingleMetric(name: string): unknown;
  /** One metric in the exposition format. */
  getSingleMetricAsString(name: string): Promise<string>;
  /** Removes the metric of that name. */
  removeSingleMetric(name: string): void;
}

/**
 * A package that a feature needs is not installed: the message names it and the command that
 * installs it.
 *
 * @example
 * ```ts
 * try { createExporter(); } catch (e) { if (e instanceof MissingDependencyError) console.error(e.message); }
 * ```
 */
export class MissingDependencyError extends NvitopError {
  /** The package that is missing, e.g. `'prom-client'`. */
  readonly dependency: string;

  constructor(dependency: string, feature: string, install: string, options?: { cause?: unknown }) {
    super(`${feature} needs the package '${dependency}', which is not installed: ${install}`, options);
    this.dependency = dependency;
  }
}

let loaded: PromClient | undefined;

/**
 * Makes the exporter use this prom-client module instead of requiring `prom-client` (the
 * `nvitop-exporter` command passes the copy bundled into it).
 *
 * @example
 * ```ts
 * import * as prom from 'prom-client';
 * providePromClient(prom);
 * ```
 */
export function providePromClient(module: PromClient): void {
  loaded = module;
}

/**
 * The prom-client module: the one given to {@link providePromClient}, else the application's,
 * required on first call (it is CommonJS). Throws {@link MissingDependencyError} when it is not
 * installed.
 *
 * @example
 * ```ts
 * const { Gauge } = promClient();
 * ```
 */
export function promClient(): PromClient {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('prom-client') as PromClient;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'MODULE_NOT_FOUND' && /'prom-client'/.test(String((error as Error).message))) {
      throw new MissingDependencyError(
        'prom-client',
        'The exporter API (createExporter, registerProcessMetrics)',
        'npm install prom-client (version 14 or 15; the nvitop-exporter command needs nothing more)',
        { cause: error },
      );
    }
    throw error;
  }
  return loaded;
}
