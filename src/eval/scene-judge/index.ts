export {
  characterBoxRubric, furinaRubric, BUILT_IN_SCENE_RUBRICS, SCENE_JUDGE_CONTEXT, sceneJudgeDefinition, type SceneRubric, type SceneRubricDimension,
} from './rubrics.ts';
export { SceneRubricFile, resolveSceneRubric, parseSceneRubricText } from './rubric-file.ts';
export { characterItems, utteranceItems, replyText, type JudgedEpisode, type SceneJudgeSource } from './items.ts';
