export { IPIP_BIG_FIVE, BIG_FIVE, questionnaireFrom, type Questionnaire, type QuestionnaireItem, type BigFiveDimension } from './questionnaire.ts';
export {
  evaluatePersonality, personalityAlignment, bigFiveLabels, splitBatches, interviewQuestion,
  type PersonalityEvalOptions, type PersonalityResult, type DimensionRating, type InterviewAnswer, type PersonalityLabel, type PersonalityAlignment,
} from './personality-eval.ts';
