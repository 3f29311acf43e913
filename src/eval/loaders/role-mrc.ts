import { z } from 'zod';
import type { BenchItem, CategoryValue, ChatTurn } from '../item.ts';
import { arrayOf, dataError, parseDataJson, readDataText, uniqueIds, validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

const ROLES = ['system', 'user', 'assistant'] as const;

/** One chat turn as released (`"role": "System" | "User" | "Assistant"`; the authors' `load_dataset` lower-cases them). */
const Turn = z.object({
  role: z.string({ error: 'expected System, User or Assistant' })
    .transform((role) => role.toLowerCase())
    .pipe(z.enum(ROLES, { error: 'expected System, User or Assistant' })),
  content: z.string({ error: 'expected the turn\'s text' }),
});

/** One record of `roleMRC_test.jsonl` (github.com/LuJunru/RoleMRC `evaluation/evaluation.py`, `llm_judge.py`). */
const RoleMrcRecord = z.object({
  task: z.string({ error: 'missing; expected the task name (role_related_mrc_answer_with_narration…)' }).min(1, 'expected a task name'),
  question: z.array(Turn, { error: 'missing; expected the conversation as a list of {role, content} turns' })
    .min(1, 'expected at least one turn'),
  reference: z.string({ error: 'missing; expected the reference answer' }),
  id: z.union([z.string(), z.number()]).optional(),
}).loose();
type RoleMrcRecord = z.infer<typeof RoleMrcRecord>;

export const roleMrcLoader: DatasetLoader = {
  name: 'role-mrc',
  title: 'RoleMRC',
  source: 'https://github.com/LuJunru/RoleMRC (data: https://huggingface.co/datasets/Junrulu/RoleMRC, roleMRC_test.jsonl; '
    + 'Lu et al., arXiv 2502.11387)',
  format: 'JSON Lines (or a JSON array) of RoleMRC test records {task, question: [{role: System|User|Assistant, content}], reference}, '
    + 'the conversation ending at the turn to answer',
  /** All but `task` are read from the task's name; a name outside the test set's scheme gives `task` alone. */
  categories: ['task', 'knowledge', 'expected', 'narration', 'scenario', 'variant'],
  async load(path, options) {
    const records = validateRecords(readRecords(await readDataText(path, this, options), path, this), RoleMrcRecord, path, this);
    return uniqueIds(records.map((record, index) => toItem(record, index + 1)));
  },
};

/** Records of a JSONL file (one object a line, blank lines skipped) or of a JSON array. */
function readRecords(text: string, path: string, loader: DatasetLoader): unknown[] {
  if (/^\s*\[/.test(text)) {
    return arrayOf(parseDataJson(text, path, loader), 'records', path, loader);
  }
  const problems: string[] = [];
  const records: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      if (problems.length < 20) problems.push(`${path}: record ${records.length + 1}: not valid JSON (${(error as Error).message}); expected one JSON object per line`);
      records.push(undefined);
    }
  }
  if (problems.length) throw dataError(problems, loader);
  return records;
}

/** What a RoleMRC test task name says: `role_{related|unrelated}_mrc_{answer|refused}_{with|no}_narration[-variant]`. */
export interface RoleMrcTask {
  /** The role's knowledge range holds the passage (`related`) or not (`unrelated`). */
  knowledge: 'within' | 'beyond';
  narration: 'with' | 'without';
  /** `none`, or the suffix: `special-content`, `special-format` (nested), `2ndrefused`, `2ndanswer` (multi-turn), `refused` (priority). */
  variant: string;
  /** The paper's groups: single-turn MRC (§2), nested, multi-turn and prioritised instructions (§3). */
  scenario: string;
  /** Whether the reference answers or declines (refuses, or says the passage has no answer) in its last turn. */
  expected: 'answer' | 'refuse';
}

const SCENARIOS: Record<string, string> = {
  'none': 'mrc',
  'special-content': 'nested instruction',
  'special-format': 'nested instruction',
  '2ndrefused': 'multi-turn instruction',
  '2ndanswer': 'multi-turn instruction',
  'refused': 'instruction priority',
};

/** A RoleMRC test task name read into its parts; undefined for names outside the test set's scheme. */
export function parseRoleMrcTask(task: string): RoleMrcTask | undefined {
  const match = /^role_(related|unrelated)_mrc_(answer|refused)_(with|no)_narration(?:-(.+))?$/.exec(task);
  if (!match) return undefined;
  const [, relation, reply, narration, variant = 'none'] = match;
  const last = variant === '2ndanswer' ? 'answer' : variant === '2ndrefused' || variant === 'refused' ? 'refused' : reply;
  return {
    knowledge: relation === 'related' ? 'within' : 'beyond',
    narration: narration === 'with' ? 'with' : 'without',
    variant,
    scenario: SCENARIOS[variant] ?? variant,
    expected: last === 'answer' ? 'answer' : 'refuse',
  };
}

function toItem(record: RoleMrcRecord, index: number): BenchItem {
  const messages: ChatTurn[] = record.question.map((turn) => ({ role: turn.role, content: turn.content }));
  const task = parseRoleMrcTask(record.task);
  const categories: Record<string, CategoryValue> = { task: record.task };
  if (task) Object.assign(categories, { knowledge: task.knowledge, expected: task.expected, narration: task.narration, scenario: task.scenario, variant: task.variant });
  return {
    id: record.id === undefined ? `${record.task}:${index}` : String(record.id),
    record: index,
    vars: { task: record.task, conversation: messages.map((m) => `${m.role}: ${m.content}`).join('\n\n') },
    messages,
    reference: record.reference,
    categories,
    meta: task ? { expected: task.expected, knowledge: task.knowledge } : {},
  };
}
