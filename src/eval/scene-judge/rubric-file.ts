import { resolve } from 'node:path';
import { z } from 'zod';
import { formatFieldPath } from '../../character/index.ts';
import { issueMessage, objectKeysAt, parseYamlWithLines, readInputText, type Locate } from '../../text/index.ts';
import { EvalError, evalInputFailure } from '../errors.ts';
import { BUILT_IN_SCENE_RUBRICS, type SceneRubric } from './rubrics.ts';

const Dimension = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a dimension name is also a metric name: a letter, then letters, digits or _'),
  description: z.string().min(1),
  scale: z.tuple([z.number().int(), z.number().int()]).refine(([low, high]) => low < high, 'scale is [lowest, highest] with lowest < highest').default([1, 5]),
}).strict();

/** A rubric file (YAML or JSON): what `scene judge --rubric FILE` reads. */
export const SceneRubricFile = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . or -'),
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  /** `rubric`: each character of each episode scored per dimension; `pairwise`: each line against a baseline reply. */
  kind: z.enum(['rubric', 'pairwise']).default('rubric'),
  /** The judge also reads the character's own thoughts (for dimensions about thought and action agreeing). */
  thoughts: z.boolean().default(false),
  instructions: z.string().optional(),
  dimensions: z.array(Dimension).min(1)
    .refine((dimensions) => new Set(dimensions.map((d) => d.name)).size === dimensions.length, 'dimension names must be distinct')
    .refine((dimensions) => !dimensions.some((d) => ['overall', 'win_rate', 'consistency', 'position_a'].includes(d.name)), 'overall, win_rate, consistency and position_a are metrics of their own: rename the dimension'),
}).strict();

/**
 * A rubric by built-in name (`characterbox`, `furina`) or file (YAML or JSON); a file's problems are reported at
 * once as `FILE:LINE: field: message`.
 * @example await resolveSceneRubric('my-rubric.yaml', { cwd })
 */
export async function resolveSceneRubric(nameOrPath: string, options: { cwd: string; maxBytes?: number }): Promise<SceneRubric> {
  const builtIn = BUILT_IN_SCENE_RUBRICS.find((rubric) => rubric.name === nameOrPath);
  if (builtIn) return builtIn;
  if (!/\.(ya?ml|json)$/i.test(nameOrPath)) {
    throw new EvalError('eval/unknown-benchmark', `no built-in rubric named '${nameOrPath}' (known: ${BUILT_IN_SCENE_RUBRICS.map((r) => r.name).join(', ')}); or give a rubric file (.yaml, .json)`);
  }
  const path = resolve(options.cwd, nameOrPath);
  const text = await readInputText(path, { kind: 'benchmark', maxBytes: options.maxBytes, fail: evalInputFailure });
  return parseSceneRubricText(text, path);
}

/** Parses a rubric file's text (YAML, or JSON, which is YAML too); `label` names it in errors. */
export function parseSceneRubricText(text: string, label: string): SceneRubric {
  const parsed = parseYamlWithLines(text, label, 'rubric file');
  if (!parsed.ok) throw new EvalError('eval/bad-definition', parsed.problems.join('\n'), { problems: parsed.problems });
  const result = SceneRubricFile.safeParse(parsed.value);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const allowed = objectKeysAt(SceneRubricFile, issue.path);
        return issue.keys.map((key) => located(label, parsed.locate, [...issue.path, key], `unknown key${allowed ? `; allowed keys: ${allowed.join(', ')}` : ''}`));
      }
      return [located(label, parsed.locate, issue.path, issueMessage(issue))];
    });
    throw new EvalError('eval/bad-definition', problems.join('\n'), { problems });
  }
  const file = result.data;
  return {
    name: file.name, title: file.title ?? file.name, ...(file.description ? { description: file.description } : {}), kind: file.kind,
    dimensions: file.dimensions.map((d) => ({ name: d.name, description: d.description, scale: [d.scale[0], d.scale[1]] })),
    ...(file.instructions ? { instructions: file.instructions } : {}), thoughts: file.thoughts, origin: label,
  };
}

function located(label: string, locate: Locate, path: ReadonlyArray<PropertyKey>, message: string): string {
  const line = locate(path);
  const where = line === undefined ? label : `${label}:${line}`;
  return path.length ? `${where}: ${formatFieldPath(path)}: ${message}` : `${where}: ${message}`;
}
