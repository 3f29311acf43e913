/**
 * How the suite splits into vitest projects (decision 0020). `unit`: everything that runs in the test's own process,
 * the fast inner loop (`npm run test:unit`), which needs no build; its files share one module graph per worker
 * (`isolate: false`), except those that replace a module with `vi.mock` (`unit-isolated`), for whom the modules under
 * test must load after the mock. `process`: tests whose subject runs in another process — the compiled `dramatis`
 * binary, the packed package, a browser — which need `dist/` (built by the project's global setup). `real-data`: the
 * loaders against released files beside the repository, skipped with a printed reason when they are absent. A tool
 * started only to serve a test (mkfifo, a `sleep` whose pid is alive, a worker thread) does not make a test a process
 * test. test/suite-layout.test.ts checks that both lists are complete.
 */
export const processTests = [
  'test/package.test.ts',
  'test/examples/library-examples.test.ts',
  'test/cli/process.test.ts',
  'test/cli/startup.test.ts',
  'test/cli/bench-process.test.ts',
  'test/cli/scene-process.test.ts',
  'test/cli/shared-store-process.test.ts',
  'test/cli/input-limits.test.ts',
  'test/cli/store-errors.test.ts',
  'test/eval/report-browser.test.ts',
];

/** Tests that replace modules (`vi.mock`): they run with their own module graph. */
export const moduleMockTests = ['test/character/card-limits.test.ts'];

export const realDataTests = ['test/real-data/**/*.test.ts'];

export const allTests = ['test/**/*.test.ts', 'src/**/*.test.ts'];
