import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import { structuredText, extractJsonObject } from '../../llm/index.ts';
import { z } from 'zod';
import { type AgentMemory, CharacterAgent } from '../../agent/index.ts';
import type { Character } from '../../character/index.ts';
import type { SceneEvent } from '../../events/index.ts';
import { BIG_FIVE, type Questionnaire } from './questionnaire.ts';

export interface InterviewAnswer {
  id: string;
  dimension: string;
  question: string;
  answer: string;
}

export interface DimensionRating {
  dimension: string;
  /** The mean of its batches' ratings, on the questionnaire's range. */
  score: number;
  batches: { ids: string[]; score: number; analysis: string }[];
}

export interface PersonalityResult {
  questionnaire: string;
  range: [number, number];
  answers: InterviewAnswer[];
  dimensions: DimensionRating[];
}

export interface PersonalityEvalOptions {
  character: Character;
  /** Plays the character. */
  model: LanguageModelV3;
  /** Rates the answers (an "expert rating" as in InCharacter). */
  evaluator: LanguageModelV3;
  questionnaire: Questionnaire;
  /** Recalled into every answer; none for the condition without memory. */
  memory?: AgentMemory;
  interviewer?: string;
  /** Answers per rating request (default 4). */
  batchSize?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const Rating = z.object({ analysis: z.string(), score: z.number() });
const RATING_SCHEMA = z.toJSONSchema(Rating);

/** The open interview question for an item, as an interviewer asks it. */
export function interviewQuestion(statement: string): string {
  return `Tell me honestly: would you say "${statement}" describes you? Why, or why not?`;
}

/**
 * The InCharacter protocol with expert rating: the character answers every item as an open interview question
 * (a fresh conversation each, its memories recalled if it has a memory), then an evaluator rates each dimension
 * from batches of anonymised answers, and a dimension's score is the mean of its batches.
 */
export async function evaluatePersonality(options: PersonalityEvalOptions): Promise<PersonalityResult> {
  const { questionnaire, character } = options;
  const interviewer = options.interviewer ?? 'Interviewer';
  const agent = new CharacterAgent({
    character, model: options.model, userName: interviewer, mode: 'json', pickSeed: 'personality', memory: options.memory, seed: options.seed,
  });
  const answers: InterviewAnswer[] = [];
  const total = questionnaire.items.length + questionnaire.dimensions.length;
  for (const item of questionnaire.items) {
    const question = interviewQuestion(item.statement);
    const log: SceneEvent[] = [{ id: `q${item.id}`, episodeId: 'personality', seq: 1, at: new Date(0).toISOString(), kind: 'speech', actor: 'user', text: question, visibility: 'all' }];
    const { generated } = await agent.act(log, [], { abortSignal: options.signal });
    answers.push({ id: item.id, dimension: item.dimension, question, answer: generated.output.speech });
    options.onProgress?.(answers.length, total);
  }
  const dimensions: DimensionRating[] = [];
  for (const dimension of questionnaire.dimensions) {
    const mine = answers.filter((answer) => answer.dimension === dimension);
    const batches: DimensionRating['batches'] = [];
    for (const batch of splitBatches(mine, options.batchSize ?? 4)) {
      const rated = await rate(options, dimension, batch, character.name);
      batches.push({ ids: batch.map((answer) => answer.id), ...rated });
    }
    const score = batches.reduce((sum, batch) => sum + batch.score, 0) / Math.max(batches.length, 1);
    dimensions.push({ dimension, score, batches });
    options.onProgress?.(answers.length + dimensions.length, total);
  }
  return { questionnaire: questionnaire.name, range: questionnaire.range, answers, dimensions };
}

/** Batches of about `size`; a short last batch is filled from the others (InCharacter's split_list). */
export function splitBatches<T>(items: readonly T[], size: number): T[][] {
  if (items.length < 2 * (size - 1)) return items.length ? [[...items]] : [];
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const missing = size - 1 - batches.at(-1)!.length;
  for (let i = 0; i < missing; i++) batches.at(-1)!.push(batches[i]!.pop()!);
  return batches;
}

async function rate(options: PersonalityEvalOptions, dimension: string, batch: InterviewAnswer[], name: string): Promise<{ score: number; analysis: string }> {
  const [low, high] = options.questionnaire.range;
  const hide = (text: string) => text.split(name).join('the participant');
  const transcript = batch.map((answer, index) => `Q${index + 1}: ${hide(answer.question)}\nA${index + 1}: ${hide(answer.answer)}`).join('\n\n');
  const system = [
    'You are a psychologist rating personality from interview answers.',
    `Rate how high the participant is on ${dimension} (Big Five), from ${low} (very low) to ${high} (very high), from these answers only.`,
    'First give a short analysis, then the score, as JSON: {"analysis": "...", "score": NUMBER}.',
  ].join('\n');
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = await structuredText(options.evaluator, {
      prompt: [{ role: 'system', content: system }, { role: 'user', content: [{ type: 'text', text: transcript }] }],
      schema: { json: RATING_SCHEMA as JSONSchema7, name: 'rating' },
      temperature: 0, seed: options.seed, abortSignal: options.signal,
    });
    const json = extractJsonObject(text);
    const parsed = json.ok ? Rating.safeParse(json.value) : undefined;
    if (parsed?.success) return { score: Math.min(high, Math.max(low, parsed.data.score)), analysis: parsed.data.analysis };
  }
  throw new Error(`the evaluator's rating of ${dimension} was unreadable twice`);
}

/** A label: a score on the questionnaire's range and its pole (H, L, or X for neither). */
export interface PersonalityLabel {
  score: number;
  type: 'H' | 'L' | 'X';
}

/** Big Five labels from a character's 0–1 `bigFive` field, on the range [low, high]. */
export function bigFiveLabels(bigFive: Partial<Record<(typeof BIG_FIVE)[number], number>>, range: [number, number]): Record<string, PersonalityLabel> {
  const labels: Record<string, PersonalityLabel> = {};
  for (const dimension of BIG_FIVE) {
    const value = bigFive[dimension];
    if (value === undefined) continue;
    labels[dimension] = { score: range[0] + value * (range[1] - range[0]), type: value > 0.5 ? 'H' : value < 0.5 ? 'L' : 'X' };
  }
  return labels;
}

export interface PersonalityAlignment {
  /** Share of dimensions on the label's side of the midpoint, per dimension and over all ("all"). */
  singleAccuracy: Record<string, number>;
  /** Share of characters with every labelled dimension right. */
  fullAccuracy: number;
  /** Mean squared and absolute error, each difference divided by the range's span. */
  mse: Record<string, number>;
  mae: Record<string, number>;
  /** Dimensions compared (labelled H or L). */
  count: number;
}

/**
 * InCharacter's measured alignment: a prediction is H above the range's midpoint, else L; dimensions labelled X
 * are skipped; errors are scaled by the range's span.
 */
export function personalityAlignment(results: { scores: Record<string, number>; labels: Record<string, PersonalityLabel> }[], range: [number, number]): PersonalityAlignment {
  const middle = (range[0] + range[1]) / 2;
  const span = range[1] - range[0];
  const sums = new Map<string, { correct: number; se: number; ae: number; n: number }>();
  const add = (key: string, correct: boolean, error: number) => {
    const sum = sums.get(key) ?? { correct: 0, se: 0, ae: 0, n: 0 };
    sum.correct += Number(correct);
    sum.se += (error / span) ** 2;
    sum.ae += Math.abs(error / span);
    sum.n += 1;
    sums.set(key, sum);
  };
  let full = 0;
  let counted = 0;
  for (const { scores, labels } of results) {
    let allRight = true;
    let any = false;
    for (const [dimension, label] of Object.entries(labels)) {
      const score = scores[dimension];
      if (label.type === 'X' || score === undefined) continue;
      any = true;
      const right = (score > middle ? 'H' : 'L') === label.type;
      allRight &&= right;
      add(dimension, right, score - label.score);
      add('all', right, score - label.score);
    }
    if (any) {
      counted++;
      full += Number(allRight);
    }
  }
  const per = (pick: (sum: { correct: number; se: number; ae: number; n: number }) => number) =>
    Object.fromEntries([...sums].map(([key, sum]) => [key, pick(sum) / sum.n]));
  return {
    singleAccuracy: per((sum) => sum.correct), mse: per((sum) => sum.se), mae: per((sum) => sum.ae),
    fullAccuracy: counted ? full / counted : Number.NaN, count: sums.get('all')?.n ?? 0,
  };
}
