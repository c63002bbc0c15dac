/**
 * The internal entry: everything the modules export, for the command-line programs, the tests
 * and the benchmarks. Not part of the package's API (package.json exports the root entry and
 * `nvitop-node/opentelemetry`; `src/index.ts` names what users get).
 *
 * @module
 */
export * from './core/index.js';
export * from './collector/index.js';
export * from './callbacks/index.js';
export * from './exporter/index.js';
export * from './select/index.js';
