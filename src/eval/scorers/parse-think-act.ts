import { extractJsonObject } from '../../llm/index.ts';

/** A character's stated reasoning ("thinking") and its decision ("acting"), as read from an answer. */
export type ThinkAct =
  | {
    ok: true;
    /** Every block of each kind, joined: what a judge reads. */
    reasoning: string;
    action: string;
    /**
     * The (thinking, acting) pairs, the i-th reasoning block with the i-th action block as the authors' `extract_pairs`
     * zips them (`match_think_act.py`; blocks without a partner are left out); one pair for any other form.
     */
    pairs: ThinkActPair[];
    how: string;
  }
  | { ok: false; reason: string };

export interface ThinkActPair { reasoning: string; action: string }

const THINK = ['thinking', 'think', 'thoughts', 'thought', 'reasoning', 'rationale', 'internal thoughts', 'internal thought', 'internal deliberation'];
const ACT = ['acting', 'act', 'action', 'decision', 'final decision', 'my decision', 'choice'];
const TAGS = /<\s*(thinking|think|thoughts?|reasoning|acting|act|action|decision)\s*>/gi;

type Kind = 'think' | 'act';
const kindOf = (label: string): Kind | undefined => {
  const name = label.toLowerCase().replace(/\s+/g, ' ').trim();
  return THINK.includes(name) ? 'think' : ACT.includes(name) ? 'act' : undefined;
};

/**
 * `<thinking>…</thinking>` blocks by kind (closed by `</tag>`, `<tag/>`, the next tag or the end), the text outside
 * them, and the text after the last one.
 */
function tagged(text: string): { think: string[]; act: string[]; outside: string; after: string } {
  const found = { think: [] as string[], act: [] as string[] };
  const opens = [...text.matchAll(TAGS)];
  let outside = '';
  let cursor = 0;
  opens.forEach((open, index) => {
    if (open.index < cursor) return;
    const start = open.index + open[0].length;
    const next = opens.slice(index + 1).find((o) => o.index >= start)?.index ?? text.length;
    const closer = new RegExp(String.raw`<\s*/\s*${open[1]}\s*>|<\s*${open[1]}\s*/\s*>`, 'i').exec(text.slice(start));
    const end = closer && start + closer.index <= next ? start + closer.index : next;
    outside += text.slice(cursor, open.index);
    const body = text.slice(start, end).trim();
    if (body) found[kindOf(open[1])!].push(body);
    cursor = closer && start + closer.index <= next ? end + closer[0].length : end;
  });
  outside += text.slice(cursor);
  return { ...found, outside: outside.trim(), after: opens.length ? text.slice(cursor).trim() : '' };
}

/** A JSON answer's reasoning and action fields (`reasoning`/`thinking`/`thought`…, `action`/`acting`/`decision`…). */
function fromJson(text: string): { reasoning?: string; action?: string } {
  if (!text.includes('{')) return {};
  const extracted = extractJsonObject(text);
  if (!extracted.ok || !extracted.value || typeof extracted.value !== 'object' || Array.isArray(extracted.value)) return {};
  const fields: { reasoning?: string; action?: string } = {};
  for (const [key, value] of Object.entries(extracted.value as Record<string, unknown>)) {
    if (typeof value !== 'string' || !value.trim()) continue;
    const kind = kindOf(key.replace(/_/g, ' '));
    if (kind === 'think') fields.reasoning ??= value.trim();
    if (kind === 'act') fields.action ??= value.trim();
  }
  return fields;
}

const LABELS = [...THINK, ...ACT].sort((a, b) => b.length - a.length).map((l) => l.replace(' ', String.raw`\s+`)).join('|');
/** `## Reasoning`, `**Thinking:**`, `Action: I …`, `__Decision__` at a line start: a heading, a bold label or a label with a colon. */
const HEADINGS = [
  new RegExp(String.raw`^\s*#{1,6}\s*(?:\*\*|__)?\s*(${LABELS})\s*(?:\*\*|__)?\s*:?\s*(.*)$`, 'i'),
  new RegExp(String.raw`^\s*(?:\*\*|__)\s*(${LABELS})\s*:?\s*(?:\*\*|__)\s*:?\s*(.*)$`, 'i'),
  new RegExp(String.raw`^\s*(${LABELS})\s*:\s*(.*)$`, 'i'),
];

/** Sections under reasoning and action headings; text before the first heading belongs to none. */
function fromHeadings(text: string): { reasoning?: string; action?: string } {
  const sections = { think: [] as string[], act: [] as string[] };
  let current: Kind | undefined;
  for (const line of text.split('\n')) {
    const heading = HEADINGS.map((pattern) => pattern.exec(line)).find(Boolean);
    const kind = heading ? kindOf(heading[1]) : undefined;
    if (heading && kind) {
      current = kind;
      if (heading[2].trim()) sections[kind].push(heading[2].trim());
    } else if (current) sections[current].push(line);
  }
  const join = (lines: string[]) => lines.join('\n').trim() || undefined;
  return { reasoning: join(sections.think), action: join(sections.act) };
}

/**
 * Reads the reasoning and the action from an answer, in order: `<thinking>`/`<think>`/`<reasoning>` and
 * `<acting>`/`<act>`/`<action>` tags (several blocks are joined, and paired in order; a reasoning block alone takes the text after it as
 * the action, as a reasoning model's hidden thinking and answer); a JSON object with `reasoning` and `action` fields
 * (or `thinking`/`acting`, `thought`/`decision`); `Reasoning:`/`## Thinking` and `Action:`/`**Decision:**` sections
 * (outside any tags: a reasoning model's own `<think>` block before them is not the character's reasoning); or a tag
 * for one part and a heading for the other.
 * An answer missing either part is unreadable (invalid), never guessed.
 */
export function parseThinkAct(answer: string): ThinkAct {
  const text = answer.replace(/\r\n/g, '\n').trim();
  if (!text) return { ok: false, reason: 'the answer is empty' };
  const tags = tagged(text);
  if (tags.think.length && tags.act.length) {
    const pairs = tags.think.slice(0, tags.act.length).map((reasoning, i) => ({ reasoning, action: tags.act[i] }));
    return { ok: true, reasoning: tags.think.join('\n\n'), action: tags.act.join('\n\n'), pairs, how: pairs.length > 1 ? `tags (${pairs.length} pairs)` : 'tags' };
  }
  const json = fromJson(text);
  if (json.reasoning && json.action) return single(json.reasoning, json.action, 'JSON fields');
  const headings = fromHeadings(tags.think.length || tags.act.length ? tags.outside : text);
  if (headings.reasoning && headings.action) return single(headings.reasoning, headings.action, 'headings');
  const reasoning = tags.think.join('\n\n') || headings.reasoning || json.reasoning;
  const action = tags.act.join('\n\n') || headings.action || json.action;
  if (reasoning && action) return single(reasoning, action, 'a tag and a heading');
  if (reasoning && tags.think.length && !tags.act.length && tags.after) return single(reasoning, tags.after, 'a reasoning block and the text after it');
  const missing = !reasoning && !action ? 'no reasoning and no action' : !reasoning ? 'an action but no reasoning' : 'reasoning but no action';
  return {
    ok: false,
    reason: `${missing} found: expected <thinking>…</thinking> then <acting>…</acting>, a JSON object with reasoning and action, or Reasoning: and Action: sections`,
  };
}

function single(reasoning: string, action: string, how: string): ThinkAct {
  return { ok: true, reasoning, action, pairs: [{ reasoning, action }], how };
}
