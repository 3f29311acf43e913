import { describe, expect, it } from 'vitest';
import { checkAmount, TrustLedger } from '../../src/scene/rules/trust-ledger.ts';

// Issue 16 (trust-game): amounts checked and payoffs computed by the engine; figures computed by hand here.

describe('the trust game ledger', () => {
  it('computes payoffs and belief errors from the amounts played (by hand: endowment 10, multiplier 3)', () => {
    const ledger = new TrustLedger({ endowment: 10, multiplier: 3 });
    expect(ledger.send(4, { investorExpects: 6, trusteeExpects: 5 })).toEqual({ ok: true, received: 12 });
    expect(ledger.giveBack(5)).toMatchObject({ ok: true, round: { round: 1, sent: 4, received: 12, returned: 5, investorPayoff: 11, trusteePayoff: 7 } });
    expect(ledger.send('10', { investorExpects: 15, trusteeExpects: 8 })).toEqual({ ok: true, received: 30 });
    expect(ledger.giveBack(15)).toMatchObject({ ok: true, round: { investorPayoff: 15, trusteePayoff: 15 } });
    expect(ledger.figures()).toEqual({
      'sent.r1': 4, 'returned.r1': 5, 'sent.r2': 10, 'returned.r2': 15,
      rounds: 2, sent: 14, returned: 20, investorPayoff: 26, trusteePayoff: 22,
      returnRate: 20 / 42,
      investorBeliefError: (1 + 0) / 2, // |6 − 5|, |15 − 15|
      trusteeBeliefError: (1 + 2) / 2, // |5 − 4|, |8 − 10|
    });
  });

  it('refuses amounts outside 0..held, not numbers or not whole, and out-of-order moves, recording nothing', () => {
    const ledger = new TrustLedger({ endowment: 10, multiplier: 3 });
    expect(ledger.giveBack(1)).toEqual({ ok: false, reason: 'the investor has not sent yet this round' });
    expect(ledger.send(11)).toEqual({ ok: false, reason: 'the amount 11 is more than the 10 held' });
    expect(ledger.send(-1)).toEqual({ ok: false, reason: 'the amount -1 is below 0' });
    expect(ledger.send(2.5)).toEqual({ ok: false, reason: 'the amount 2.5 is not a whole number' });
    expect(ledger.send('all of it')).toEqual({ ok: false, reason: 'the amount must be a number, not "all of it"' });
    expect(ledger.send(Number.NaN)).toMatchObject({ ok: false });
    expect(ledger.rounds).toEqual([]);
    expect(ledger.send(2)).toMatchObject({ ok: true, received: 6 });
    expect(ledger.send(2)).toEqual({ ok: false, reason: 'the trustee has not returned yet this round' });
    expect(ledger.giveBack(7)).toEqual({ ok: false, reason: 'the amount 7 is more than the 6 held' });
    expect(ledger.giveBack(0)).toMatchObject({ ok: true, round: { investorPayoff: 8, trusteePayoff: 6 } });
    expect(ledger.figures()).toMatchObject({ rounds: 1, returnRate: 0 });
    expect(ledger.figures()).not.toHaveProperty('investorBeliefError');
  });

  it('takes fractional amounts when the endowment is fractional', () => {
    expect(checkAmount(2.5, 7.5, false)).toEqual({ ok: true, value: 2.5 });
    expect(() => new TrustLedger({ endowment: 0, multiplier: 3 })).toThrow(RangeError);
  });
});
