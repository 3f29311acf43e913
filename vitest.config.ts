import { configDefaults, defineConfig } from 'vitest/config';
import { allTests, moduleMockTests, processTests, realDataTests } from './test/support/projects.ts';

// `npm test` runs every project; `npm run test:unit`, `test:process` and `test:real-data` a part each (decision 0020).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      // One module graph per worker: importing the engine once, not once per file, halves the project's time.
      { extends: true, test: { name: 'unit', include: allTests, exclude: [...configDefaults.exclude, ...processTests, ...realDataTests, ...moduleMockTests], isolate: false } },
      { extends: true, test: { name: 'unit-isolated', include: moduleMockTests } },
      // The process tests run the compiled CLI: build it first.
      { extends: true, test: { name: 'process', include: processTests, globalSetup: ['test/support/build-dist.ts'] } },
      { extends: true, test: { name: 'real-data', include: realDataTests, globalSetup: ['test/support/real-data-setup.ts'] } },
    ],
  },
});
