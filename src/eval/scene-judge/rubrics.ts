import type { BenchmarkDefinition } from '../definition.ts';
import { FURINA_DIMENSIONS } from '../judges/index.ts';

/** One dimension a scene rubric scores (a metric of the judge run). */
export interface SceneRubricDimension {
  name: string;
  description: string;
  /** The score's range (per-character rubrics; pairwise rubrics compare instead). */
  scale: [number, number];
}

/**
 * How a judge scores characters from a scene log. `rubric`: each character of each episode, its lines against its
 * sheet and what it perceived, critique then a score per dimension. `pairwise`: each utterance, the judge names the
 * dimension the turn tests, then compares the line with a baseline model's reply to the same prompt in both orders.
 */
export interface SceneRubric {
  name: string;
  title: string;
  description?: string;
  kind: 'rubric' | 'pairwise';
  dimensions: SceneRubricDimension[];
  /** Extra guidance added to the judge's task. */
  instructions?: string;
  /** The judge also reads the character's own thoughts (a rubric about consistency between thought and action). */
  thoughts: boolean;
  /** `built-in` or the rubric file's absolute path. */
  origin: string;
}

/**
 * CharacterBox's seven dimensions (Wang et al., "CharacterBox: Evaluating the Role-Playing Capabilities of LLMs in
 * Text-Based Virtual Worlds", `evaluate.py` of its repository), their descriptions paraphrased; 1–5 each, and the
 * mean of the seven as `overall` (the average the authors report).
 */
export const characterBoxRubric: SceneRubric = {
  name: 'characterbox',
  title: 'CharacterBox',
  description: "CharacterBox's seven dimensions of a character's behaviour across a scene, critique then 1–5 each (Wang et al. 2024).",
  kind: 'rubric',
  dimensions: [
    { name: 'knowledge_accuracy', description: "what the character says and knows is correct and fits its background, history and expertise", scale: [1, 5] },
    { name: 'emotional_expression', description: 'emotions are shown with depth and nuance and fit what is said and what happens', scale: [1, 5] },
    { name: 'personality_traits', description: 'words and choices consistently show the core traits of the character as set up', scale: [1, 5] },
    { name: 'behavioral_accuracy', description: "the character's particular behaviours, verbal habits and catchphrases are reproduced", scale: [1, 5] },
    { name: 'immersion', description: 'the portrayal stays consistent, so a reader stays immersed; the character shows self-awareness within its limits', scale: [1, 5] },
    { name: 'adaptability', description: 'new situations in the scene are handled flexibly while the character stays itself', scale: [1, 5] },
    { name: 'behavioral_coherence', description: 'actions and replies follow logically from the conversation and the plot as it develops', scale: [1, 5] },
  ],
  instructions: [
    "Read the character's sheet to understand its background, motives and history; then follow its behaviour turn by turn",
    'through the scene as it perceived it (its decisions, lines and interactions). In the critique, name the concrete problems',
    '(factual slips, lines out of character, contradictions with the situation, repetition, flat or misplaced emotion, unnatural',
    'reactions to others) before scoring. On each dimension 1 means frequent failures, 3 generally right with occasional',
    'lapses, 5 consistently excellent.',
  ].join(' '),
  thoughts: false,
  origin: 'built-in',
};

/** FURINA's protocol on a scene: per utterance, the dimension the turn tests, then the line against a baseline reply. */
export const furinaRubric: SceneRubric = {
  name: 'furina',
  title: 'FURINA',
  description: "FURINA's utterance-level judging: the judge names the dimension a turn tests (of five), then compares the line with a baseline model's reply to the same prompt, in both orders (Wu et al. 2025).",
  kind: 'pairwise',
  dimensions: FURINA_DIMENSIONS.map((d) => ({ name: d.name, description: d.description, scale: [0, 1] })),
  thoughts: false,
  origin: 'built-in',
};

/** The rubrics `scene judge --rubric NAME` knows. */
export const BUILT_IN_SCENE_RUBRICS: readonly SceneRubric[] = [characterBoxRubric, furinaRubric];

/** The values of a judge item the judge reads as context: the character, its sheet, the scene as it perceived it. */
export const SCENE_JUDGE_CONTEXT = ['character', 'sheet', 'transcript'] as const;

/**
 * A judge run as a benchmark definition: the loader names the scene log, the "prompt" shown in drill-downs is what
 * the character had (its sheet and the scene as it perceived it), and the scorer is the rubric's judge.
 */
export function sceneJudgeDefinition(rubric: SceneRubric, sceneRun: string): BenchmarkDefinition {
  const scorer = rubric.kind === 'rubric'
    ? {
      name: 'rubric', dimensions: rubric.dimensions.map((d) => ({ ...d, scale: [...d.scale] })), context: [...SCENE_JUDGE_CONTEXT],
      overall: rubric.dimensions.length > 1, instructions: sceneInstructions(rubric),
    }
    : { name: 'furina', dimensions: rubric.dimensions.map((d) => ({ name: d.name, description: d.description })), context: [...SCENE_JUDGE_CONTEXT] };
  return {
    name: rubric.name,
    title: `${rubric.title} judge of scene run ${sceneRun}`,
    ...(rubric.description ? { description: rubric.description } : {}),
    dataset: { loader: 'scene-log', path: sceneRun },
    prompt: { system: '{{sheet}}', user: '{{transcript}}' },
    scorers: [scorer],
    categories: ['character'],
    primaryMetric: rubric.kind === 'pairwise' ? 'win_rate' : rubric.dimensions.length > 1 ? 'overall' : rubric.dimensions[0]!.name,
    sampling: {},
  };
}

/** What the judge is told about the material (and the rubric's own guidance). */
function sceneInstructions(rubric: SceneRubric): string {
  return [
    'The response is every line (actions and speech) one character of a role-play scene produced. The context holds that',
    `character's sheet and the scene as that character perceived it (its own lines included)${rubric.thoughts
      ? ", with the character's private thoughts at each of its turns, so you can judge whether what it did follows from what it thought."
      : '.'}`,
    ...(rubric.instructions ? [rubric.instructions] : []),
  ].join(' ');
}
