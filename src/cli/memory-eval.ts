import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AgentMemory } from '../agent/index.ts';
import { parseCharacterJson, readCharacterFile } from '../character/index.ts';
import {
  BIG_FIVE, bigFiveLabels, evaluatePersonality, personalityAlignment, questionnaireFrom, type PersonalityAlignment, type PersonalityResult,
} from '../eval/index.ts';
import { createLanguageModel, createModelRuntime, formatModelSpec, resolveModelSpec } from '../llm/index.ts';
import { STRATEGIES, type Strategy } from '../memory/index.ts';
import type { Store } from '../store/index.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { prepareModels } from './local-models.ts';
import { memoryModels, type MemoryModelFlags } from './memory-models.ts';
import { nonNegativeInt } from './option-values.ts';

export interface EvalFlags {
  character: string;
  card?: string;
  model?: string;
  evaluatorModel?: string;
  questionnaire?: string;
  strategy?: string;
  baseline?: string;
  labels?: string;
  seed?: string;
  json?: boolean;
}

interface Condition {
  name: string;
  strategy?: Strategy;
  result: PersonalityResult;
  alignment: PersonalityAlignment;
}

/** `dramatis memory eval`: the same interview under the baseline and the emotional strategy, side by side. */
export async function runPersonalityEval(options: MemoryModelFlags & EvalFlags, io: CliIo, store: Store, maxBytes?: number): Promise<void> {
  const strategy = strategyOption(options.strategy ?? 'c-a', '--strategy');
  const baseline = options.baseline === 'none' ? undefined : strategyOption(options.baseline ?? 'semantic', '--baseline');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const questionnaire = questionnaireFrom(options.questionnaire ?? 'bfi', (path) => readFileSync(resolve(io.cwd, path), 'utf8'));
  const character = options.card
    ? (await readCharacterFile(resolve(io.cwd, options.card), { maxBytes })).character
    : parseCharacterJson({ name: options.character }, { path: '--character' }).character;
  const labelValues = options.labels ? parseLabels(options.labels) : character.bigFive;
  if (!labelValues) throw new UsageError(`no Big Five labels: give a card with bigFive, or --labels openness=0.8,...`);
  const labels = bigFiveLabels(labelValues, questionnaire.range);

  const runtime = createModelRuntime();
  const [spec, evaluatorSpec] = await prepareModels([
    formatModelSpec(resolveModelSpec({ model: options.model, env: io.env })),
    ...(options.evaluatorModel ? [options.evaluatorModel] : []),
  ], io);
  const make = (model: string) => createLanguageModel(model, { env: io.env, runtime, baseURL: options.baseUrl, store, cache: options.cache });
  const model = make(spec!);
  const evaluator = evaluatorSpec ? make(evaluatorSpec) : model;
  const models = await memoryModels({ ...options, emotionModel: options.emotionModel ?? spec }, io, store);

  const conditions: Condition[] = [];
  for (const [name, condition] of [[baseline ?? 'none', baseline], [strategy, strategy]] as const) {
    const memory = condition
      ? new AgentMemory(options.character, { store: store.memories, strategy: condition, write: false, ...models })
      : undefined;
    writeLine(io.stderr, `interviewing ${character.name} (${name}): ${questionnaire.items.length} questions`);
    const result = await evaluatePersonality({
      character: { ...character, name: options.character }, model, evaluator, questionnaire, memory, seed,
      onProgress: (done, total) => { if (done % 10 === 0 || done === total) writeLine(io.stderr, `  ${done}/${total}`); },
    });
    const scores = Object.fromEntries(result.dimensions.map((d) => [d.dimension, d.score]));
    conditions.push({ name, strategy: condition, result, alignment: personalityAlignment([{ scores, labels }], questionnaire.range) });
  }
  if (options.json) return printJson(io, { character: options.character, questionnaire: questionnaire.name, source: questionnaire.source, range: questionnaire.range, labels, conditions });
  printComparison(conditions, labels, questionnaire.dimensions, io);
}

function printComparison(conditions: Condition[], labels: Record<string, { score: number; type: string }>, dimensions: string[], io: CliIo): void {
  const width = Math.max(...dimensions.map((d) => d.length), 'full profile'.length);
  writeLine(io.stdout, `${'DIMENSION'.padEnd(width)}  LABEL     ${conditions.map((c) => c.name.padStart(10)).join('  ')}`);
  for (const dimension of dimensions) {
    const label = labels[dimension];
    const scores = conditions.map((c) => {
      const score = c.result.dimensions.find((d) => d.dimension === dimension)?.score;
      return (score === undefined ? '-' : score.toFixed(2)).padStart(10);
    });
    writeLine(io.stdout, `${dimension.padEnd(width)}  ${(label ? `${label.score.toFixed(2)} ${label.type}` : '-').padEnd(8)}  ${scores.join('  ')}`);
  }
  const row = (name: string, value: (a: PersonalityAlignment) => number) =>
    writeLine(io.stdout, `${name.padEnd(width)}  ${''.padEnd(8)}  ${conditions.map((c) => value(c.alignment).toFixed(3).padStart(10)).join('  ')}`);
  row('accuracy', (a) => a.singleAccuracy.all ?? Number.NaN);
  row('full profile', (a) => a.fullAccuracy);
  row('MSE', (a) => a.mse.all ?? Number.NaN);
  row('MAE', (a) => a.mae.all ?? Number.NaN);
}

function strategyOption(value: string, flag: string): Strategy {
  if (!(STRATEGIES as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${STRATEGIES.join(', ')}${flag === '--baseline' ? ', none' : ''}, not '${value}'`);
  return value as Strategy;
}

function parseLabels(value: string): Partial<Record<(typeof BIG_FIVE)[number], number>> {
  const labels: Partial<Record<(typeof BIG_FIVE)[number], number>> = {};
  for (const pair of value.split(',')) {
    const [key, raw] = pair.split('=').map((part) => part.trim());
    const number = Number(raw);
    if (!(BIG_FIVE as readonly string[]).includes(key ?? '') || !Number.isFinite(number) || number < 0 || number > 1) {
      throw new UsageError(`--labels takes ${BIG_FIVE.join(', ')} each =0..1, comma-separated; '${pair}' is not one`);
    }
    labels[key as (typeof BIG_FIVE)[number]] = number;
  }
  return labels;
}
