export { runLocal, describeError, liveOwner, displayStatus, type LocalRunOptions, type LocalRunResult, type RunProgress } from './local-runner.ts';
export { deleteRun } from './delete-run.ts';
export { createProgressReporter, type ProgressReporter, type ProgressOptions } from './progress.ts';
export { createSceneRun, executeSceneRun, loadRunScene, roleModels, activeEpisodesFor, sceneRunRetries, jobTurnRetries, type SceneRunMeta, type SceneRunSettings, type SceneMemorySettings, type JobInput } from './scene-run.ts';
export {
  createBenchRun, executeBenchRun, summarizeBenchRun, benchItemRecords, benchMeta, definitionMetrics, primaryMetricOf, optionOrders,
  type BenchRunMeta, type BenchRunSettings, type BenchJobInput, type OptionOrder, type CreateBenchRunOptions, type ExecuteBenchRunOptions,
} from './bench-run.ts';
export { RunOutputModes, runOutputModes, describeOutputModes, type ModelOutputMode } from './structured-output.ts';
