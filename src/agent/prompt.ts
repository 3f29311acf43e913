import type { ModelMessage } from 'ai';
import type { CompactedBlock } from './compaction.ts';
import type { HistoryMessage } from './history.ts';

/** The opening user line used when a history starts with the character speaking (some APIs need a user first). */
export const OPENING_LINE = '[The role-play begins.]';
/** The line that opens each summary of compacted history in a character's prompt. */
export const SUMMARY_HEADER = '[Summary of earlier events, as you remember them]';

export interface PromptParts {
  /** The fixed character sheet and rules. */
  system: string;
  /** Summaries of compacted history blocks, oldest first. */
  blocks: readonly CompactedBlock[];
  /** Live history after the last compacted block. */
  history: readonly HistoryMessage[];
  /** The volatile tail: lore, memories, the turn instruction. Rebuilt every turn, never stored. */
  tail: string;
}

/**
 * Lays out a prompt as `[system] → [summaries, history: append-only] → [volatile tail]` (DESIGN.md §3),
 * so that each prompt is an exact prefix of the next until a block is compacted.
 */
export function assemblePrompt(parts: PromptParts): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: 'system', content: parts.system }];
  for (const block of parts.blocks) {
    messages.push({ role: 'user', content: `${SUMMARY_HEADER}\n${block.summary}` });
  }
  if (parts.history[0]?.role === 'assistant' && parts.blocks.length === 0) {
    messages.push({ role: 'user', content: OPENING_LINE });
  }
  for (const message of parts.history) messages.push({ role: message.role, content: message.text });
  messages.push({ role: 'user', content: parts.tail });
  return messages;
}

export interface TailParts {
  character: string;
  /** Rendered lorebook entries that activated this turn. */
  lore?: string;
  /** Recalled memories (memory issue). */
  memories?: string;
  /** The card's post_history_instructions, macros rendered. */
  postHistoryInstructions?: string;
}

/** The volatile tail: context that matters for this turn only, then the instruction to reply. */
export function buildTail(parts: TailParts): string {
  const sections: string[] = ['[Context for this turn — not spoken by anyone]'];
  if (parts.lore?.trim()) sections.push(`World knowledge that applies now:\n${parts.lore.trim()}`);
  if (parts.memories?.trim()) sections.push(`You remember:\n${parts.memories.trim()}`);
  if (parts.postHistoryInstructions?.trim()) sections.push(parts.postHistoryInstructions.trim());
  sections.push(`Now take ${parts.character}'s next turn: think, then act, then speak, in the required format.`);
  return sections.join('\n\n');
}
