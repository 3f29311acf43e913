import type { LanguageModelV3 } from '@ai-sdk/provider';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { toJsonSchema } from '../../src/llm/structured-output/index.ts';
import { beyondOneWorldDilemmaBenchmark } from '../../src/eval/benchmarks/beyond-one-world-dilemma.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import type { BenchItem } from '../../src/eval/item.ts';
import type { Judge, JudgeRequest, JudgeVerdict } from '../../src/eval/judges/types.ts';
import { beyondOneWorldDilemmaLoader } from '../../src/eval/loaders/beyond-one-world.ts';
import { createJudge } from '../../src/eval/judges/create-judge.ts';
import { modelReply } from '../../src/eval/model-reply.ts';
import { fencedCandidates, fencedContext } from './judges-support.ts';
import { parseThinkAct } from '../../src/eval/scorers/parse-think-act.ts';
import { bestPairSimilarity, cosine, createThinkActScorer, type ThinkActVerdict } from '../../src/eval/scorers/think-act.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

describe('parseThinkAct', () => {
  it.each([
    ['<thinking>Pepper would never forgive me.</thinking>\n<acting>B) I pull the reactor.</acting>', 'Pepper would never forgive me.', 'B) I pull the reactor.', 'tags'],
    ['<think>weigh it</think><act>A</act>', 'weigh it', 'A', 'tags'],
    ['<reasoning>\n  the town first\n</reasoning>\n\n<action>\nI hold the wall.\n</action>', 'the town first', 'I hold the wall.', 'tags'],
    ['<THINKING>loud</THINKING><Decision>B</Decision>', 'loud', 'B', 'tags'],
    ['<thinking>first</thinking><acting>one</acting><thinking>second</thinking><acting>two</acting>', 'first\n\nsecond', 'one\n\ntwo', 'tags (2 pairs)'],
    ['<thinking>closed the way the prompt writes it<thinking/><acting>A, I fly upstream.', 'closed the way the prompt writes it', 'A, I fly upstream.', 'tags'],
    ['<thinking>no closer <acting>B: I stay.</acting>', 'no closer', 'B: I stay.', 'tags'],
    ['```json\n{"reasoning": "Duty first.", "action": "A: I answer the call."}\n```', 'Duty first.', 'A: I answer the call.', 'JSON fields'],
    ['{"thinking": "t", "acting": "a"}', 't', 'a', 'JSON fields'],
    ['{"thought": "t", "final_decision": "B"}', 't', 'B', 'JSON fields'],
    ['Reasoning: The valley has thousands.\nMy brother would understand.\nAction: B. I brace the dam.', 'The valley has thousands.\nMy brother would understand.', 'B. I brace the dam.', 'headings'],
    ['## Thinking\nI was built for this.\n\n## Acting\nI take the army.', 'I was built for this.', 'I take the army.', 'headings'],
    ['**Thinking:** quiet\n**Decision:** A', 'quiet', 'A', 'headings'],
    ['**Internal deliberation**\nhmm\n__Action__\nwalk away', 'hmm', 'walk away', 'headings'],
    ['<think>the hidden chain of a reasoning model</think>\nI choose A and fly upstream.', 'the hidden chain of a reasoning model', 'I choose A and fly upstream.', 'a reasoning block and the text after it'],
    ['<think>native</think>\nThinking: mine\nAction: A', 'mine', 'A', 'headings'],
    ['<thinking>tagged</thinking>\nDecision: B', 'tagged', 'B', 'a tag and a heading'],
    ['Thinking: headed\n<acting>A</acting>', 'headed', 'A', 'a tag and a heading'],
  ])('reads %j', (answer, reasoning, action, how) => {
    const parsed = parseThinkAct(answer);
    expect(parsed).toEqual({ ok: true, reasoning, action, how, pairs: expect.any(Array) });
    if (parsed.ok && !how.includes('pairs')) expect(parsed.pairs).toEqual([{ reasoning, action }]);
  });

  it('pairs the i-th reasoning block with the i-th action block, as the authors zip them', () => {
    const parsed = parseThinkAct('<thinking>t1</thinking><acting>a1</acting>\n<thinking>t2</thinking><acting>a2</acting>\n<thinking>t3, no partner</thinking>');
    expect(parsed).toMatchObject({ ok: true, how: 'tags (2 pairs)', pairs: [{ reasoning: 't1', action: 'a1' }, { reasoning: 't2', action: 'a2' }] });
    expect(parsed).toMatchObject({ reasoning: 't1\n\nt2\n\nt3, no partner', action: 'a1\n\na2' });
  });

  it.each([
    ['', 'the answer is empty'],
    ['I would save them all, obviously.', 'no reasoning and no action found'],
    ['<thinking>only thinking</thinking>', 'reasoning but no action found'],
    ['<acting>I just act.</acting>', 'an action but no reasoning found'],
    ['Choice A: fly upstream. Choice B: hold the dam.', 'no reasoning and no action found'],
    ['{"answer": "A"}', 'no reasoning and no action found'],
    ['<thinking>   </thinking><acting>A</acting>', 'an action but no reasoning found'],
    ['Reasoning is overrated. I fly upstream.', 'no reasoning and no action found'],
  ])('refuses %j', (answer, reason) => {
    const parsed = parseThinkAct(answer);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.startsWith(reason)).toBe(true);
  });
});

const item: BenchItem = {
  id: 'dilemma/1/x',
  record: 1,
  vars: {
    name: 'Mara Vance “Ironclad”',
    lore: 'Comics, earth 616',
    attributes: 'Age:41',
    dilemma: 'The dam breaks.\nChoice A: save her brother Consequence A: the town floods\nChoice B: hold the dam Consequence B: her brother drowns',
    question: 'What will you choose between A) Save the One You Love vs B) Save the Greater Good',
  },
  categories: { task: 'dilemma' },
  meta: { choices: ['Fly upstream to save her brother.', 'Hold the dam to save the town.'] },
};

/** A judge object that returns scripted verdicts and records what it was asked. */
function fakeJudge(...verdicts: (ThinkActVerdict | undefined)[]): Judge & { requests: JudgeRequest<unknown>[] } {
  const requests: JudgeRequest<unknown>[] = [];
  return {
    model: 'fake-judge',
    requests,
    async ask<T>(request: JudgeRequest<T>): Promise<JudgeVerdict<T>> {
      requests.push(request as JudgeRequest<unknown>);
      const verdict = verdicts.shift();
      return verdict === undefined
        ? { raw: 'not json', repaired: false, error: 'malformed verdict after one repair' }
        : { verdict: verdict as T, raw: JSON.stringify(verdict), repaired: false };
    },
  };
}

const matching = { critique: 'argues for the town, holds the dam', thinking_score: 4, acting_score: 5, match: true };
const mismatching = { critique: 'argues for the town, then flies to the brother', thinking_score: 3, acting_score: 1, match: false };

describe('think-act scorer', () => {
  const scorer = createThinkActScorer({ name: 'think-act' });

  it('scores a matching answer and reads the choice by rule', async () => {
    const judge = fakeJudge(matching);
    const score = await scorer.score({ item, judge, answer: '<thinking>Thousands live below the dam.</thinking><acting>B. I hold the dam.</acting>', seed: 7 });
    expect(score.values).toEqual({ think_act_match: 1, thinking_score: 4, acting_score: 5, choice_stated: 1, chose_a: 0, invalid_rate: 0 });
    expect(score.unjudged).toBeUndefined();
    expect(score.invalid).toBeUndefined();
    expect(score.verdict).toEqual({ ...matching, repaired: false });
    expect(score.extraction).toMatch(/^reasoning \(29 chars\) and action \(18 chars\) read from tags; the action takes choice B \(by /);
    expect(judge.requests).toHaveLength(1);
    expect(judge.requests[0]).toMatchObject({
      candidates: { reasoning: 'Thousands live below the dam.', action: 'B. I hold the dam.' },
      context: { character: 'Mara Vance “Ironclad”, from Comics, earth 616, Age:41', situation: item.vars.dilemma, question: item.vars.question },
      seed: 7,
    });
    expect(judge.requests[0].task).toContain('Think-Act Matching');
  });

  it('scores a mismatching answer as 0, and reads a choice named by its text', async () => {
    const score = await scorer.score({ item, judge: fakeJudge(mismatching), answer: 'Reasoning: the town matters most.\nAction: I fly upstream to save her brother.' });
    expect(score.values).toEqual({ think_act_match: 0, thinking_score: 3, acting_score: 1, choice_stated: 1, chose_a: 1, invalid_rate: 0 });
  });

  it('marks a malformed verdict unjudged: judged metrics null, never a match or a mismatch', async () => {
    const score = await scorer.score({ item, judge: fakeJudge(undefined), answer: '<thinking>hm</thinking><acting>I wait.</acting>' });
    expect(score.unjudged).toBe(true);
    expect(score.values).toEqual({ think_act_match: null, thinking_score: null, acting_score: null, choice_stated: 0, chose_a: null, invalid_rate: 0 });
    expect(score.verdict).toEqual({ error: 'malformed verdict after one repair', raw: 'not json' });
  });

  it('marks an unreadable answer invalid without asking the judge', async () => {
    const judge = fakeJudge(matching);
    const score = await scorer.score({ item, judge, answer: 'I would save everyone.' });
    expect(score.invalid).toBe(true);
    expect(score.values).toEqual({ think_act_match: null, thinking_score: null, acting_score: null, choice_stated: null, chose_a: null, invalid_rate: 1 });
    expect(score.extraction).toMatch(/^unreadable: no reasoning and no action found/);
    expect(judge.requests).toHaveLength(0);
  });

  it('reads the choice through the shown option order when the item has options instead of choices', async () => {
    const withOptions: BenchItem = { ...item, meta: {}, options: ['save the brother', 'hold the dam'] };
    const score = await scorer.score({ item: withOptions, judge: fakeJudge(matching), order: [1, 0], answer: '<thinking>t</thinking><acting>A</acting>' });
    expect(score.values).toMatchObject({ choice_stated: 1, chose_a: 0 });
    const plain: BenchItem = { ...item, meta: {} };
    expect((await scorer.score({ item: plain, judge: fakeJudge(matching), answer: '<thinking>t</thinking><acting>A</acting>' })).values).toMatchObject({ choice_stated: null, chose_a: null });
  });

  it('is a definition error without a judge, and with unknown options', async () => {
    const error = await Promise.resolve(scorer.score({ item, answer: '<thinking>t</thinking><acting>A</acting>' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvalError);
    expect(error).toMatchObject({ code: 'eval/bad-definition' });
    expect((error as Error).message).toContain('scorer think-act needs a judge model');
    expect(() => createThinkActScorer({ name: 'think-act', dimensions: ['x'] })).toThrow(EvalError);
    expect(scorer.metrics.map((m) => m.name)).toEqual(['think_act_match', 'thinking_score', 'acting_score', 'choice_stated', 'chose_a', 'invalid_rate']);
  });
});

describe('think-act by embedding', () => {
  /** Vectors by text: the reasoning points one way, an agreeing action nearby, a contradicting one away. */
  const vectors: Record<string, number[]> = {
    'Thousands live below the dam.': [1, 0, 0],
    'B. I hold the dam.': [0.8, 0.6, 0],
    'A. I fly away.': [-0.6, 0.8, 0],
  };
  const embed = async (texts: string[]) => texts.map((text) => vectors[text]);

  it('scores the cosine of reasoning and action, with or without the judge', async () => {
    const embedding = createThinkActScorer({ name: 'think-act', method: 'embedding' });
    expect(embedding.requiresJudge).toBe(false);
    expect(embedding.requiresEmbedding).toBe(true);
    expect(embedding.metrics.map((m) => m.name)).toEqual(['think_act_similarity', 'choice_stated', 'chose_a', 'invalid_rate']);
    const agreeing = await embedding.score({ item, embed, answer: '<thinking>Thousands live below the dam.</thinking><acting>B. I hold the dam.</acting>' });
    expect(agreeing.values.think_act_similarity).toBeCloseTo(0.8, 10);
    const contradicting = await embedding.score({ item, embed, answer: '<thinking>Thousands live below the dam.</thinking><acting>A. I fly away.</acting>' });
    expect(contradicting.values.think_act_similarity).toBeCloseTo(-0.6, 10);
    const both = await createThinkActScorer({ name: 'think-act', method: 'both' }).score({ item, embed, judge: fakeJudge(matching), answer: '<thinking>Thousands live below the dam.</thinking><acting>B. I hold the dam.</acting>' });
    expect(both.values).toMatchObject({ think_act_match: 1, think_act_similarity: expect.closeTo(0.8, 10) });
  });

  it('takes the best cosine over the (thinking, acting) pairs, as the authors\' get_best_similarity does', async () => {
    // A text's vector; several blocks joined by a blank line embed as the sum of theirs (what joining would score).
    const blocks: Record<string, number[]> = { 'Save the city.': [1, 0, 0], 'A. I fly away.': [-0.6, 0.8, 0], 'Hold the line.': [0, 0, 1], 'B. I hold the dam.': [0, 0.6, 0.8] };
    const sumEmbed = async (texts: string[]) => texts.map((text) => text.split('\n\n').map((block) => blocks[block]).reduce((a, b) => a.map((x, i) => x + b[i])));
    const answer = '<thinking>Save the city.</thinking><acting>A. I fly away.</acting><thinking>Hold the line.</thinking><acting>B. I hold the dam.</acting>';
    const score = await createThinkActScorer({ name: 'think-act', method: 'embedding' }).score({ item, embed: sumEmbed, answer });
    // Pair 1: cos −0.6; pair 2: cos 0.8. The two blocks joined into one pair would give 0.2 / √(2 · 2.96) ≈ 0.082.
    expect(score.values.think_act_similarity).toBeCloseTo(0.8, 10);
    expect(cosine([1, 0, 1], [-0.6, 1.4, 0.8])).toBeCloseTo(0.0822, 4);
    expect(score.extraction).toContain('similarity the best of 2 (thinking, acting) pairs: pair 2');
    expect(await bestPairSimilarity([{ reasoning: 'Save the city.', action: 'A. I fly away.' }], sumEmbed)).toEqual({ similarity: expect.closeTo(-0.6, 10), index: 0 });
  });

  it('refuses to run without an embedding model, and an unknown method', async () => {
    const embedding = createThinkActScorer({ name: 'think-act', method: 'embedding' });
    await expect(async () => embedding.score({ item, answer: '<thinking>x</thinking><acting>y</acting>' })).rejects.toThrow(/--embedding-model/);
    expect(() => createThinkActScorer({ name: 'think-act', method: 'vibes' })).toThrow(EvalError);
  });
});

describe('think-act end to end through the fake server', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({
      handler(request) {
        if (request.path !== '/v1/chat/completions') return undefined;
        const messages = request.body.messages ?? [];
        const prompt = String(messages.at(-1)?.content ?? '');
        if (request.body.response_format?.type === 'json_schema') {
          // The judge: a match when the action takes the choice the reasoning argued for.
          const candidates = fencedCandidates(String(messages.find((m) => m.role === 'user')?.content)) as { reasoning: string; action: string };
          const argued = /town|bomber/.test(candidates.reasoning) ? 'B' : 'A';
          if (candidates.reasoning.includes('garbage')) return { fault: 'invalid-json' };
          return { json: { critique: 'compared', thinking_score: 4, acting_score: 3, match: candidates.action.startsWith(argued) } };
        }
        if (prompt.includes('Leo Park')) return { text: '<thinking>Watching everyone is what the bomber would do.</thinking>\n<acting>B. I hunt him the slow way.</acting>' };
        if (prompt.includes('A) Hero vs B) Villain')) return { text: '<thinking>garbage in</thinking><acting>A</acting>' };
        if (prompt.includes('A) Duty vs. B) Personal Desire')) return { text: 'I answer the call, obviously.' };
        return { text: '<thinking>Saving the town comes first.</thinking>\n<acting>A) I fly upstream to my brother.</acting>' };
      },
    });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  it('asks the character, parses reasoning and action, and asks the judge with the verdict schema', async () => {
    const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime(), baseURL: fake.url });
    const definition = BenchmarkDefinition.parse(beyondOneWorldDilemmaBenchmark);
    const items = await beyondOneWorldDilemmaLoader.load(join(import.meta.dirname, '../fixtures/bench/beyond-one-world'));
    const scorer = createThinkActScorer({ name: 'think-act' });
    const judge = createJudge(model, { name: 'openai-compatible:fake' });
    const scores = [];
    for (const dilemma of items) {
      const answer = await modelReply({ model, messages: renderPrompt(definition.prompt, dilemma), temperature: definition.sampling.temperature });
      scores.push(await scorer.score({ item: dilemma, answer, judge }));
    }
    expect(scores.map((s) => s.values.think_act_match)).toEqual([0, null, null, 1]);
    expect(scores.map((s) => [s.invalid ?? false, s.unjudged ?? false])).toEqual([[false, false], [false, true], [true, false], [false, false]]);
    expect(scores.map((s) => s.values.chose_a)).toEqual([1, 1, null, 0]);
    expect(scores[3].values).toEqual({ think_act_match: 1, thinking_score: 4, acting_score: 3, choice_stated: 1, chose_a: 0, invalid_rate: 0 });

    // 4 character calls + 4 judge calls: the unreadable answer is not judged, the malformed verdict is asked again once.
    const chats = fake.chatRequests();
    expect(chats).toHaveLength(8);
    const judgeCalls = chats.filter((r) => r.body.response_format?.type === 'json_schema');
    expect(judgeCalls).toHaveLength(4);
    expect(String(judgeCalls[2].body.messages?.at(-1)?.content)).toContain('Your reply could not be used');
    expect(judgeCalls[0].body.response_format?.json_schema?.name).toBe('verdict');
    expect(judgeCalls[0].body.response_format?.json_schema?.schema?.required).toEqual(['critique', 'thinking_score', 'acting_score', 'match']);
    const asked = String(judgeCalls[3].body.messages?.at(-1)?.content);
    expect(fencedCandidates(asked)).toEqual({ reasoning: 'Watching everyone is what the bomber would do.', action: 'B. I hunt him the slow way.' });
    expect(fencedContext(asked).character).toBe('Leo Park "Web-Runner", from Animated Series, Web-Runner: Neon City (2021), Age:17, Power:Web network, Mbti:ENFP');
    expect(String(chats[0].body.messages?.[0]?.content)).toContain(' <question> What will you choose between A) Save the One You Love vs B) Save the Greater Good <question/>');
  });
});
