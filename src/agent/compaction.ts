import type { HistoryMessage } from './history.ts';

/** A block of history replaced by its summary; blocks only ever append, so the prompt prefix stays stable. */
export interface CompactedBlock {
  /** Last event seq covered by this block. */
  throughSeq: number;
  summary: string;
  tokens: number;
}

export interface CompactionPlan {
  /** Messages to summarize into one new block (oldest first); empty when the history fits. */
  block: HistoryMessage[];
  /** Whether the existing summaries have grown too large and should be merged into one. */
  mergeSummaries: boolean;
}

export interface BudgetInput {
  history: readonly HistoryMessage[];
  blocks: readonly CompactedBlock[];
  contextTokens: number;
  /** Tokens of everything but history and summaries: system sheet, volatile tail, reserved output. */
  fixedTokens: number;
}

/** Share of the history budget kept after a compaction: compacting to half means rare, whole-block compactions. */
const KEEP_AFTER_COMPACTION = 0.5;
/** Summaries may take at most this share of the context before they are merged. */
const SUMMARY_SHARE = 0.25;

/** Tokens left for live history once the fixed parts and summaries are placed. */
export function historyBudget(input: Omit<BudgetInput, 'history'>): number {
  const summaries = input.blocks.reduce((sum, b) => sum + b.tokens, 0);
  return input.contextTokens - input.fixedTokens - summaries;
}

/**
 * Decides whether history must be compacted before the next prompt. When it overflows, the oldest messages
 * are cut in one block down to half of the history budget, ending on a turn boundary (before a user message)
 * where possible, so that consecutive prompts share their prefix until the next overflow.
 */
export function planCompaction(input: BudgetInput): CompactionPlan {
  const summaryTokens = input.blocks.reduce((sum, b) => sum + b.tokens, 0);
  const mergeSummaries = input.blocks.length > 1 && summaryTokens > input.contextTokens * SUMMARY_SHARE;
  const budget = historyBudget(input);
  const total = input.history.reduce((sum, m) => sum + m.tokens, 0);
  if (total <= budget) return { block: [], mergeSummaries };
  const target = Math.max(0, budget * KEEP_AFTER_COMPACTION);
  let kept = total;
  let cut = 0;
  // Always keep the newest message (the one being answered).
  while (cut < input.history.length - 1 && kept > target) {
    kept -= input.history[cut].tokens;
    cut += 1;
  }
  // Extend to a turn boundary: the kept history should start with a user message.
  while (cut < input.history.length - 1 && input.history[cut].role === 'assistant') cut += 1;
  return { block: input.history.slice(0, cut), mergeSummaries };
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
