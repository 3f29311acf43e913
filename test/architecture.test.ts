import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  fileEdges, findCycles, folderEdges, ruleViolations, scanImports, sourceFiles, type FolderGraph, type ImportReference,
} from './support/architecture.ts';

/**
 * The folders of src/ and what each may import: the single source of truth for the layering (decision 0018).
 * Lower folders first; a folder uses only folders above it in this list, and every import between folders goes
 * through the other folder's index.ts. The store is used for its interfaces only (types), except by the CLI,
 * which opens one. To add a folder or an edge, change this graph and say why in docs/decisions/.
 */
const FOLDERS: FolderGraph = {
  text: { uses: [] },
  events: { uses: [] },
  'memory-model': { uses: [] },
  character: { uses: ['text'] },
  store: { uses: ['events', 'memory-model'] },
  llm: { uses: ['store', 'text'], typesOnly: ['store'] },
  memory: { uses: ['llm', 'store', 'memory-model', 'events', 'text'], typesOnly: ['store'] },
  agent: { uses: ['memory', 'llm', 'character', 'store', 'memory-model', 'events', 'text'], typesOnly: ['store'] },
  scene: { uses: ['agent', 'memory', 'llm', 'character', 'store', 'memory-model', 'events', 'text'], typesOnly: ['store'] },
  eval: { uses: ['scene', 'agent', 'memory', 'llm', 'character', 'store', 'memory-model', 'events', 'text'], typesOnly: ['store'] },
  run: { uses: ['eval', 'scene', 'agent', 'memory', 'llm', 'character', 'store', 'memory-model', 'events', 'text'], typesOnly: ['store'] },
  cli: { uses: ['run', 'eval', 'scene', 'agent', 'memory', 'llm', 'character', 'store', 'memory-model', 'events', 'text'] },
};

const sourceRoot = fileURLToPath(new URL('../src', import.meta.url));
const references = sourceFiles(sourceRoot).flatMap((file) => scanImports(sourceRoot, file));
const graphEdges = new Map(Object.entries(FOLDERS).map(([folder, rule]) => [folder, new Set(rule.uses)]));

describe('the architecture of src/', () => {
  it('finds the imports it checks (static, re-exports, dynamic, type-only)', () => {
    expect(references.length).toBeGreaterThan(500);
    expect(references.some((reference) => reference.dynamic && reference.to !== undefined)).toBe(true);
    expect(references.some((reference) => reference.typeOnly && reference.to !== undefined)).toBe(true);
  });

  it('every folder with source files is in the folder graph and has an index.ts', () => {
    const folders = readdirSync(sourceRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && sourceFiles(`${sourceRoot}/${entry.name}`).length > 0)
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual(Object.keys(FOLDERS).sort());
    expect(folders.filter((folder) => !existsSync(`${sourceRoot}/${folder}/index.ts`))).toEqual([]);
  });

  it('the folder graph is acyclic', () => {
    expect(findCycles(graphEdges)).toEqual([]);
  });

  it('imports between folders follow the graph and go through index.ts', () => {
    expect(ruleViolations(references, FOLDERS)).toEqual([]);
  });

  it('no cycle between folders, nor between files (type-only imports aside)', () => {
    expect(findCycles(folderEdges(references))).toEqual([]);
    expect(findCycles(fileEdges(references.filter((reference) => !reference.typeOnly)))).toEqual([]);
  });
});

describe('the architecture checks catch', () => {
  const reference = (from: string, to: string, extra: Partial<ImportReference> = {}): ImportReference => ({
    from, to, specifier: `../${to}`, line: 1, typeOnly: false, dynamic: false, ...extra,
  });

  it('a forbidden folder edge, a bypassed index.ts, a value import of the store, an own-index import', () => {
    expect(ruleViolations([
      reference('character/schema.ts', 'store/index.ts'),
      reference('agent/history.ts', 'llm/retry-policy.ts'),
      reference('llm/prices.ts', 'store/index.ts'),
      reference('llm/prices.ts', 'store/index.ts', { typeOnly: true }),
      reference('scene/narrator.ts', 'scene/index.ts'),
      reference('web/app.ts', 'text/index.ts'),
      reference('index.ts', 'text/tokens.ts'),
    ], FOLDERS)).toEqual([
      "character/schema.ts:1: 'character' may not import 'store' ('../store/index.ts'); it may use: text",
      "agent/history.ts:1: '../llm/retry-policy.ts' reaches into llm/; import from 'llm/index.ts' (export it there if it is missing)",
      "llm/prices.ts:1: 'llm' may use only types of 'store'; write `import type` ('../store/index.ts')",
      "scene/narrator.ts:1: imports its own folder's index.ts ('../scene/index.ts'); import the sibling file instead",
      "web/app.ts:1: folder 'web' is not in the folder graph; add it to test/architecture.test.ts",
      "index.ts:1: '../text/tokens.ts' reaches into text/; import from 'text/index.ts' (export it there if it is missing)",
    ]);
  });

  it('cycles between folders and between files', () => {
    const edges = folderEdges([reference('agent/a.ts', 'scene/index.ts'), reference('scene/b.ts', 'eval/index.ts'), reference('eval/c.ts', 'agent/index.ts')]);
    expect(findCycles(edges)).toEqual([['agent', 'scene', 'eval']]);
    expect(findCycles(fileEdges([reference('character/png.ts', 'character/card-export.ts'), reference('character/card-export.ts', 'character/png.ts', { dynamic: true })])))
      .toEqual([['character/png.ts', 'character/card-export.ts']]);
  });

  it('type-only and dynamic imports, and no import in a comment', () => {
    const scanned = scanImports('/src', '/src/agent/x.ts', [
      "import type { A } from '../llm/index.ts';",
      "import { type B, type C } from '../store/index.ts';",
      "import { d, type E } from '../text/index.ts';",
      "export type { F } from '../events/index.ts';",
      "const lazy = () => import('../run/index.ts');",
      "type G = typeof import('../eval/index.ts');",
      "// import { h } from '../cli/index.ts';",
    ].join('\n'));
    expect(scanned.map(({ to, typeOnly, dynamic }) => ({ to, typeOnly, dynamic }))).toEqual([
      { to: 'llm/index.ts', typeOnly: true, dynamic: false },
      { to: 'store/index.ts', typeOnly: true, dynamic: false },
      { to: 'text/index.ts', typeOnly: false, dynamic: false },
      { to: 'events/index.ts', typeOnly: true, dynamic: false },
      { to: 'run/index.ts', typeOnly: false, dynamic: true },
      { to: 'eval/index.ts', typeOnly: true, dynamic: true },
    ]);
  });
});
