import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.ts';
import * as evaluation from '../src/eval-api.ts';
import * as llm from '../src/llm-api.ts';
import * as service from '../src/run-api.ts';

// The package's public API is an explicit, documented list (src/index.ts and the subpath entries): a name that
// changes here changes what users may depend on, so it changes on purpose (update this list with it).
const ENTRY = [
  'AgentError', 'AgentMemory', 'Alignment', 'BigFive', 'CardError', 'Character', 'CharacterAgent', 'CharacterFields', 'ChatSession',
  'DEFAULT_MODEL_SPEC', 'EMOTIONS', 'EventKind', 'KnowledgeLimits', 'LlmError', 'Lorebook', 'LorebookEntry', 'MEMORY_KINDS', 'NARRATOR',
  'PROVIDERS', 'ResearchFields', 'RunError', 'STRATEGIES', 'SceneEpisode', 'SceneError', 'SceneEvent', 'StoreError', 'Thought',
  'TurnOutput', 'Visibility', 'activateLorebook', 'canSee', 'conversationKind', 'countTokens', 'createEmbeddingModel',
  'createLanguageModel', 'createModelRuntime', 'debateKind', 'defaultModelRuntime', 'defaultScenarioKinds', 'defaultStorePath', 'defaultTurnPolicies',
  'defineCharacter', 'describeModel', 'describeScenarioKinds', 'disposeLocalModels', 'findScenarioKind', 'findTurnPolicy', 'formatInspection', 'formatModelSpec',
  'generateTurn', 'importMemories', 'inspectCharacter', 'memoryLines', 'openChatSession', 'openSceneEpisode', 'openSqliteStore',
  'openStore', 'parseCharacterBytes', 'parseCharacterJson', 'parseLorebookJson', 'parseMemoryFile', 'parseModelSpec', 'parseSceneText',
  'perspectiveOf', 'readCharacterFile', 'readLorebookFile', 'readMemoryFile', 'readSceneFile', 'recall', 'renderMacros',
  'renderSceneTranscript', 'resolveContextBudget', 'resolveModelSpec', 'resumeBenchRun', 'resumeSceneRun', 'retryTurn', 'runBenchmark',
  'runScene', 'scoreEmotion', 'startBenchRun', 'startSceneRun', 'thoughtText', 'toCardJson', 'toJsonl', 'writeCharacterFile',
];

describe('the public API', () => {
  it('the package entry is exactly the documented list, with no internals', () => {
    expect(Object.keys(entry).sort()).toEqual([...ENTRY].sort());
    for (const internal of ['smallest', 'splitBatches', 'ggmlTensorBytes', 'hubUrl', 'loadBinding', 'Semaphore', 'shorten', 'waitText', 'forwardAbort']) {
      expect(entry).not.toHaveProperty(internal);
    }
  });

  it('every name of every entry is defined at run time (no cycle left one half-loaded)', () => {
    for (const module of [entry, evaluation, llm, service]) {
      expect(Object.entries(module).filter(([, value]) => value === undefined).map(([name]) => name)).toEqual([]);
    }
  });

  it('the subpath entries hold their groups: the model middlewares, the benchmarks, the service operations', () => {
    for (const name of ['usageMiddleware', 'cacheMiddleware', 'retryMiddleware', 'concurrencyMiddleware', 'timeoutMiddleware', 'structuredOutputMiddleware']) {
      expect(typeof (llm as Record<string, unknown>)[name]).toBe('function');
    }
    for (const name of ['resolveBenchmark', 'findLoader', 'createScorer', 'createJudge', 'renderHtmlReport', 'compareRuns', 'resolveSceneRubric', 'characterItems', 'utteranceItems']) {
      expect(typeof (evaluation as Record<string, unknown>)[name]).toBe('function');
    }
    for (const name of ['startSceneRun', 'resumeBenchRun', 'listSessions', 'openChat', 'sendChatMessage', 'listSceneRuns', 'startSceneJudge', 'resumeSceneJudge']) {
      expect(typeof (service as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
