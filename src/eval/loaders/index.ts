import { EvalError } from '../errors.ts';
import { beyondOneWorldCanonLoader, beyondOneWorldDilemmaLoader, beyondOneWorldLoader } from './beyond-one-world.ts';
import { conceptIncongruenceLoader } from './concept-incongruence.ts';
import { humanLabelsLoader } from './human-labels.ts';
import { moralRolePlayLoader } from './moral-roleplay.ts';
import { personaEvalLoader } from './persona-eval.ts';
import { roleMrcLoader } from './role-mrc.ts';
import { tomatoLoader } from './tomato.ts';
import type { DatasetLoader } from './types.ts';

export type { DatasetLoader } from './types.ts';

/** Every loader Dramatis ships, by name. */
export const LOADERS: readonly DatasetLoader[] = [
  tomatoLoader, personaEvalLoader, roleMrcLoader, beyondOneWorldCanonLoader, beyondOneWorldDilemmaLoader, beyondOneWorldLoader, conceptIncongruenceLoader,
  moralRolePlayLoader, humanLabelsLoader,
];

/** The loader with this name, or an error listing the known ones. */
export function findLoader(name: string): DatasetLoader {
  const loader = LOADERS.find((l) => l.name === name);
  if (!loader) throw new EvalError('eval/unknown-loader', `no dataset loader named '${name}'; known loaders: ${LOADERS.map((l) => l.name).join(', ')}`);
  return loader;
}
