import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  comparePairwise, createJudge, createPairwiseScorer, pairwiseOutcome, type Judge, type JudgeRequest, type PairwiseVerdict,
} from '../../src/eval/judges/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { fakeJudgeModel, fencedCandidates, fencedContext, item, messageText } from './judges-support.ts';

let respond: (request: FakeRequest) => FakeReply | undefined = () => undefined;
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ handler: (request) => respond(request) });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.reset();
  respond = () => undefined;
});

/** A fair judge: prefers the candidate whose text says GOOD, ties when both or neither do. */
function fairJudge(request: FakeRequest): FakeReply {
  const { A, B } = fencedCandidates(messageText(request, 'user'));
  const a = A.includes('GOOD');
  const b = B.includes('GOOD');
  return { json: { critique: 'Compared both.', winner: a === b ? 'tie' : a ? 'A' : 'B' } };
}

const context = { question: 'Who keeps the light?' };

describe('comparePairwise over HTTP', () => {
  const judge = () => createJudge(fakeJudgeModel(fake), { name: 'fake-judge', temperature: 0 });

  it('asks both orders and counts a preference both agree on', async () => {
    respond = fairJudge;
    const result = await comparePairwise(judge(), { context, first: 'GOOD: Ilse keeps it.', second: 'No idea.', seed: 3 });
    expect(result.outcome).toBe('first');
    expect(result.verdicts.map((v) => v.verdict?.winner)).toEqual(['A', 'B']);
    const shown = fake.chatRequests().map((r) => fencedCandidates(messageText(r, 'user')));
    expect(shown).toContainEqual({ A: 'GOOD: Ilse keeps it.', B: 'No idea.' });
    expect(shown).toContainEqual({ A: 'No idea.', B: 'GOOD: Ilse keeps it.' });
    expect(fake.chatRequests().every((r) => r.body.seed === 3)).toBe(true);

    const swapped = await comparePairwise(judge(), { context, first: 'No idea.', second: 'GOOD: Ilse keeps it.', seed: 3 });
    expect(swapped.outcome).toBe('second');
    const tie = await comparePairwise(judge(), { context, first: 'GOOD one', second: 'GOOD two' });
    expect(tie.outcome).toBe('tie');
  });

  it('finds a position-biased judge that always says A inconsistent', async () => {
    respond = () => ({ json: { critique: 'A is better.', winner: 'A' } });
    const result = await comparePairwise(judge(), { context, first: 'GOOD: Ilse keeps it.', second: 'No idea.' });
    expect(result.outcome).toBe('inconsistent');
    expect(result.verdicts.map((v) => v.verdict?.winner)).toEqual(['A', 'A']);
  });

  it('is unjudged when one order stays malformed after its repair', async () => {
    respond = (request) => (fencedCandidates(messageText(request, 'user')).A === 'No idea.' ? { text: 'B, clearly.' } : fairJudge(request));
    const result = await comparePairwise(judge(), { context, first: 'GOOD: Ilse keeps it.', second: 'No idea.' });
    expect(result.outcome).toBe('unjudged');
    expect(result.verdicts[1]).toMatchObject({ raw: 'B, clearly.', error: expect.stringMatching(/^malformed verdict/) });
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('scores an answer against the reference: win, then a biased judge gives no win rate and consistency 0', async () => {
    const scorer = createPairwiseScorer({ name: 'pairwise', task: 'Which answer is more accurate?' });
    respond = fairJudge;
    const win = await scorer.score({ item: item({ reference: 'Someone.' }), answer: 'GOOD: Ilse keeps it.', judge: judge(), seed: 1 });
    expect(win.values).toEqual({ win_rate: 1, consistency: 1 });
    expect(win.verdict).toMatchObject({ judge: 'fake-judge', outcome: 'first', orders: [{ winner: 'A' }, { winner: 'B' }] });
    const request = fake.chatRequests()[0];
    expect(messageText(request, 'system')).toContain('Which answer is more accurate?');
    expect(fencedContext(messageText(request, 'user'))).toEqual({ question: 'Who keeps the light?' });
    expect(messageText(request, 'user')).not.toContain('label="reference"');

    respond = () => ({ json: { critique: 'A.', winner: 'A' } });
    const biased = await scorer.score({ item: item(), answer: 'Ilse.', judge: judge() });
    expect(biased.values).toEqual({ win_rate: null, consistency: 0 });
    expect(biased.unjudged).toBeUndefined();
  });
});

describe('pairwise outcome and scorer values', () => {
  const v = (winner: PairwiseVerdict['winner']): PairwiseVerdict => ({ critique: '', winner });

  it('maps the two orders to an outcome', () => {
    expect(pairwiseOutcome(v('A'), v('B'))).toBe('first');
    expect(pairwiseOutcome(v('B'), v('A'))).toBe('second');
    expect(pairwiseOutcome(v('tie'), v('tie'))).toBe('tie');
    expect(pairwiseOutcome(v('A'), v('A'))).toBe('inconsistent');
    expect(pairwiseOutcome(v('B'), v('B'))).toBe('inconsistent');
    expect(pairwiseOutcome(v('A'), v('tie'))).toBe('inconsistent');
    expect(pairwiseOutcome(undefined, v('B'))).toBe('unjudged');
  });

  it('gives win 1, tie 0.5, loss 0, null when inconsistent or unjudged', async () => {
    /** A stub judge answering each order from a script keyed by which text is A. */
    const scripted = (byA: Record<string, PairwiseVerdict['winner'] | undefined>): Judge => ({
      model: 'stub',
      async ask<T>(request: JudgeRequest<T>) {
        const winner = byA[request.candidates.A];
        return winner ? { verdict: { critique: '', winner } as T, raw: '', repaired: false } : { raw: 'x', repaired: false, error: 'malformed' };
      },
    });
    const scorer = createPairwiseScorer({ name: 'pairwise' });
    const run = (byA: Record<string, PairwiseVerdict['winner'] | undefined>) =>
      scorer.score({ item: item({ reference: 'ref' }), answer: 'ans', judge: scripted(byA) });
    expect((await run({ ans: 'A', ref: 'B' })).values).toEqual({ win_rate: 1, consistency: 1 });
    expect((await run({ ans: 'tie', ref: 'tie' })).values).toEqual({ win_rate: 0.5, consistency: 1 });
    expect((await run({ ans: 'B', ref: 'A' })).values).toEqual({ win_rate: 0, consistency: 1 });
    expect((await run({ ans: 'A', ref: 'A' })).values).toEqual({ win_rate: null, consistency: 0 });
    const unjudged = await run({ ans: 'A' });
    expect(unjudged.values).toEqual({ win_rate: null, consistency: null });
    expect(unjudged.unjudged).toBe(true);
  });

  it('needs a reference answer and a judge', async () => {
    const scorer = createPairwiseScorer({ name: 'pairwise' });
    const judge: Judge = { model: 'stub', ask: async () => ({ raw: '', repaired: false }) };
    await expect(Promise.resolve().then(() => scorer.score({ item: item({ reference: undefined }), answer: 'x', judge })))
      .rejects.toMatchObject({ code: 'eval/bad-data', message: expect.stringContaining('item i1 (record 1) has no reference answer') });
    await expect(Promise.resolve().then(() => scorer.score({ item: item(), answer: 'x' })))
      .rejects.toMatchObject({ code: 'eval/bad-definition', message: expect.stringContaining('--judge MODEL') });
  });
});
