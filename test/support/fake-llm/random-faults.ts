import { createHash } from 'node:crypto';
import type { FakeFault, FakeReply, FakeRequest } from './types.ts';

/** Kinds of fault the fake injects at random, in the order their rates are stacked. */
export const RANDOM_FAULT_KINDS = ['rateLimit', 'serverError', 'truncate', 'invalidJson', 'hang'] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

/**
 * Random faults on chat completions: each rate is the chance (0–1) that one request gets that fault.
 * Draws are a hash of the seed, the request body and how often that same body was seen before, so a run
 * meets the same faults however its concurrent requests interleave, and a retry of a request draws anew.
 */
export interface FakeFaultRates extends Partial<Record<RandomFaultKind, number>> {
  /** Default 0. */
  seed?: number;
  /** What a random 429 or 500 asks the client to wait, as `retry-after-ms` (default 50; real servers send it on both). */
  retryAfterMs?: number;
}

/** The names `--faults` takes for each kind (`429:0.3,500:0.1,trunc:0.05,badjson:0.1,hang:0.01`). */
const FLAG_NAMES: Record<string, RandomFaultKind> = { 429: 'rateLimit', 500: 'serverError', trunc: 'truncate', badjson: 'invalidJson', hang: 'hang' };

/** Parses `429:0.3,500:0.1,trunc:0.05,badjson:0.1`; throws a message naming the bad part. */
export function parseFaultRates(text: string): FakeFaultRates {
  const rates: FakeFaultRates = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split(':');
    const kind = FLAG_NAMES[name];
    if (!kind || extra !== undefined) throw new Error(`--faults: '${part}' is not NAME:RATE with NAME one of ${Object.keys(FLAG_NAMES).join(', ')}`);
    const rate = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`--faults: the rate in '${part}' must be a number from 0 to 1`);
    rates[kind] = rate;
  }
  checkRates(rates);
  return rates;
}

function checkRates(rates: FakeFaultRates): void {
  const total = RANDOM_FAULT_KINDS.reduce((sum, kind) => sum + (rates[kind] ?? 0), 0);
  if (total > 1 + 1e-9) throw new Error(`fault rates add up to ${total}; they are chances of one request and must add up to at most 1`);
}

export interface RandomFaults {
  /** The fault for this request (replacing the reply it would have had), or undefined to answer normally. */
  draw(request: FakeRequest, content: () => string, reply: FakeReply | undefined): FakeReply | undefined;
  /** Faults injected so far, per kind. */
  readonly counts: Record<RandomFaultKind, number>;
  reset(): void;
}

/** Draws random faults at the given rates (see {@link FakeFaultRates}). */
export function randomFaults(rates: FakeFaultRates): RandomFaults {
  checkRates(rates);
  const seen = new Map<string, number>();
  const counts = zeroCounts();
  return {
    counts,
    reset() {
      seen.clear();
      Object.assign(counts, zeroCounts());
    },
    draw(request, content, reply) {
      const body = createHash('sha256').update(request.path).update('\u0000').update(request.rawBody).digest('hex');
      const occurrence = seen.get(body) ?? 0;
      seen.set(body, occurrence + 1);
      const digest = createHash('sha256').update(`${rates.seed ?? 0}\u0000${occurrence}\u0000${body}`).digest();
      let u = digest.readUInt32BE(0) / 2 ** 32;
      for (const kind of RANDOM_FAULT_KINDS) {
        u -= rates[kind] ?? 0;
        if (u < 0) {
          counts[kind]++;
          return { ...timingOf(reply), ...faultFor(kind, content, rates) };
        }
      }
      return undefined;
    },
  };
}

function faultFor(kind: RandomFaultKind, content: () => string, rates: FakeFaultRates): FakeFault {
  switch (kind) {
    case 'rateLimit': return { fault: 'rate-limit', retryAfterMs: rates.retryAfterMs ?? 50 };
    case 'serverError': return { fault: 'server-error', status: 500, retryAfterMs: rates.retryAfterMs ?? 50 };
    case 'invalidJson': return { fault: 'invalid-json' };
    case 'hang': return { fault: 'hang' };
    case 'truncate': {
      // Cut mid-reply, after some output: a client cannot retry such a call unseen, as with a real proxy cut.
      const text = content();
      return { fault: 'truncate', text, afterChars: Math.max(1, Math.floor(text.length / 2)) };
    }
  }
}

function timingOf(reply: FakeReply | undefined): Pick<FakeReply, 'delayMs' | 'chunkSize' | 'chunkDelayMs'> {
  return reply ? { delayMs: reply.delayMs, chunkSize: reply.chunkSize, chunkDelayMs: reply.chunkDelayMs } : {};
}

function zeroCounts(): Record<RandomFaultKind, number> {
  return { rateLimit: 0, serverError: 0, truncate: 0, invalidJson: 0, hang: 0 };
}
