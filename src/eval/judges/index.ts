export type { Judge, JudgeRequest, JudgeVerdict } from './types.ts';
export { createJudge, parseVerdict, type JudgeOptions, type ParsedVerdict } from './create-judge.ts';
export { renderJudgePrompt, judgeNonce, repairRequest, type JudgePromptInput } from './judge-prompt.ts';
export { judgeContext, parseScorerOptions, requireJudge, type JudgedScorer } from './judged-scorer.ts';
export {
  createRubricScorer, rubricSchema, rubricTask, aggregateScores, RubricOptions,
  type RubricDimension, type RubricVerdict, type RubricSample,
} from './rubric.ts';
export {
  comparePairwise, pairwiseOutcome, pairwiseTask, PairwiseVerdict,
  type PairwiseOutcome, type PairwiseRequest, type PairwiseResult,
} from './pairwise.ts';
export { createPairwiseScorer, PairwiseOptions } from './pairwise-scorer.ts';
export { accuracy, cohenKappa, spearman, averageRanks, validateJudge, type Rating, type JudgeValidation } from './agreement.ts';
export { createAgreementScorer, readRatings, AgreementOptions, type Rated } from './agreement-scorer.ts';
export { createFurinaScorer, FurinaOptions, FURINA_DIMENSIONS } from './furina.ts';
