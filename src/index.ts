/**
 * Dramatis: role-playing language agents. The package entry: what a user builds with, by capability. Larger groups
 * have their own entries: `dramatis/eval` (benchmarks, loaders, scorers, judges, reports), `dramatis/llm` (model
 * plumbing: middlewares, dialects, local models, prices) and `dramatis/run` (the operations the CLI, a server and
 * workers call).
 * @example
 * import { defineCharacter, openChatSession } from 'dramatis';
 * const chat = await openChatSession({ character: defineCharacter({ name: 'Mirela', description: 'Keeper of the lighthouse.' }), model: 'openai:gpt-4o-mini' });
 * const turn = await chat.send('Who keeps this light?');   // turn.output.thought, turn.output.speech
 */

// Characters: cards (JSON, PNG, CHARX; V1–V3), research fields, lorebooks, macros.
export {
  Character, CharacterFields, BigFive, Alignment, KnowledgeLimits, ResearchFields, Lorebook, LorebookEntry,
  defineCharacter, readCharacterFile, parseCharacterBytes, parseCharacterJson, writeCharacterFile, toCardJson,
  inspectCharacter, formatInspection, readLorebookFile, parseLorebookJson, activateLorebook, renderMacros, CardError,
  type LoadedCharacter, type CardSource, type CardSpec, type CardFormat, type CardErrorCode, type WriteCharacterOptions,
  type CardInspection, type LoadedLorebook, type ActivationInput, type ActivationResult, type MacroContext,
} from './character/index.ts';

// Models: `provider:model` specs to AI SDK models with retries, cache, limits and the provider's schema dialect.
export {
  createLanguageModel, createEmbeddingModel, createModelRuntime, defaultModelRuntime, parseModelSpec, formatModelSpec,
  resolveModelSpec, describeModel, resolveContextBudget, disposeLocalModels, LlmError, PROVIDERS, DEFAULT_MODEL_SPEC,
  type ModelOptions, type EmbeddingModelOptions, type LocalModelSetup, type ModelRuntime, type ModelRuntimeOptions,
  type ModelSpec, type Provider, type Env, type ModelInfo, type ContextBudget, type LlmErrorCode,
} from './llm/index.ts';

// The event log and who may see what.
export { SceneEvent, Visibility, EventKind, canSee, perspectiveOf, type NewEvent } from './events/index.ts';

// Agents: one character's turn (perspective → recall → prompt → thought, action, speech).
export {
  CharacterAgent, generateTurn, TurnOutput, Thought, thoughtText, AgentMemory, retryTurn, AgentError,
  type CharacterAgentOptions, type ActOptions, type Act, type GenerateTurnOptions, type GeneratedTurn, type OutputMode,
  type AgentMemoryOptions, type RecalledRecord, type RetryTurnOptions,
} from './agent/index.ts';

// Chats and scenes: sessions and episodes stepped turn by turn, scene files, narrators, turn policies, scenario kinds.
export {
  ChatSession, SceneEpisode, readSceneFile, parseSceneText, renderSceneTranscript, toJsonl, NARRATOR,
  conversationKind, debateKind, defaultScenarioKinds, describeScenarioKinds, findScenarioKind, defaultTurnPolicies, findTurnPolicy, SceneError,
  type ChatSessionOptions, type ChatTurn, type TurnOptions, type Scene, type CastMember, type SceneEpisodeOptions,
  type SceneModels, type StepOptions, type EpisodeOutcome, type EndReason, type ScenarioKind, type PrivateReport, type KindDescription, type TurnPolicy,
  type SceneErrorCode,
} from './scene/index.ts';
export {
  openChatSession, openSceneEpisode, runScene, runBenchmark,
  type ModelChoice, type Defaults, type OpenChatSessionOptions, type OpenSceneEpisodeOptions, type RunSceneOptions, type RunBenchmarkOptions,
} from './defaults.ts';

// Runs: many episodes or benchmark items, resumable (the full service layer is `dramatis/run`).
export {
  startSceneRun, resumeSceneRun, startBenchRun, resumeBenchRun, RunError,
  type SceneRunOutcome, type SceneRunSummary, type BenchRunOutcome, type RunErrorCode,
} from './run/index.ts';

// Evaluation results (the benchmarks themselves are `dramatis/eval`).
export type { BenchSummary, ModelSummary, MetricSummary } from './eval/index.ts';

// Memory: a character's long-term memories and Emotional RAG recall.
export {
  recall, importMemories, readMemoryFile, parseMemoryFile, memoryLines, scoreEmotion, STRATEGIES,
  type RecallOptions, type RecallResult, type Recalled, type Strategy, type ImportResult,
} from './memory/index.ts';
export { EMOTIONS, MEMORY_KINDS, type Memory, type NewMemory, type MemoryKind, type Emotion } from './memory-model/index.ts';

// The store: SQLite by default, one interface for every implementation.
export {
  openStore, openSqliteStore, defaultStorePath, StoreError,
  type Store, type MemoryStore, type Episode, type EpisodeKind, type Run, type Job, type JobCounts, type UsageTotals,
} from './store/index.ts';

// Text.
export { countTokens, type TokenCounter } from './text/index.ts';
