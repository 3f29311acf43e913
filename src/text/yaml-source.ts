import { Composer, isMap, isNode, isScalar, isSeq, Lexer, LineCounter, Parser, visit, YAMLParseError, type Document } from 'yaml';
import type { CST } from 'yaml';
import { z } from 'zod';

export type Path = ReadonlyArray<PropertyKey>;

/** Line (1-based) of the node at `path`, or of its nearest existing parent; undefined when the source has no lines. */
export type Locate = (path: Path) => number | undefined;

/** Nesting of maps and sequences a file may have: real files need a handful; deeper input costs memory and stack. */
export const MAX_YAML_DEPTH = 64;
/** Nodes that aliases (`*name`) may expand to, as the yaml package counts them (its default). */
const MAX_ALIAS_COUNT = 100;

/**
 * YAML text parsed with a line locator, or its problems as `LABEL:LINE:COL: message` lines. Nesting deeper than
 * `MAX_YAML_DEPTH` is refused while parsing (an 8 MB file of `[[[…` used to take a minute and 4 GB, then crash),
 * and aliases that expand too far (a "billion laughs") are refused with their line. `what` names the file in
 * those messages, e.g. `scene file`.
 */
export function parseYamlWithLines(text: string, label: string, what = 'file'): { ok: true; value: unknown; locate: Locate } | { ok: false; problems: string[]; line: number } {
  const source = text.replace(/^\uFEFF/, '');
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, where: `${label}:${line}:${col}` };
  };
  const tokens = cstTokens(source, lineCounter);
  if ('tooDeep' in tokens) {
    const { line, where } = at(tokens.tooDeep);
    return { ok: false, problems: [`${where}: collections nest deeper than ${MAX_YAML_DEPTH} levels; a ${what} needs only a few, check the file`], line };
  }
  const doc = composeOne(tokens.list, source.length);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => `${at(error.pos[0]).where}: ${error.message}`);
    return { ok: false, problems, line: at(doc.errors[0].pos[0]).line };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const named = /: (\S+)$/.exec((error as Error).message)?.[1];
    const { line, where } = at(aliasOffset(doc, named));
    const excessive = /Excessive alias count/.test((error as Error).message);
    const message = excessive
      ? 'aliases expand to too many nodes (a YAML "billion laughs"); remove the aliases (*name) or write the values out'
      : `${(error as Error).message}`;
    return { ok: false, problems: [`${where}: ${message}`], line };
  }
  return { ok: true, value, locate: yamlLocator(doc, lineCounter) };
}

/** Lexes and parses to CST tokens, stopping as soon as the nesting passes the limit. */
function cstTokens(source: string, lineCounter: LineCounter): { list: CST.Token[] } | { tooDeep: number } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const list: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(source)) {
    for (const token of parser.next(lexeme)) list.push(token);
    // The stack holds the document and the open collections (plus a scalar or two).
    if (parser.stack.length > MAX_YAML_DEPTH + 2) return { tooDeep: parser.offset };
  }
  for (const token of parser.end()) list.push(token);
  return { list };
}

/** One document, as `parseDocument` composes it (a second document is an error). */
function composeOne(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ prettyErrors: false });
  let doc: Document.Parsed | undefined;
  for (const composed of composer.compose(tokens, true, length)) {
    if (!doc) doc = composed;
    else {
      doc.errors.push(new YAMLParseError([composed.range[0], composed.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; a file holds one'));
      break;
    }
  }
  return doc!;
}

/** Offset of the first alias (of `name` when given, else of any). */
function aliasOffset(doc: Document, name?: string): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (name !== undefined && node.source !== name) return undefined;
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** A zod issue as a short message for people (`required (expected string)`, `expected string or object`). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    const branches = issue.errors.map((branch) => (branch.length === 1 && branch[0].code === 'invalid_type' && branch[0].path.length === 0 ? branch[0] : undefined));
    if (branches.every((branch) => branch !== undefined)) {
      const received = /received (\w+)/.exec(branches[0]!.message)?.[1];
      return `expected ${branches.map((branch) => (branch as z.core.$ZodIssueInvalidType).expected).join(' or ')}${received ? `, received ${received}` : ''}`;
    }
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required (expected ${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** The keys an object schema at `path` accepts, for "unknown key" hints. */
export function objectKeysAt(schema: z.ZodType, path: Path): string[] | undefined {
  let current: unknown = schema;
  let rest = [...path];
  for (let guard = 0; guard < 64; guard++) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else if (current instanceof z.ZodObject) {
      if (rest.length === 0) return Object.keys(current.shape);
      current = current.shape[String(rest.shift())];
    } else if (current instanceof z.ZodArray && typeof rest[0] === 'number') {
      rest.shift();
      current = current.element;
    } else if (current instanceof z.ZodRecord && rest.length > 0) {
      rest.shift();
      current = current.valueType;
    } else if (current instanceof z.ZodUnion) {
      const tail = rest;
      for (const option of current.options as z.ZodType[]) {
        const keys = objectKeysAt(option, tail);
        if (keys) return keys;
      }
      return undefined;
    } else return undefined;
  }
  return undefined;
}

/** Locates zod paths in a YAML document: the key's line for a map entry, the item's line for a list entry. */
export function yamlLocator(doc: Document, lineCounter: LineCounter): Locate {
  const offsetOf = (path: Path): number | undefined => {
    if (path.length === 0) return isNode(doc.contents) ? doc.contents.range?.[0] : undefined;
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(last));
      return pair && isNode(pair.key) ? pair.key.range?.[0] : undefined;
    }
    if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      return isNode(item) ? item.range?.[0] : undefined;
    }
    return undefined;
  };
  return (path) => {
    for (let length = path.length; length >= 0; length--) {
      const offset = offsetOf(path.slice(0, length));
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return undefined;
  };
}
