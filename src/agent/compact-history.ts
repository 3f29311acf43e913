import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { TokenCounter } from '../text/index.ts';
import { MESSAGE_OVERHEAD_TOKENS, summaryOutputTokens, summaryPrompt, summaryTokens, type CompactedBlock, type CompactionPlan } from './compaction.ts';
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
  /** The context budget every summary request must fit in, its reply included. */
  contextTokens: number;
  seed?: number;
  abortSignal?: AbortSignal;
  /** Called with each new block. */
  onBlock?: (block: CompactedBlock) => void;
}

/**
 * Carries out a compaction plan: the planned block is summarized in pieces, each request (instruction, transcript
 * and reply) within the context budget, one new block per piece; then, while the summaries exceed their limit,
 * neighbouring summaries are merged in groups that fit one request, until they fit or one is left.
 */
export async function compactHistory(blocks: readonly CompactedBlock[], plan: CompactionPlan, input: CompactHistoryOptions): Promise<CompactedBlock[]> {
  const options = { ...input, outputTokens: Math.min(plan.summaryOutputTokens, summaryOutputTokens(input.contextTokens)) };
  const next = [...blocks];
  for (const piece of pieces(plan.block, options)) {
    const summary = await summarize(piece.transcript, options);
    const added: CompactedBlock = { throughSeq: piece.throughSeq, summary, tokens: options.countTokens(summary) };
    options.onBlock?.(added);
    next.push(added);
  }
  return plan.mergeSummaries || plan.block.length > 0 ? mergeSummaries(next, plan, options) : next;
}

/** Tokens a summary request may spend on its transcript: the budget less the instruction, the framing and the reply. */
function transcriptBudget(options: Summarizing): number {
  const instruction = options.countTokens(summaryPrompt('', options.who)) + 2 * MESSAGE_OVERHEAD_TOKENS;
  return Math.max(1, options.contextTokens - options.outputTokens - instruction);
}

/** The options and the longest summary to ask for. */
type Summarizing = CompactHistoryOptions & { outputTokens: number };

interface Piece {
  transcript: string;
  throughSeq: number;
}

/** Splits a block into consecutive pieces whose transcripts fit one request; a message too long alone is shortened. */
function pieces(block: readonly HistoryMessage[], options: Summarizing): Piece[] {
  const budget = transcriptBudget(options);
  const out: Piece[] = [];
  let current: HistoryMessage[] = [];
  let currentTokens = 0;
  const flush = () => {
    if (current.length === 0) return;
    out.push({ transcript: options.transcript(current), throughSeq: current.at(-1)!.seq });
    current = [];
    currentTokens = 0;
  };
  for (const message of block) {
    // One line of transcript per message: its own tokens plus a name and a newline.
    const tokens = options.countTokens(options.transcript([message])) + 1;
    if (tokens > budget) {
      flush();
      out.push({ transcript: shorten(options.transcript([message]), budget, options.countTokens), throughSeq: message.seq });
      continue;
    }
    if (currentTokens + tokens > budget) flush();
    current.push(message);
    currentTokens += tokens;
  }
  flush();
  return out;
}

/** Keeps the start and the end of a text too long for one request, marking the cut. */
export function shorten(text: string, budget: number, countTokens: TokenCounter): string {
  const tokens = countTokens(text);
  if (tokens <= budget) return text;
  const marker = '\n[…]\n';
  let keep = Math.floor(text.length * (budget / tokens) * 0.9);
  for (;;) {
    const head = Math.ceil(keep / 2);
    const candidate = `${text.slice(0, head)}${marker}${text.slice(text.length - (keep - head))}`;
    if (keep <= 0 || countTokens(candidate) <= budget) return keep <= 0 ? marker.trim() : candidate;
    keep = Math.floor(keep * 0.8);
  }
}

/** Merges neighbouring summaries, in groups that fit one request, until they take at most `limit` tokens or one is left. */
async function mergeSummaries(blocks: CompactedBlock[], plan: CompactionPlan, options: Summarizing): Promise<CompactedBlock[]> {
  const budget = transcriptBudget(options);
  let current = blocks;
  while (current.length > 1 && summaryTokens(current, plan.summaryHeaderTokens) > plan.summaryLimit) {
    const merged: CompactedBlock[] = [];
    let group: CompactedBlock[] = [];
    let groupTokens = 0;
    const flush = async () => {
      if (group.length === 1) merged.push(group[0]);
      else if (group.length > 1) {
        const summary = await summarize(group.map((b) => b.summary).join('\n\n'), options);
        merged.push({ throughSeq: group.at(-1)!.throughSeq, summary, tokens: options.countTokens(summary) });
      }
      group = [];
      groupTokens = 0;
    };
    for (const block of current) {
      const tokens = block.tokens + 2;
      if (group.length > 0 && groupTokens + tokens > budget) await flush();
      group.push(block);
      groupTokens += tokens;
    }
    await flush();
    // Each round must merge something; summaries too long to pair up are left as they are.
    if (merged.length === current.length) break;
    current = merged;
  }
  return current;
}

async function summarize(transcript: string, options: Summarizing): Promise<string> {
  const { generateText } = await import('ai'); // loaded on the first summary, not with every command
  const result = await generateText({
    model: options.model,
    prompt: summaryPrompt(shorten(transcript, transcriptBudget(options), options.countTokens), options.who),
    maxRetries: 0,
    abortSignal: options.abortSignal,
    maxOutputTokens: options.outputTokens,
    seed: options.seed,
  });
  const summary = result.text.trim();
  if (!summary) throw new AgentError('agent/empty-summary', `the model returned an empty summary while compacting ${options.who}'s history; try again or raise --context-tokens`);
  return summary;
}
