export { AgentError } from './errors.ts';
export { Thought, TurnOutput, thoughtText, parseJsonOutput, parseTaggedOutput, outputInstructions, type OutputMode } from './turn-output.ts';
export { generateTurn, type GenerateTurnOptions, type GeneratedTurn } from './generate-turn.ts';
export { buildCharacterSheet, knowledgeLimitsText, type SheetOptions } from './character-sheet.ts';
export { perspectiveOf, canSee } from './perspective.ts';
export { historyMessages, type HistoryMessage, type HistoryOptions } from './history.ts';
export { planCompaction, historyBudget, type CompactedBlock, type CompactionPlan } from './compaction.ts';
export { assemblePrompt, buildTail, type PromptParts, type TailParts } from './prompt.ts';
export { SpeechStream, completedAction } from './speech-stream.ts';
