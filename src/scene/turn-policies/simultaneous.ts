import type { TurnPolicy } from '../turn-policy.ts';
import { needsTwoCharacters } from './cast-checks.ts';

/** Everyone present acts at once on the same log, in cast order; the last round is cut to the turns left. */
export const simultaneousPolicy: TurnPolicy = {
  name: 'simultaneous',
  description: 'every present character acts at once, nobody seeing the others\' moves until they are revealed together',
  narratorDirects: false,
  check: needsTwoCharacters('simultaneous'),
  next(context) {
    return { kind: 'characters', names: context.present.slice(0, Math.max(1, context.turnsLeft)).map((speaker) => speaker.name) };
  },
};
