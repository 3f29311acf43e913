import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The process tests run the compiled CLI: build it first.
    globalSetup: ['test/support/build-dist.ts'],
  },
});
