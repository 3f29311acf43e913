// The trust game's book-keeping (issue 16, trust-game kind): amounts are checked and payoffs computed here, by the
// engine, never read from a model's text. Each round the investor, holding the endowment, sends 0..endowment; the
// trustee receives it multiplied and returns 0..what it received. Before playing, each states privately what it
// expects the other to do; the belief error is the distance between that and what the other then played.

export interface TrustGameTerms {
  endowment: number;
  /** What the trustee receives per unit sent (the paper's 3). */
  multiplier: number;
}

/** One finished round. */
export interface TrustRound {
  round: number;
  sent: number;
  /** `sent × multiplier`. */
  received: number;
  returned: number;
  investorPayoff: number;
  trusteePayoff: number;
  /** The investor's stated expectation of what the trustee returns. */
  investorExpects?: number;
  /** The trustee's stated expectation of what the investor sends. */
  trusteeExpects?: number;
}

/** An amount a player may play: a finite number from 0 to what it holds (whole units when the game's are whole). */
export function checkAmount(amount: unknown, holds: number, whole: boolean): { ok: true; value: number } | { ok: false; reason: string } {
  const value = typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : amount;
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: `the amount must be a number, not ${JSON.stringify(amount)}` };
  if (value < 0) return { ok: false, reason: `the amount ${value} is below 0` };
  if (value > holds) return { ok: false, reason: `the amount ${value} is more than the ${holds} held` };
  if (whole && !Number.isInteger(value)) return { ok: false, reason: `the amount ${value} is not a whole number` };
  return { ok: true, value };
}

/** The rounds of one episode, played in order: `send`, then `giveBack`, then the next round. */
export class TrustLedger {
  private readonly done: TrustRound[] = [];
  private pending?: { sent: number; investorExpects?: number; trusteeExpects?: number };
  private readonly whole: boolean;

  constructor(readonly terms: TrustGameTerms) {
    if (!(terms.endowment > 0) || !(terms.multiplier > 0)) throw new RangeError('the endowment and the multiplier must be positive');
    this.whole = Number.isInteger(terms.endowment) && Number.isInteger(terms.multiplier);
  }

  get rounds(): readonly TrustRound[] { return this.done; }

  /** The investor sends; refused (nothing recorded) when the amount is not 0..endowment. */
  send(amount: unknown, beliefs: { investorExpects?: number; trusteeExpects?: number } = {}): { ok: true; received: number } | { ok: false; reason: string } {
    if (this.pending) return { ok: false, reason: 'the trustee has not returned yet this round' };
    const checked = checkAmount(amount, this.terms.endowment, this.whole);
    if (!checked.ok) return checked;
    this.pending = { sent: checked.value, ...beliefs };
    return { ok: true, received: checked.value * this.terms.multiplier };
  }

  /** The trustee returns; refused (nothing recorded) when the amount is not 0..received. */
  giveBack(amount: unknown): { ok: true; round: TrustRound } | { ok: false; reason: string } {
    if (!this.pending) return { ok: false, reason: 'the investor has not sent yet this round' };
    const received = this.pending.sent * this.terms.multiplier;
    const checked = checkAmount(amount, received, this.whole);
    if (!checked.ok) return checked;
    const { sent, investorExpects, trusteeExpects } = this.pending;
    const round: TrustRound = {
      round: this.done.length + 1, sent, received, returned: checked.value,
      investorPayoff: this.terms.endowment - sent + checked.value,
      trusteePayoff: received - checked.value,
      ...(investorExpects === undefined ? {} : { investorExpects }),
      ...(trusteeExpects === undefined ? {} : { trusteeExpects }),
    };
    this.done.push(round);
    this.pending = undefined;
    return { ok: true, round };
  }

  /** The episode's figures: per round and totals, and each player's mean belief error where beliefs were stated. */
  figures(): Record<string, number> {
    const figures: Record<string, number> = {};
    const errors = { investor: [] as number[], trustee: [] as number[] };
    for (const r of this.done) {
      figures[`sent.r${r.round}`] = r.sent;
      figures[`returned.r${r.round}`] = r.returned;
      if (r.investorExpects !== undefined) errors.investor.push(Math.abs(r.investorExpects - r.returned));
      if (r.trusteeExpects !== undefined) errors.trustee.push(Math.abs(r.trusteeExpects - r.sent));
    }
    const sum = (pick: (r: TrustRound) => number) => this.done.reduce((total, r) => total + pick(r), 0);
    figures.rounds = this.done.length;
    figures.sent = sum((r) => r.sent);
    figures.returned = sum((r) => r.returned);
    figures.investorPayoff = sum((r) => r.investorPayoff);
    figures.trusteePayoff = sum((r) => r.trusteePayoff);
    // Share of what the trustee received that it gave back (0 when nothing was sent).
    figures.returnRate = figures.sent === 0 ? 0 : figures.returned / (figures.sent * this.terms.multiplier);
    if (errors.investor.length) figures.investorBeliefError = errors.investor.reduce((a, b) => a + b, 0) / errors.investor.length;
    if (errors.trustee.length) figures.trusteeBeliefError = errors.trustee.reduce((a, b) => a + b, 0) / errors.trustee.length;
    return figures;
  }
}
