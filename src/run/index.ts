// The service layer: operations that every front end (the CLI, a server, workers) calls with plain options (a
// Store, an environment, a runtime, callbacks) and that return plain results; failures are RunError values with
// stable codes. Below them, the run machinery: planning runs into jobs, executing them, resuming them.
export { RunError, type RunErrorCode, type RunErrorDetails, type LookedFor } from './errors.ts';
export { runLocal, describeError, liveOwner, displayStatus, type LocalRunOptions, type LocalRunResult, type RunProgress } from './local-runner.ts';
export { deleteRun } from './delete-run.ts';
export { storeWhere, findRunOfKind, assertRunIdFree, assertPlanUnchanged, applySettings } from './run-plan.ts';
export { prepareModelSpecs, prepareModelSpec, type DownloadModel, type PrepareModelsOptions } from './model-preparation.ts';
export { createSceneRun, executeSceneRun, loadRunScene, roleModels, activeEpisodesFor, sceneRunRetries, jobTurnRetries, type SceneRunMeta, type SceneRunSettings, type SceneMemorySettings, type JobInput } from './scene-run.ts';
export {
  readRunScene, startSceneRun, resumeSceneRun, summarizeSceneRun, SCENE_PLAN_FIELDS, DEFAULT_SCENE_CONCURRENCY,
  type ScenePlan, type SceneRunExecutionOptions, type StartSceneRunOptions, type ResumeSceneRunOptions, type SceneRunSummary, type SceneRunOutcome,
} from './scene-run-operations.ts';
export {
  listSceneRuns, showScene, exportScene, deleteSceneRun, type SceneRunRow, type ShownSceneEpisode, type ShownSceneRun, type SceneExportFormat,
} from './scene-records.ts';
export { importCharacterBoxScenes } from './scene-import.ts';
export {
  createBenchRun, executeBenchRun, summarizeBenchRun, benchItemRecords, benchMeta, definitionMetrics, primaryMetricOf, optionOrders,
  type BenchRunMeta, type BenchRunSettings, type BenchJobInput, type OptionOrder, type CreateBenchRunOptions, type ExecuteBenchRunOptions,
} from './bench-run.ts';
export {
  startBenchRun, resumeBenchRun, BENCH_PLAN_FIELDS, DEFAULT_BENCH_CONCURRENCY,
  type BenchPlan, type BenchConnectionSettings, type BenchRunExecutionOptions, type StartBenchRunOptions, type ResumeBenchRunOptions, type BenchRunOutcome,
} from './bench-run-operations.ts';
export { listBenchRuns, deleteBenchRun, benchRunReport, renderBenchReport, compareBenchRuns, type BenchRunRow } from './bench-records.ts';
export { benchCatalogue, datasetStats, benchDataStats, type BenchCatalogue, type DatasetStats } from './bench-catalogue.ts';
export { RunOutputModes, runOutputModes, describeOutputModes, type ModelOutputMode } from './structured-output.ts';
export {
  readChatCard, openChat, sendChatMessage, type ChatCard, type ChatSettings, type ChatMemorySettings, type OpenChatOptions,
  type SendChatMessageOptions, type ChatMessageResult,
} from './chat.ts';
export { listSessions, showSession, deleteSession, renameSession, forkSession, type SessionRow } from './chat-sessions.ts';
export { createMemoryModels, type MemoryModels, type MemoryModelSettings, type CreateMemoryModelsOptions } from './memory-models.ts';
export {
  importCharacterMemories, memoryCharacters, listMemories, searchMemories, exportMemories, reembedCharacterMemories, type MemoryOperationOptions,
} from './memory-operations.ts';
export {
  evaluatePersonalityRecall, type PersonalityRecallOptions, type PersonalityRecallResult, type PersonalityCondition,
} from './personality-recall.ts';
export {
  startSceneJudge, resumeSceneJudge, executeSceneJudgeRun, isSceneJudgeRun, SCENE_JUDGE_PLAN_FIELDS, DEFAULT_JUDGE_CONCURRENCY,
  type SceneJudgeMeta, type SceneJudgeRunMeta, type SceneJudgePlan, type StartSceneJudgeOptions, type ResumeSceneJudgeOptions,
  type ExecuteSceneJudgeRunOptions,
} from './scene-judge.ts';
export {
  buildTomatoFromScenes, buildPersonaEvalFromScenes, sceneSetEpisodes, type BuildFromScenesOptions, type BuildTomatoOptions, type BuiltSet,
} from './bench-build.ts';
