import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of a source file: static, `export ... from`, dynamic `import()` or an `import('...')` type. */
export interface ImportReference {
  /** The importing file, relative to `src/` with `/` separators, e.g. `agent/history.ts`. */
  from: string;
  /** The imported file, relative to `src/`; undefined for a package (`zod`, `node:fs`). */
  to: string | undefined;
  specifier: string;
  line: number;
  /** Erased at run time: `import type`, `export type`, every name marked `type`, or a type position. */
  typeOnly: boolean;
  dynamic: boolean;
}

/** What a folder may import: the folders it may use, and those it may use for types only. */
export interface FolderRule {
  uses: readonly string[];
  typesOnly?: readonly string[];
}

export type FolderGraph = Readonly<Record<string, FolderRule>>;

/** Every `.ts` file under a folder (declaration files left out: they hold no imports that run). */
export function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The imports of one file, read with the TypeScript parser (comments and strings never count). */
export function scanImports(sourceRoot: string, file: string, text = readFileSync(file, 'utf8')): ImportReference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const references: ImportReference[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
    references.push({
      from: toSrcPath(sourceRoot, file),
      to: target === undefined ? undefined : toSrcPath(sourceRoot, target),
      specifier,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      typeOnly,
      dynamic,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const everyNameTyped = named !== undefined && named.length > 0 && !clause?.name && named.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier.text, clause?.isTypeOnly === true || everyNameTyped, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const everyNameTyped = named !== undefined && named.length > 0 && named.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier.text, node.isTypeOnly || everyNameTyped, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) add(node, argument.text, false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return references;
}

function toSrcPath(sourceRoot: string, path: string): string {
  return relative(sourceRoot, path).split(sep).join('/');
}

/** The top folder of a path relative to `src/` (`llm` for `llm/local/host.ts`); undefined for `index.ts` itself. */
export function folderOf(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash === -1 ? undefined : path.slice(0, slash);
}

/**
 * Every broken rule, one message each: an import of a folder the graph does not allow, a value import of a folder
 * allowed for types only, an import from another folder (or from the package entry) that is not its `index.ts`, a
 * folder importing the package entry, and a file importing its own folder's `index.ts` (that index imports the
 * file's siblings: an ESM cycle that can leave names undefined).
 */
export function ruleViolations(references: readonly ImportReference[], graph: FolderGraph): string[] {
  const problems: string[] = [];
  for (const reference of references) {
    if (reference.to === undefined) continue;
    const at = `${reference.from}:${reference.line}`;
    const from = folderOf(reference.from);
    const to = folderOf(reference.to);
    const bypass = `${at}: '${reference.specifier}' reaches into ${to}/; import from '${to}/index.ts' (export it there if it is missing)`;
    if (to === undefined) {
      if (from !== undefined) problems.push(`${at}: imports the package entry ('${reference.specifier}'); import the folder's index.ts instead`);
      continue;
    }
    if (from === undefined) {
      if (reference.to !== `${to}/index.ts`) problems.push(bypass);
      continue;
    }
    if (from === to) {
      if (reference.to === `${to}/index.ts`) problems.push(`${at}: imports its own folder's index.ts ('${reference.specifier}'); import the sibling file instead`);
      continue;
    }
    const rule = graph[from];
    if (rule === undefined) {
      problems.push(`${at}: folder '${from}' is not in the folder graph; add it to test/architecture.test.ts`);
      continue;
    }
    if (!rule.uses.includes(to)) {
      problems.push(`${at}: '${from}' may not import '${to}' ('${reference.specifier}'); it may use: ${rule.uses.join(', ') || 'nothing'}`);
      continue;
    }
    if (rule.typesOnly?.includes(to) && !reference.typeOnly) {
      problems.push(`${at}: '${from}' may use only types of '${to}'; write \`import type\` ('${reference.specifier}')`);
    }
    if (reference.to !== `${to}/index.ts`) problems.push(bypass);
  }
  return problems;
}

/** The folder edges the imports make, `from → to`, each once. */
export function folderEdges(references: readonly ImportReference[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const reference of references) {
    if (reference.to === undefined) continue;
    const from = folderOf(reference.from);
    const to = folderOf(reference.to);
    if (from === undefined || to === undefined || from === to) continue;
    edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
  return edges;
}

/** The cycles of a directed graph, each as its nodes in order (strongly connected components of two or more, and self-loops). */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    lowest.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        lowest.set(node, Math.min(lowest.get(node)!, lowest.get(next)!));
      } else if (onStack.has(next)) {
        lowest.set(node, Math.min(lowest.get(node)!, index.get(next)!));
      }
    }
    if (lowest.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.unshift(member);
    } while (member !== node);
    if (component.length > 1 || edges.get(node)?.has(node)) cycles.push(component);
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);
  return cycles;
}

/** The file edges of the imports (`from → to`), for cycles between files inside a folder too. */
export function fileEdges(references: readonly ImportReference[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const reference of references) {
    if (reference.to === undefined) continue;
    edges.set(reference.from, (edges.get(reference.from) ?? new Set()).add(reference.to));
  }
  return edges;
}
