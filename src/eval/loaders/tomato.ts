import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { arrayOf, dataError, parseDataJson, readDataText, uniqueIds, validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

/** One released ToMATO record (nttmdlab-nlp/ToMATO, `dataset/README.md`), field names as released. */
const TomatoRecord = z.object({
  a0: z.string(),
  a1: z.string(),
  a2: z.string(),
  a3: z.string(),
  a_idx: z.number().int().min(0, 'expected an option index 0–3').max(3, 'expected an option index 0–3'),
  a_str: z.string(),
  big_five: z.string(),
  conversation: z.string().min(1),
  /** Always present in the release; a set built from scenes without a judge leaves it out (category `unknown`). */
  false_belief: z.boolean().optional(),
  mental_state: z.string().min(1),
  order: z.number().int().min(1).max(2),
  q: z.string().min(1),
  q_id: z.string().min(1),
  sotopia_agents: z.array(z.string()).optional(),
  sotopia_environment: z.string().optional(),
  u_id: z.union([z.string(), z.number()]).optional(),
});
type TomatoRecord = z.infer<typeof TomatoRecord>;

const TRAITS: [string, string][] = [
  ['Openness to Experience', 'O'], ['Openness', 'O'], ['Conscientiousness', 'C'], ['Extraversion', 'E'], ['Agreeableness', 'A'], ['Neuroticism', 'N'],
];

/** `Openness to Experience - High; Conscientiousness - Low; …` as `O+ C- E+ A- N-` (a compact breakdown key). */
export function bigFivePattern(text: string): string {
  const parts: string[] = [];
  for (const piece of text.split(';')) {
    const match = /^\s*(.+?)\s*-\s*(High|Low)\s*$/i.exec(piece);
    const letter = match && TRAITS.find(([name]) => name.toLowerCase() === match[1].toLowerCase())?.[1];
    if (!letter) return text.trim();
    parts.push(`${letter}${match[2].toLowerCase() === 'high' ? '+' : '-'}`);
  }
  return parts.join(' ');
}

export const tomatoLoader: DatasetLoader = {
  name: 'tomato',
  title: 'ToMATO',
  source: 'https://github.com/nttmdlab-nlp/ToMATO (dataset/*.json; Shinoda et al., AAAI 2025)',
  format: 'a JSON array of ToMATO records with a0..a3, a_idx (0-3), a_str, big_five, conversation, false_belief (optional: absent counts as unknown), mental_state, order, q, q_id',
  categories: ['mental_state', 'order', 'false_belief', 'big_five'],
  async load(path, options) {
    const data = arrayOf(parseDataJson(await readDataText(path, this, options), path, this), 'records', path, this);
    const records = validateRecords(data, TomatoRecord, path, this);
    const mismatched = records.findIndex((r) => r.a_str !== optionsOf(r)[r.a_idx]);
    if (mismatched !== -1) {
      throw dataError([`${path}: record ${mismatched + 1}: a_str: it is not option a${records[mismatched].a_idx} (a_idx ${records[mismatched].a_idx}), so the answer is ambiguous`], this);
    }
    return uniqueIds(records.map((record, index) => toItem(record, index)));
  },
};

function optionsOf(record: TomatoRecord): string[] {
  return [record.a0, record.a1, record.a2, record.a3];
}

function toItem(record: TomatoRecord, index: number): BenchItem {
  return {
    id: record.q_id,
    record: index + 1,
    vars: { conversation: record.conversation, q: record.q, question: record.q, big_five: record.big_five },
    options: optionsOf(record),
    answer: record.a_idx,
    categories: {
      mental_state: record.mental_state,
      order: record.order,
      false_belief: record.false_belief ?? 'unknown',
      big_five: record.big_five.trim() === '' ? 'unknown' : bigFivePattern(record.big_five),
    },
    meta: { u_id: record.u_id, sotopia_environment: record.sotopia_environment },
  };
}
