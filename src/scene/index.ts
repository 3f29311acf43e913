export { openChatSession, ChatSession, type ChatSessionOptions, type ChatTurn, type TurnOptions, type PreparedPrompt } from './chat-session.ts';
export { deleteChatSession, renameChatSession, forkChatSession, type ForkOptions } from './chat-session-admin.ts';
export * from './scene-schema.ts';
export { SceneError, sceneInputFailure, type SceneErrorCode } from './errors.ts';
export { readSceneFile, parseSceneText, resolveScene, type ResolveSceneOptions } from './scene-file.ts';
export { isCharacterBoxFile, characterBoxScenes, readSceneSource, writeSceneYaml } from './characterbox.ts';
export {
  conversationKind, defaultScenarioKinds, findScenarioKind, participation, describeScenarioKinds,
  type ScenarioKind, type PrivateReport, type KindDescription, type KindParam,
} from './scenario-kinds.ts';
export { debateKind, opinionReports, opinionMetrics, type OpinionReport } from './debate-kind.ts';
export type { TurnPolicy, TurnContext, TurnChoice, Speaker } from './turn-policy.ts';
export {
  defaultTurnPolicies, findTurnPolicy, roundRobinPolicy, naturalPolicy, narratorPolicy, simultaneousPolicy, nextNatural, nextRoundRobin, mentionIndex,
  type NaturalInput,
} from './turn-policies/index.ts';
export { openSceneEpisode, SceneEpisode, type RoleLimits, type SceneEpisodeOptions, type SceneModels, type SceneState, type EndReason, type EpisodeOutcome, type StepOptions } from './scene-episode.ts';
export { createSceneAgent, sceneCharacterSheet, sceneRules, type SceneAgentSettings } from './scene-agent.ts';
export { NarratorAgent, NARRATOR, type NarratorOutput } from './narrator.ts';
export { seededRandom, seededInt } from './seeded-random.ts';
export { renderSceneTranscript, toJsonl, type SceneTranscriptOptions } from './transcript.ts';
export { characterInLog, turnOf, roundOf, stringList, narratorNameOf } from './scene-log.ts';
