import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

export type Path = ReadonlyArray<PropertyKey>;

/** Line (1-based) of the node at `path`, or of its nearest existing parent; undefined when the source has no lines. */
export type Locate = (path: Path) => number | undefined;

/** YAML text parsed with a line locator, or its syntax errors as `LABEL:LINE:COL: message` lines. */
export function parseYamlWithLines(text: string, label: string): { ok: true; value: unknown; locate: Locate } | { ok: false; problems: string[]; line: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${label}:${line}:${col}: ${error.message}`;
    });
    return { ok: false, problems, line: lineCounter.linePos(doc.errors[0].pos[0]).line };
  }
  return { ok: true, value: doc.toJS(), locate: yamlLocator(doc, lineCounter) };
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
