import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The install suite (npm, the registry, minutes): `npm run test:install`, run by .ci/run.
    exclude: ['test/install/**', 'node_modules/**'],
    // Each test file runs in its own process: the fake libnvidia-ml keeps the scenario it was
    // loaded with for the life of a process (dlopen returns the same handle).
    pool: 'forks',
    isolate: true,
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
