import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AgentMemory } from '../agent/index.ts';
import { parseCharacterJson, readCharacterFile } from '../character/index.ts';
import {
  bigFiveLabels, evaluatePersonality, personalityAlignment, questionnaireFrom, type BigFiveDimension, type PersonalityAlignment,
  type PersonalityLabel, type PersonalityResult,
} from '../eval/index.ts';
import { createLanguageModel, createModelRuntime, formatModelSpec, resolveModelSpec } from '../llm/index.ts';
import type { Strategy } from '../memory/index.ts';
import { RunError } from './errors.ts';
import type { MemoryOperationOptions } from './memory-operations.ts';
import { createMemoryModels } from './memory-models.ts';
import { prepareModelSpecs } from './model-preparation.ts';

export interface PersonalityRecallOptions extends MemoryOperationOptions {
  /** Whose memories are recalled (the character is interviewed under this name). */
  character: string;
  /** The character's card (its sheet, and its `bigFive` labels); without it, a character with only a name. */
  card?: string;
  /** Plays the character (default: DRAMATIS_MODEL, then local:default). */
  model?: string;
  /** Rates the answers (default: `model`). */
  evaluatorModel?: string;
  /** `bfi` (the IPIP-50 Big Five items; default) or a questionnaire JSON file. */
  questionnaire?: string;
  /** The emotional recall to test (default `c-a`). */
  strategy?: Strategy;
  /** The condition to compare with (default `semantic`); `none`: no memory. */
  baseline?: Strategy | 'none';
  /** Big Five labels 0–1 instead of the card's. */
  labels?: Partial<Record<BigFiveDimension, number>>;
  seed?: number;
  /** Largest card file read, in bytes. */
  maxBytes?: number;
  /** A condition's interview begins: its name, the character interviewed (the card's name), the questions to ask. */
  onCondition?: (event: { condition: string; character: string; questions: number }) => void;
  /** Questions answered so far in the current condition. */
  onProgress?: (done: number, total: number) => void;
}

export interface PersonalityCondition {
  name: string;
  strategy?: Strategy;
  result: PersonalityResult;
  alignment: PersonalityAlignment;
}

export interface PersonalityRecallResult {
  character: string;
  questionnaire: string;
  /** Where the questionnaire comes from. */
  source: string;
  range: [number, number];
  /** The questionnaire's dimensions, in the order results are shown. */
  dimensions: string[];
  labels: Record<string, PersonalityLabel>;
  /** The baseline first, then the strategy under test. */
  conditions: PersonalityCondition[];
}

/**
 * Interviews a character with a personality questionnaire twice, under a baseline recall and under an emotional
 * strategy, and compares each with its Big Five labels; `run/no-labels` when neither the card nor `labels` has any.
 */
export async function evaluatePersonalityRecall(options: PersonalityRecallOptions): Promise<PersonalityRecallResult> {
  const { store, env } = options;
  const cwd = options.cwd ?? process.cwd();
  const strategy = options.strategy ?? 'c-a';
  const baseline = options.baseline === 'none' ? undefined : options.baseline ?? 'semantic';
  const questionnaire = questionnaireFrom(options.questionnaire ?? 'bfi', (path) => readFileSync(resolve(cwd, path), 'utf8'));
  const character = options.card
    ? (await readCharacterFile(resolve(cwd, options.card), { maxBytes: options.maxBytes })).character
    : parseCharacterJson({ name: options.character }, { path: '--character' }).character;
  const labelValues = options.labels ?? character.bigFive;
  if (!labelValues) throw new RunError('run/no-labels', 'no Big Five labels: give a card with bigFive, or labels (openness=0.8,...)');
  const labels = bigFiveLabels(labelValues, questionnaire.range);

  const runtime = createModelRuntime();
  const [spec, evaluatorSpec] = await prepareModelSpecs([
    formatModelSpec(resolveModelSpec({ model: options.model, env })),
    ...(options.evaluatorModel ? [options.evaluatorModel] : []),
  ], { env, cwd, download: options.download });
  const make = (model: string) => createLanguageModel(model, { env, runtime, baseURL: options.baseURL, store, cache: options.cache });
  const model = make(spec!);
  const evaluator = evaluatorSpec ? make(evaluatorSpec) : model;
  const models = await createMemoryModels({ ...options, cwd, emotionModel: options.emotionModel ?? spec });

  const conditions: PersonalityCondition[] = [];
  for (const [name, condition] of [[baseline ?? 'none', baseline], [strategy, strategy]] as const) {
    const memory = condition
      ? new AgentMemory(options.character, { store: store.memories, strategy: condition, write: false, ...models })
      : undefined;
    options.onCondition?.({ condition: name, character: character.name, questions: questionnaire.items.length });
    const result = await evaluatePersonality({
      character: { ...character, name: options.character }, model, evaluator, questionnaire, memory, seed: options.seed, onProgress: options.onProgress,
    });
    const scores = Object.fromEntries(result.dimensions.map((d) => [d.dimension, d.score]));
    conditions.push({ name, strategy: condition, result, alignment: personalityAlignment([{ scores, labels }], questionnaire.range) });
  }
  return {
    character: options.character, questionnaire: questionnaire.name, source: questionnaire.source, range: questionnaire.range,
    dimensions: questionnaire.dimensions, labels, conditions,
  };
}
