// Test sets built from scene logs: ToMATO-format theory-of-mind questions and PersonaEval-style role identification.
export type { SceneSetEpisode, SkipCounts } from './scene-set-episode.ts';
export { buildTomatoSet, summarizeTomatoSet, type TomatoSetRecord, type BuildTomatoSetOptions, type TomatoSetSummary } from './tomato-set.ts';
export {
  buildPersonaEvalSet, renderPersonaEvalCsv, type PersonaEvalSetRow, type BuildPersonaEvalSetOptions, type PersonaEvalSetSummary,
} from './persona-eval-set.ts';
