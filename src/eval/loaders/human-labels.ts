import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { dataError, readDataText } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

/**
 * One line of a human-labels file (a Dramatis format, for validating a judge against people):
 * `{"id": "r1", "context": {"character": "…", "user": "…"}, "response": "…", "labels": {"in_character": 4}}`.
 * `context` values become template vars, `response` the `{{response}}` var, `labels` the human scores per
 * dimension (kept in `meta.labels` for the agreement scorer); optional `categories` break results down.
 */
export const HumanLabelRecord = z.object({
  id: z.union([z.string().min(1), z.number()]),
  context: z.record(z.string(), z.string()).default({})
    .refine((context) => !Object.hasOwn(context, 'response'), 'context must not have a "response" key: the response is its own field'),
  response: z.string(),
  labels: z.record(z.string(), z.number())
    .refine((labels) => Object.keys(labels).length > 0, 'expected at least one dimension with a numeric score'),
  categories: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
}).strict();
export type HumanLabelRecord = z.infer<typeof HumanLabelRecord>;

const MAX_PROBLEMS = 20;

export const humanLabelsLoader: DatasetLoader = {
  name: 'human-labels',
  title: 'Human labels (judge validation)',
  source: 'Dramatis format: docs in src/eval/loaders/human-labels.ts; example in examples/bench/judge-agreement.jsonl',
  format: 'JSONL, one object a line: id, context (object of strings), response (string), labels (object of numeric scores per dimension), optional categories',
  /** None of its own: each record's optional `categories` are its breakdowns. */
  categories: [],
  async load(path, options) {
    const text = await readDataText(path, this, options);
    const problems: string[] = [];
    const items: BenchItem[] = [];
    const seen = new Map<string, number>();
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '' || problems.length >= MAX_PROBLEMS) return;
      const record = index + 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        problems.push(`${path}: record ${record}: not valid JSON (${(error as Error).message})`);
        return;
      }
      const parsed = HumanLabelRecord.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(`${path}: record ${record}: ${issue.path.join('.') || '(record)'}: ${issue.message}`);
        return;
      }
      const id = String(parsed.data.id);
      const first = seen.get(id);
      if (first !== undefined) {
        problems.push(`${path}: record ${record}: id: "${id}" is already the id of record ${first}; ids pair labels with answers, so each must be unique`);
        return;
      }
      seen.set(id, record);
      items.push(toItem(parsed.data, id, record));
    });
    if (problems.length) throw dataError(problems.slice(0, MAX_PROBLEMS), this);
    return items;
  },
};

function toItem(record: HumanLabelRecord, id: string, line: number): BenchItem {
  return {
    id,
    record: line,
    vars: { ...record.context, response: record.response },
    categories: record.categories ?? {},
    meta: { labels: record.labels },
  };
}
