import { defineConfig } from 'vitest/config';

// The install suite: the package as others install it (a fresh clone's `npm ci`/`npm install`, a
// git dependency, the packed tarball in apps on prom-client 14/15 and tfjs 3.21/4), with the real
// npm and the npm registry. `npm run test:install`; .ci/run runs it after `npm test`.
export default defineConfig({
  test: {
    include: ['test/install/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
