import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { parseScorerOptions, requireJudge } from '../judges/judged-scorer.ts';
import { optionLetter } from '../template.ts';
import { extractChoice } from './extract-choice.ts';
import { parseThinkAct, type ThinkActPair } from './parse-think-act.ts';
import { EvalError } from '../errors.ts';
import { invalidScore } from './invalid-answer.ts';
import type { ItemScore, MetricDefinition, Scorer, ScoreInput } from './types.ts';

const ThinkActOptions = z.object({
  name: z.string(),
  /**
   * How thinking and acting are matched: `judge` (a judge model says whether the action carries out the reasoning,
   * and scores both against the character), `embedding` (cosine similarity of their embeddings, as the paper's
   * released code measures it), or `both`.
   */
  method: z.enum(['judge', 'embedding', 'both']).default('judge'),
}).strict();

/** The judge's verdict on one answer: the paper's thinking and acting scores (0–5), then whether the two match. */
export const ThinkActVerdict = z.object({
  critique: z.string().describe('what the reasoning argues, what the action does, and how each fits this version of the character'),
  thinking_score: z.number().int().min(0).max(5).describe('0–5: the reasoning thinks like this version of the character'),
  acting_score: z.number().int().min(0).max(5).describe('0–5: the action is what this version of the character would do'),
  match: z.boolean().describe('true when the action carries out what the reasoning concluded'),
});
export type ThinkActVerdict = z.infer<typeof ThinkActVerdict>;

/** The rubric (after Ngokpol et al. 2025: thinking and acting scored 0–5 against the character, then Think–Act Matching). */
export const THINK_ACT_TASK = [
  'A language model role-played a character (one specific version of a super hero, from one canon) facing a moral dilemma.',
  'Its answer is split into its stated reasoning (the character\'s internal deliberation, "thinking") and its action',
  '(the character\'s outward decision, "acting"). Judge both against the character described in the context.',
  '- thinking_score, 0 to 5: does the reasoning think like this version of the character: its values, history and',
  '  moral code in this canon? 0 = nothing of the character, 5 = unmistakably this version.',
  '- acting_score, 0 to 5: is the action what this version of the character would do? 0 = out of character, 5 = fully in character.',
  '- match (Think-Act Matching): does the action carry out what the reasoning concluded? true when the reasons lead to',
  '  this decision; false when the action contradicts the reasoning (it argues for one choice and takes the other),',
  '  ignores it, or decides something the reasoning never supports. Judge the match apart from the two scores:',
  '  an out-of-character answer can still match, and an in-character one can still contradict itself.',
].join('\n');

/** The context the judge reads (fenced as data): who the character is, the situation and what was asked. */
function judgeContext(item: BenchItem): Record<string, string> {
  const { vars } = item;
  const context: Record<string, string> = {};
  if (vars.name) {
    context.character = [vars.name, vars.lore && `from ${vars.lore}`, vars.attributes].filter(Boolean).join(', ');
  }
  const situation = vars.dilemma ?? vars.situation;
  if (situation) context.situation = situation;
  if (vars.question) context.question = vars.question;
  return Object.keys(context).length ? context : { ...vars };
}

/** The two choices of a dilemma (`meta.choices`), else the item's options in the order shown. */
function choicesOf(input: ScoreInput): { shown: string[]; released: number[] } | undefined {
  const choices = input.item.meta?.choices;
  if (Array.isArray(choices) && choices.length >= 2 && choices.every((c) => typeof c === 'string')) {
    return { shown: choices as string[], released: choices.map((_, i) => i) };
  }
  const options = input.item.options;
  if (!options?.length) return undefined;
  const order = input.order ?? options.map((_, i) => i);
  return { shown: order.map((i) => options[i]), released: order };
}

/**
 * Think–Act Matching (Beyond One World): reads the character's reasoning and action from the answer (an answer
 * without both is invalid, and not judged), asks the judge whether the action follows from the reasoning and how
 * well each fits the character, and reads rule-based which of the dilemma's choices the action takes.
 * A malformed verdict (after the judge's repair) leaves the judged metrics null and the item `unjudged`.
 */
export function createThinkActScorer(options: Record<string, unknown> = { name: 'think-act' }): Scorer {
  const { method } = parseScorerOptions('think-act', ThinkActOptions, options);
  const judged = method !== 'embedding';
  const embedded = method !== 'judge';
  const metrics: MetricDefinition[] = [
    ...(judged ? [
      { name: 'think_act_match', description: 'Think–Act Matching: share of answers whose action carries out the stated reasoning (judged)', higherIsBetter: true, judged: true },
      { name: 'thinking_score', description: 'judged 0–5: the reasoning thinks like this version of the character', higherIsBetter: true, range: [0, 5] as [number, number], judged: true },
      { name: 'acting_score', description: 'judged 0–5: the action is what this version of the character would do', higherIsBetter: true, range: [0, 5] as [number, number], judged: true },
    ] : []),
    ...(embedded ? [
      { name: 'think_act_similarity', description: 'Think–Act Matching as the paper computes it: the best cosine similarity of the embeddings over the (thinking, acting) pairs', higherIsBetter: true, range: [-1, 1] as [number, number] },
    ] : []),
    { name: 'choice_stated', description: 'share of readable answers whose action takes one of the dilemma\'s choices, read by rule (A/B or its text)', higherIsBetter: true },
    { name: 'chose_a', description: 'share of decided actions taking the released choice A (choice_A): descriptive, read it by dilemma type', higherIsBetter: false },
    { name: 'invalid_rate', description: 'share of answers without both a reasoning and an action', higherIsBetter: false, whenInvalid: 1 },
  ];
  return {
    name: 'think-act',
    requiresJudge: judged,
    requiresEmbedding: embedded,
    metrics,
    score: (input) => scoreThinkAct(input, { judged, embedded, metrics }),
  };
}

async function scoreThinkAct(input: ScoreInput, method: { judged: boolean; embedded: boolean; metrics: readonly MetricDefinition[] }): Promise<ItemScore> {
  const judge = method.judged ? requireJudge(input, 'think-act') : undefined;
  const embed = method.embedded ? requireEmbedding(input) : undefined;
  const judgedNulls: Record<string, null> = method.judged ? { think_act_match: null, thinking_score: null, acting_score: null } : {};
  const parsed = parseThinkAct(input.answer);
  if (!parsed.ok) return invalidScore(method.metrics, `unreadable: ${parsed.reason}`);

  const choices = choicesOf(input);
  let chosen: number | undefined;
  let how = '';
  if (choices) {
    const picked = extractChoice(parsed.action, choices.shown);
    if (picked.ok) [chosen, how] = [choices.released[picked.index], picked.how];
  }
  const ruleValues = {
    choice_stated: choices ? (chosen === undefined ? 0 : 1) : null,
    chose_a: chosen === undefined ? null : chosen === 0 ? 1 : 0,
    invalid_rate: 0,
  };
  const choiceNote = !choices ? '' : chosen === undefined ? '; the action names no choice' : `; the action takes choice ${optionLetter(chosen)} (by ${how})`;
  let extraction = `reasoning (${parsed.reasoning.length} chars) and action (${parsed.action.length} chars) read from ${parsed.how}${choiceNote}`;
  const similarity: Record<string, number> = {};
  let pairNote = '';
  if (embed) {
    const best = await bestPairSimilarity(parsed.pairs, embed, input.signal);
    similarity.think_act_similarity = best.similarity;
    if (parsed.pairs.length > 1) pairNote = `; similarity the best of ${parsed.pairs.length} (thinking, acting) pairs: pair ${best.index + 1}`;
  }
  extraction += pairNote;
  if (!judge) return { values: { ...similarity, ...ruleValues }, extraction };

  const result = await judge.ask({
    task: THINK_ACT_TASK,
    context: judgeContext(input.item),
    candidates: { reasoning: parsed.reasoning, action: parsed.action },
    schema: ThinkActVerdict,
    signal: input.signal,
    seed: input.seed,
  });
  if (result.verdict === undefined) {
    return {
      values: { ...judgedNulls, ...similarity, ...ruleValues },
      unjudged: true,
      extraction,
      verdict: { error: result.error ?? 'no verdict', raw: result.raw },
    };
  }
  const verdict = result.verdict;
  return {
    values: { think_act_match: verdict.match ? 1 : 0, thinking_score: verdict.thinking_score, acting_score: verdict.acting_score, ...similarity, ...ruleValues },
    extraction,
    verdict: { ...verdict, repaired: result.repaired },
  };
}

/**
 * The best cosine over the (thinking, acting) pairs, as the authors' `get_best_similarity` (`match_think_act.py`)
 * takes it: one embedding call for every text, then the pair whose two embeddings are closest.
 */
export async function bestPairSimilarity(
  pairs: readonly ThinkActPair[],
  embed: NonNullable<ScoreInput['embed']>,
  signal?: AbortSignal,
): Promise<{ similarity: number; index: number }> {
  const vectors = await embed(pairs.flatMap((pair) => [pair.reasoning, pair.action]), signal);
  let best = { similarity: -Infinity, index: 0 };
  pairs.forEach((_, i) => {
    const similarity = cosine(vectors[2 * i], vectors[2 * i + 1]);
    if (similarity > best.similarity) best = { similarity, index: i };
  });
  return best;
}

function requireEmbedding(input: ScoreInput): NonNullable<ScoreInput['embed']> {
  if (input.embed) return input.embed;
  throw new EvalError('eval/bad-definition', 'scorer think-act with method embedding or both needs an embedding model: pass --embedding-model MODEL (or set embedding.model in the YAML)');
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
