import { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import { parseScorerOptions, requireJudge, type JudgedScorer } from '../judges/judged-scorer.ts';
import type { JudgeVerdict } from '../judges/types.ts';
import { removeInnerThoughts, withSpeaker } from '../loaders/moral-roleplay.ts';
import { moralFidelityTask } from './moral-fidelity-task.ts';
import { invalidScore } from './invalid-answer.ts';
import type { ItemScore, MetricDefinition, ScoreInput } from './types.ts';

/** The judge's verdict: its critique first, then the flaws it found, each with a severity 1 (minor) to 5 (severe). */
export const FidelityVerdict = z.object({
  critique: z.string(),
  flaws: z.array(z.object({
    instance: z.string(),
    type: z.string(),
    character: z.string(),
    traits: z.array(z.string()),
    severity: z.number().int().min(1).max(5),
  })),
});
export type FidelityVerdict = z.infer<typeof FidelityVerdict>;

const MoralFidelityOptions = z.object({
  name: z.string(),
  /** Verdicts asked per item (seeds `seed`, `seed + 1`...), averaged; the paper asks one. */
  samples: z.number().int().min(1).max(20).default(1),
}).strict();

/**
 * The paper's per-character fidelity (`calculate_character_scores_for_case` in `RolePlay_Villain/codes/main.py`):
 * 5 − 0.5·Σseverity − 0.1·max severity + 0.15·turns, clamped to [0, 5]; `turns` is how many messages the character
 * spoke (one reply here). No flaws in one reply: 5 (5.15 clamped).
 * @example fidelityScore([3, 1]) // 5 − 2 − 0.3 + 0.15 = 2.85
 */
export function fidelityScore(severities: readonly number[], turns = 1): number {
  const total = severities.reduce((sum, s) => sum + s, 0);
  const worst = severities.length ? Math.max(...severities) : 0;
  const score = 5 - 0.5 * total - 0.1 * worst + 0.15 * turns;
  return Math.round(Math.max(0, Math.min(5, score)) * 1e9) / 1e9;
}

const METRICS: MetricDefinition[] = [
  {
    name: 'fidelity',
    description: 'judged character fidelity, 5 − 0.5·Σ flaw severity − 0.1·worst severity + 0.15·turns, clamped to 0–5 (Yi et al. 2025)',
    higherIsBetter: true,
    range: [0, 5],
    judged: true,
  },
  { name: 'flaws', description: 'flaws the judge found in the portrayal and attributed to this character (inconsistencies with its traits); flaws of other characters are not counted', higherIsBetter: false, range: [0, 10] },
];

/** One judge sample as kept for the drill-down. */
interface FidelitySample {
  seed: number;
  repaired: boolean;
  critique?: string;
  flaws?: FidelityVerdict['flaws'];
  /** Flaws attributed to the character scored: the only ones deducted. */
  counted?: number;
  /** Flaws the judge attributed to other characters, kept for the drill-down but not deducted. */
  otherCharacters?: number;
  fidelity?: number;
  error?: string;
  raw?: string;
}

/**
 * Moral RolePlay fidelity (Yi et al. 2025): a judge lists the flaws of the portrayal with severities and the
 * character each belongs to, and the score deducts the scored character's own (`flawsOf`). A verdict still malformed after the judge's repair leaves the item unjudged (null
 * values), never a silent 0 or 5. Needs a judge (`--judge`).
 * @example createMoralFidelityScorer({ name: 'moral-fidelity', samples: 3 })
 */
export function createMoralFidelityScorer(options: Record<string, unknown> = { name: 'moral-fidelity' }): JudgedScorer {
  const { samples } = parseScorerOptions('moral-fidelity', MoralFidelityOptions, options);
  return {
    name: 'moral-fidelity',
    requiresJudge: true,
    metrics: METRICS,
    async score(input: ScoreInput): Promise<ItemScore> {
      const judge = requireJudge(input, 'moral-fidelity');
      const { item } = input;
      const character = item.vars.character;
      if (!character) {
        throw new EvalError('eval/bad-definition', `item ${item.id} (record ${item.record}) has no vars.character: the moral-fidelity scorer judges the portrayal of a named character (loader moral-roleplay)`);
      }
      const reply = removeInnerThoughts(input.answer);
      if (reply === '') return invalidScore(METRICS, 'empty reply (nothing but inner thoughts, or nothing)');

      const task = moralFidelityTask({ book: item.vars.book ?? 'the book', character, traits: traitsOf(item) });
      const context = judgeContext(item);
      const candidates = { response: removeInnerThoughts(withSpeaker(input.answer, character)) };
      const seeds = Array.from({ length: samples }, (_, k) => (input.seed ?? 0) + k);
      const verdicts: JudgeVerdict<FidelityVerdict>[] = await Promise.all(seeds.map((seed) => judge.ask({
        task, context, candidates, schema: FidelityVerdict, signal: input.signal, seed,
      })));

      const kept: FidelitySample[] = verdicts.map((v, k) => {
        if (!v.verdict) return { seed: seeds[k], repaired: false, error: v.error, raw: v.raw };
        const own = flawsOf(v.verdict.flaws, character);
        const others = v.verdict.flaws.length - own.length;
        return {
          seed: seeds[k], repaired: v.repaired, critique: v.verdict.critique, flaws: v.verdict.flaws,
          ...(others ? { otherCharacters: others } : {}),
          counted: own.length, fidelity: fidelityScore(own.map((f) => f.severity)),
        };
      });
      const judged = kept.filter((s) => s.fidelity !== undefined);
      const verdict = { judge: judge.model, samples: kept, dropped: kept.length - judged.length };
      if (judged.length === 0) return { values: { fidelity: null, flaws: null }, verdict, unjudged: true };
      return {
        values: {
          fidelity: mean(judged.map((s) => s.fidelity!)),
          flaws: mean(judged.map((s) => s.counted!)),
        },
        verdict,
      };
    },
  };
}

/**
 * The flaws deducted from a character: those the judge attributes to it by name, as the authors count them
 * (`calculate_character_scores_for_case` in `RolePlay_Villain/codes/main.py` adds a flaw's severity only to the
 * character its `character` field names, compared as written: "Orrin" is not "Orrin Pell").
 * @example flawsOf([{ character: 'Orrin Pell', severity: 3 }, { character: 'Widow Hale', severity: 5 }], 'Orrin Pell') // the first
 */
export function flawsOf<T extends { character: string }>(flaws: readonly T[], character: string): T[] {
  return flaws.filter((flaw) => flaw.character === character);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function traitsOf(item: BenchItem): string[] {
  const traits = item.meta?.traits;
  return Array.isArray(traits) ? traits.filter((t): t is string => typeof t === 'string') : [];
}

/** The scene as the paper's judge reads it, in labelled sections (absent ones left out). */
function judgeContext(item: BenchItem): Record<string, string> {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const sections: Record<string, string | undefined> = {
    'Plot Summary': text(item.meta?.plotSummary),
    'Current Scenario': text(item.vars.scenario),
    'Character Profiles': text(item.meta?.characterProfiles),
    'Original Conversation': text(item.reference),
    'Conversation before the response': text(item.vars.conversation),
  };
  return Object.fromEntries(Object.entries(sections).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
