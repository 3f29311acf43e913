import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import type { TokenCounter } from '../text/tokens.ts';
import { summaryPrompt, type CompactedBlock, type CompactionPlan } from './compaction.ts';
import { AgentError } from './errors.ts';
import type { HistoryMessage } from './history.ts';

export interface CompactHistoryOptions {
  /** Writes the summaries. */
  model: LanguageModelV3;
  /** Whose memory the summaries are (a character, or the narrator). */
  who: string;
  /** Renders a block of history as the transcript to summarize. */
  transcript: (block: readonly HistoryMessage[]) => string;
  countTokens: TokenCounter;
  seed?: number;
  abortSignal?: AbortSignal;
  /** Called with each new block. */
  onBlock?: (block: CompactedBlock) => void;
}

/** Carries out a compaction plan: merges the old summaries if asked, then summarizes the planned block. */
export async function compactHistory(blocks: readonly CompactedBlock[], plan: CompactionPlan, options: CompactHistoryOptions): Promise<CompactedBlock[]> {
  let next = [...blocks];
  if (plan.mergeSummaries && next.length > 0) {
    const merged = await summarize(next.map((b) => b.summary).join('\n\n'), options);
    next = [{ throughSeq: next.at(-1)!.throughSeq, summary: merged, tokens: options.countTokens(merged) }];
  }
  if (plan.block.length > 0) {
    const summary = await summarize(options.transcript(plan.block), options);
    const added: CompactedBlock = { throughSeq: plan.block.at(-1)!.seq, summary, tokens: options.countTokens(summary) };
    options.onBlock?.(added);
    next.push(added);
  }
  return next;
}

async function summarize(transcript: string, options: CompactHistoryOptions): Promise<string> {
  const result = await generateText({
    model: options.model,
    prompt: summaryPrompt(transcript, options.who),
    maxRetries: 0,
    abortSignal: options.abortSignal,
    maxOutputTokens: 400,
    seed: options.seed,
  });
  const summary = result.text.trim();
  if (!summary) throw new AgentError('agent/empty-summary', `the model returned an empty summary while compacting ${options.who}'s history; try again or raise --context-tokens`);
  return summary;
}
