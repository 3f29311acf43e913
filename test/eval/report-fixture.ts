import type { CategoryValue } from '../../src/eval/item.ts';
import type { BenchSummary, Breakdown, BreakdownGroup, ItemRecord, MetricSummary, ModelSummary } from '../../src/eval/results.ts';

/** A synthetic ToMATO-like run for report tests: invented numbers, three models, crossed breakdown, judged dimensions. */

export const models = ['openai:gpt-4o-mini', 'ollama:llama3.1:8b', 'openai-compatible:qwen2.5-7b-instruct'] as const;

export const judgedDimensions = ['persona_consistency', 'knowledge', 'emotional_depth', 'style_fidelity', 'engagement'] as const;

const mentalStates = ['belief', 'intention', 'desire', 'emotion', 'knowledge'] as const;

function metric(value: number, half: number, n: number): MetricSummary {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { value: round(value), low: round(Math.max(0, value - half)), high: round(Math.min(1, value + half)), n };
}

function judged(value: number, n: number): MetricSummary {
  return { value, low: Math.round((value - 0.2) * 100) / 100, high: Math.round((value + 0.2) * 100) / 100, n };
}

function group(key: Record<string, CategoryValue>, items: number, accuracy: MetricSummary): BreakdownGroup {
  return { key, label: Object.values(key).map(String).join(' · '), items, metrics: { accuracy } };
}

/** Model strength and per-state offsets make every number predictable; see the tests for hand-computed ones. */
const strength = [0.78, 0.64, 0.55];
const stateOffset: Record<string, number> = { belief: 0.05, intention: 0.02, desire: 0, emotion: -0.06, knowledge: -0.1 };

function breakdowns(modelIndex: number): Breakdown[] {
  const base = strength[modelIndex];
  const states: Breakdown = {
    by: ['mental_state'],
    groups: mentalStates.map((state) => group({ mental_state: state }, 80, metric(base + stateOffset[state], 0.09, 80))),
  };
  const order: Breakdown = {
    by: ['order'],
    groups: [1, 2].map((value) => group({ order: value }, 200, metric(base + (value === 1 ? 0.04 : -0.04), 0.06, 200))),
  };
  const falseBelief: Breakdown = {
    by: ['false_belief'],
    groups: [true, false].map((value) => group({ false_belief: value }, 200, metric(base + (value ? -0.08 : 0.08), 0.06, 200))),
  };
  const crossed: Breakdown = {
    by: ['mental_state', 'order', 'false_belief'],
    groups: mentalStates.flatMap((state) =>
      [1, 2].flatMap((value) =>
        [true, false].map((fb) =>
          group({ mental_state: state, order: value, false_belief: fb }, 20, metric(base + stateOffset[state] + (value === 1 ? 0.04 : -0.04) + (fb ? -0.08 : 0.08), 0.18, 20)),
        ),
      ),
    ),
  };
  return [states, order, falseBelief, crossed];
}

function modelSummary(index: number): ModelSummary {
  const failed = index === 2 ? 1 : 0;
  const judgedValues = [
    [4.4, 4.1, 3.8, 4.2, 3.9],
    [3.6, 3.2, 3.4, 3.1, 3.5],
    [3.2, 3.8, 2.6, 2.9, 3.0],
  ][index];
  return {
    model: models[index],
    items: 400 - failed,
    planned: 400,
    failed,
    invalid: index === 1 ? 1 : 0,
    unjudged: index === 0 ? 1 : 0,
    metrics: {
      accuracy: metric(strength[index], 0.04, 400 - failed - (index === 1 ? 1 : 0)),
      ...Object.fromEntries(judgedDimensions.map((name, d) => [name, judged(judgedValues[d], 400 - failed - (index === 0 ? 1 : 0))])),
    },
    breakdowns: breakdowns(index),
    positions: [
      [102, 98, 101, 99],
      [130, 95, 90, 84],
      [160, 90, 80, 69],
    ][index],
    usage: {
      calls: [400, 400, 399][index],
      cachedCalls: [0, 120, 0][index],
      inputTokens: [512_340, 498_120, 505_876][index],
      outputTokens: [8_012, 15_230, 9_877][index],
      ...(index === 0 ? { costUsd: 0.0816 } : {}),
    },
  };
}

export function syntheticSummary(): BenchSummary {
  return {
    runId: 'run-2025-03-01-tomato-7f3a',
    benchmark: {
      name: 'tomato',
      title: 'ToMATO: theory of mind in role-play conversations',
      loader: 'tomato',
      data: 'data/tomato/test.json',
      source: 'https://github.com/nttmdlab-nlp/ToMATO',
    },
    status: 'done',
    createdAt: '2025-03-01T14:05:09.000Z',
    seed: 7,
    judge: 'openai:gpt-4o',
    primaryMetric: 'accuracy',
    metrics: [
      { name: 'accuracy', description: 'Share of read answers that pick the correct option.', higherIsBetter: true, range: [0, 1], judged: false },
      ...judgedDimensions.map((name) => ({ name, description: `Judge score for ${name.replaceAll('_', ' ')} (1–5).`, higherIsBetter: true, range: [1, 5] as [number, number], judged: true })),
    ],
    models: [1, 0, 2].map(modelSummary),
  };
}

const options = ['She thinks the keys are in the drawer.', 'She thinks the keys are in her bag.', 'She does not care about the keys.', 'She thinks Tom took the keys.'];

function prompt(id: string): ItemRecord['attempts'][number]['prompt'] {
  return [
    { role: 'system', content: 'You answer multiple-choice questions about a conversation. Reply with the letter of the best option.' },
    {
      role: 'user',
      content: `Conversation (${id}):\nAlice: I left my keys in the drawer before the party.\nBob: (moves the keys to the shelf while Alice is away)\nAlice: Now, where did I put them...\n\nQuestion: What does Alice believe about the keys?\nA) ${options[0]}\nB) ${options[1]}\nC) ${options[2]}\nD) ${options[3]}`,
    },
  ];
}

function item(id: number, model: string, answer: string, correct: boolean | null, extra: Partial<ItemRecord> = {}): ItemRecord {
  const itemId = `tomato-${String(id).padStart(4, '0')}`;
  const state = mentalStates[id % mentalStates.length];
  const accuracy = correct === null ? null : correct ? 1 : 0;
  const scores = Object.fromEntries(judgedDimensions.map((name, d) => [name, 2 + ((id + d) % 4)]));
  return {
    itemId,
    model,
    status: 'done',
    categories: { mental_state: state, order: (id % 2) + 1, false_belief: id % 3 === 0 },
    expected: options[0],
    values: { accuracy, ...scores },
    invalid: false,
    unjudged: false,
    attempts: [
      {
        order: [0, 1, 2, 3],
        prompt: prompt(itemId),
        answer,
        extraction: correct === null ? undefined : `${correct ? 'A' : 'B'}, by "the answer is"`,
        verdict: { critique: `The reply stays in character as a careful observer (${itemId}).`, scores },
        values: { accuracy, ...scores },
      },
    ],
    ...extra,
  };
}

export const scriptAnswer = 'The answer is B. <script>alert(1)</script> </details> <img src=x onerror=alert(2)>';

/** 8 items × 3 models, with one invalid, one failed, one unjudged and one hostile answer. */
export function syntheticItems(): ItemRecord[] {
  const records: ItemRecord[] = [];
  for (let id = 1; id <= 8; id += 1) {
    for (const [index, model] of models.entries()) {
      const correct = (id + index) % 3 !== 0;
      records.push(item(id, model, correct ? 'The answer is A.' : 'The answer is B.', correct));
    }
  }
  const at = (id: number, model: string) => records.findIndex((record) => record.itemId === `tomato-${String(id).padStart(4, '0')}` && record.model === model);
  records[at(3, models[0])] = item(3, models[0], scriptAnswer, false);
  const invalid = item(7, models[1], 'Hard to say, either A or C.', null, { invalid: true });
  invalid.attempts[0].invalid = true;
  records[at(7, models[1])] = invalid;
  records[at(5, models[2])] = item(5, models[2], '', null, {
    status: 'failed',
    error: 'openai-compatible:qwen2.5-7b-instruct: HTTP 503 Service Unavailable after 3 retries',
    values: {},
    attempts: [],
  });
  const unjudged = item(2, models[0], 'The answer is A.', true, { unjudged: true });
  unjudged.values = { accuracy: 1, ...Object.fromEntries(judgedDimensions.map((name) => [name, null])) };
  unjudged.attempts[0] = { ...unjudged.attempts[0], unjudged: true, verdict: { error: 'malformed verdict after one repair', raw: '{"critique": "Good' }, values: unjudged.values };
  records[at(2, models[0])] = unjudged;
  return records;
}
