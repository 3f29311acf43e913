import { MESSAGE_FRAMING_TOKENS } from '../text/index.ts';
import type { HistoryMessage } from './history.ts';

/** A block of history replaced by its summary; blocks only ever append, so the prompt prefix stays stable. */
export interface CompactedBlock {
  /** Last event seq covered by this block. */
  throughSeq: number;
  summary: string;
  tokens: number;
}

export interface CompactionPlan {
  /** Messages to summarize (oldest first); empty when the history fits. Summarized in pieces that fit the context. */
  block: HistoryMessage[];
  /** Whether the existing summaries have grown too large and should be merged. */
  mergeSummaries: boolean;
  /** Tokens the summaries may take once compacted; above it they are merged (in pieces) until they fit or one is left. */
  summaryLimit: number;
  /** The longest summary to ask for: 400 tokens, less in a small context or a tight budget. */
  summaryOutputTokens: number;
  /** Tokens of each summary's header (see {@link BudgetInput.summaryHeaderTokens}). */
  summaryHeaderTokens: number;
}

export interface BudgetInput {
  history: readonly HistoryMessage[];
  blocks: readonly CompactedBlock[];
  contextTokens: number;
  /** Tokens of everything but history and summaries: system sheet, volatile tail, reserved output. */
  fixedTokens: number;
  /** Tokens of the header each summary message carries, as the model counts it (default: o200k's 12). */
  summaryHeaderTokens?: number;
}

/** Share of the history budget kept after a compaction: compacting to half means rare, whole-block compactions. */
const KEEP_AFTER_COMPACTION = 0.5;
/** Summaries may take at most this share of the context before they are merged. */
const SUMMARY_SHARE = 0.25;
/** Tokens charged for each message's framing in a prompt (see {@link MESSAGE_FRAMING_TOKENS}). */
export const MESSAGE_OVERHEAD_TOKENS = MESSAGE_FRAMING_TOKENS;

/** o200k's count of the header a summary message carries (`[Summary of earlier events, as you remember them]`). */
const SUMMARY_HEADER_TOKENS = 12;

/** Tokens of summaries in the prompt: each is one message with a header. */
export function summaryTokens(blocks: readonly CompactedBlock[], headerTokens = SUMMARY_HEADER_TOKENS): number {
  return blocks.reduce((sum, b) => sum + b.tokens + headerTokens + MESSAGE_OVERHEAD_TOKENS, 0);
}

/** Tokens of live history in the prompt, each message with its framing. */
export function historyTokens(history: readonly HistoryMessage[]): number {
  return history.reduce((sum, m) => sum + m.tokens + MESSAGE_OVERHEAD_TOKENS, 0);
}

/** Tokens left for live history once the fixed parts and summaries are placed. */
export function historyBudget(input: Omit<BudgetInput, 'history'>): number {
  return input.contextTokens - input.fixedTokens - summaryTokens(input.blocks, input.summaryHeaderTokens);
}

/**
 * Decides whether history must be compacted before the next prompt. When it overflows, the oldest messages
 * are cut in one block down to half of the history budget, ending on a turn boundary (before a user message)
 * where possible, so that consecutive prompts share their prefix until the next overflow.
 */
export function planCompaction(input: BudgetInput): CompactionPlan {
  // Summaries take at most a quarter of the context, and at most half of what the fixed parts leave.
  const summaryLimit = Math.max(0, Math.min(input.contextTokens * SUMMARY_SHARE, (input.contextTokens - input.fixedTokens) / 2));
  const outputTokens = Math.max(16, Math.min(summaryOutputTokens(input.contextTokens), Math.floor(summaryLimit)));
  const summaryHeaderTokens = input.summaryHeaderTokens ?? SUMMARY_HEADER_TOKENS;
  const mergeSummaries = input.blocks.length > 1 && summaryTokens(input.blocks, summaryHeaderTokens) > summaryLimit;
  const budget = historyBudget(input);
  const tokensOf = (message: HistoryMessage) => message.tokens + MESSAGE_OVERHEAD_TOKENS;
  const total = historyTokens(input.history);
  if (total <= budget) return { block: [], mergeSummaries, summaryLimit, summaryOutputTokens: outputTokens, summaryHeaderTokens };
  const target = Math.max(0, budget * KEEP_AFTER_COMPACTION);
  let kept = total;
  let cut = 0;
  // Always keep the newest message (the one being answered).
  while (cut < input.history.length - 1 && kept > target) {
    kept -= tokensOf(input.history[cut]);
    cut += 1;
  }
  // Extend to a turn boundary: the kept history should start with a user message.
  while (cut < input.history.length - 1 && input.history[cut].role === 'assistant') cut += 1;
  return { block: input.history.slice(0, cut), mergeSummaries, summaryLimit, summaryOutputTokens: outputTokens, summaryHeaderTokens };
}

/** The longest summary asked for (it shrinks with small contexts, see {@link summaryOutputTokens}). */
export const SUMMARY_OUTPUT_TOKENS_MAX = 400;

/** Tokens a summary may take: 400, or a quarter of a small context, so that a summary request always has room. */
export function summaryOutputTokens(contextTokens: number): number {
  return Math.max(16, Math.min(SUMMARY_OUTPUT_TOKENS_MAX, Math.floor(contextTokens / 4)));
}

/** Renders a block of history as a plain transcript for the summarizer. */
export function blockTranscript(block: readonly HistoryMessage[], character: string, userName: string): string {
  return block.map((m) => {
    if (m.role === 'assistant') return `${character}: ${m.text}`;
    return m.speaker === 'user' ? `${userName}: ${m.text}` : m.text;
  }).join('\n');
}

/** The instruction given to the model to summarize one block, from the character's point of view. */
export function summaryPrompt(transcript: string, character: string): string {
  return [
    `Summarize this part of a role-play from ${character}'s point of view, as ${character}'s own memory of it.`,
    'Keep every fact, name, place, promise, secret learned and emotional turning point; drop small talk.',
    'Write at most 150 words of plain prose in third person. Output only the summary.',
    '',
    transcript,
  ].join('\n');
}
