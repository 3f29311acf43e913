import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.ts';
import { moduleMockTests, processTests } from './support/projects.ts';

/** Files under `folder` (relative to the repository), recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(repoRoot, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

const testFiles = filesUnder('test').filter((file) => file.endsWith('.test.ts'));
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

describe('the test suite', () => {
  it('runs every test that starts the binary, packs the package or opens a browser in the process project', () => {
    const startsAProcess = /support\/process\.ts|'dramatis\.js'|bin\/dramatis|\['pack'|playwright/;
    const found = testFiles.filter((file) => file !== 'test/suite-layout.test.ts' && startsAProcess.test(read(file)));
    expect(found.length).toBeGreaterThan(5);
    expect(found.filter((file) => !processTests.includes(file))).toEqual([]);
    expect(processTests.filter((file) => !existsSync(join(repoRoot, file)))).toEqual([]);
  });

  it('runs every test that mocks a module with its own module graph (in a shared one the mock would never apply)', () => {
    const mocks = /\bvi\.(do)?mock\(/i;
    const found = testFiles.filter((file) => file !== 'test/suite-layout.test.ts' && mocks.test(read(file)));
    expect(found.filter((file) => !moduleMockTests.includes(file))).toEqual([]);
    expect(moduleMockTests.filter((file) => !found.includes(file))).toEqual([]);
  });
});

describe('the repository stands alone', () => {
  // The released files beside the repository (../shared/data) are read by the real-data suite only.
  const outside = /\.\.\/shared\b|'shared', 'data'|\/work\/shared|\bsharedData\b|support\/real-data\.ts/;

  it('no test, example or benchmark outside the real-data suite reads ../shared', () => {
    const files = [...filesUnder('test'), ...filesUnder('examples'), ...filesUnder('bench')]
      .filter((file) => /\.(ts|js|json|jsonl|yaml|csv)$/.test(file))
      .filter((file) => !file.startsWith('test/real-data/') && file !== 'test/support/real-data.ts' && file !== 'test/suite-layout.test.ts');
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => outside.test(read(file)))).toEqual([]);
  });

  it('the README names no file outside the repository and no path of one machine', () => {
    const readme = read('README.md');
    expect(readme.split('\n').filter((line) => outside.test(line) || /\/work\//.test(line))).toEqual([]);
  });
});
