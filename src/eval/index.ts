export { EvalError, type EvalErrorCode } from './errors.ts';
export type { BenchItem, CategoryValue, ChatTurn } from './item.ts';
export { BenchmarkDefinition, ScorerReference, type BenchmarkDefinitionInput } from './definition.ts';
export { resolveBenchmark, readBenchmarkFile, parseBenchmarkText, type ResolvedBenchmark } from './benchmark-file.ts';
export { BUILT_IN_BENCHMARKS } from './benchmarks/index.ts';
export { LOADERS, findLoader, type DatasetLoader } from './loaders/index.ts';
export { SCORERS, createScorer, withAverage, type ScorerAverage, extractChoice, type ChoiceExtraction, type Scorer, type ScoreInput, type ItemScore, type MetricDefinition } from './scorers/index.ts';
export {
  createJudge, createRubricScorer, createPairwiseScorer, createAgreementScorer, comparePairwise, validateJudge, cohenKappa, spearman,
  type Judge, type JudgeRequest, type JudgeVerdict, type JudgeOptions, type PairwiseResult, type JudgeValidation,
} from './judges/index.ts';
export { AgentAnswer, AgentTemplates, AGENT_LOADERS, agentAnswer, personaMapping, type ItemPersona, type PersonaMapping } from './agent-personas.ts';
export { renderPrompt, renderTemplate, optionLetter } from './template.ts';
export { modelReply, type ModelReplyOptions } from './model-reply.ts';
export { bootstrapMean, bootstrapStatistic, pairedDifference, seededGenerator, type Interval, type PairedDifference, type BootstrapOptions } from './stats.ts';
export { summarizeMetric, summarizeMetrics, summarizeModel, breakdowns, metricInfos, type ModelResults } from './summarize.ts';
export { compareRuns, type ComparedRun, type RunComparison, type ModelPair, type CategoryDifference } from './compare.ts';
export type { BenchSummary, ModelSummary, MetricSummary, MetricInfo, Breakdown, BreakdownGroup, ItemRecord, AttemptRecord } from './results.ts';
export { askedBy, csvField, renderHtmlReport, renderMarkdownReport, renderCsv, renderItemsCsv, renderJsonReport, reportFormatFor, averagingNote, type ReportFormat } from './report/index.ts';
export * from './personality/index.ts';
export {
  toTomatoTranscript, TomatoEpisode, TomatoUtterance, TomatoStage, TomatoProfile, MentalState, Thoughts, type TomatoOptions,
} from './tomato-transcript.ts';
export {
  characterBoxRubric, furinaRubric, BUILT_IN_SCENE_RUBRICS, sceneJudgeDefinition, resolveSceneRubric, parseSceneRubricText, characterItems,
  utteranceItems, replyText, type SceneRubric, type SceneRubricDimension, type JudgedEpisode, type SceneJudgeSource,
} from './scene-judge/index.ts';
export { FURINA_DIMENSIONS } from './judges/index.ts';
export {
  buildTomatoSet, summarizeTomatoSet, buildPersonaEvalSet, renderPersonaEvalCsv, type SceneSetEpisode, type SkipCounts, type TomatoSetRecord,
  type BuildTomatoSetOptions, type TomatoSetSummary, type PersonaEvalSetRow, type BuildPersonaEvalSetOptions, type PersonaEvalSetSummary,
} from './scene-sets/index.ts';
