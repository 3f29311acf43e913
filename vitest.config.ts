import { configDefaults, defineConfig } from 'vitest/config';
import { allTests, processTests, realDataTests } from './test/support/projects.ts';

// `npm test` runs the three projects; `npm run test:unit` and `npm run test:process` one each (decision 0020).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: allTests, exclude: [...configDefaults.exclude, ...processTests, ...realDataTests] } },
      // The process tests run the compiled CLI: build it first.
      { extends: true, test: { name: 'process', include: processTests, globalSetup: ['test/support/build-dist.ts'] } },
      { extends: true, test: { name: 'real-data', include: realDataTests, globalSetup: ['test/support/real-data-setup.ts'] } },
    ],
  },
});
