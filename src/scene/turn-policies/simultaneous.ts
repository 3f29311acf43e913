import type { TurnPolicy } from '../turn-policy.ts';

/** Everyone present acts at once on the same log, in cast order; the last round is cut to the turns left. */
export const simultaneousPolicy: TurnPolicy = {
  name: 'simultaneous',
  description: 'every present character acts at once, nobody seeing the others\' moves until they are revealed together',
  narratorDirects: false,
  check({ cast }) {
    return cast.length < 2
      ? [`the simultaneous policy needs at least two characters, the cast has one (${cast.join(', ')}); add a character, or use round-robin with a narrator`]
      : [];
  },
  next(context) {
    return { kind: 'characters', names: context.present.slice(0, Math.max(1, context.turnsLeft)).map((speaker) => speaker.name) };
  },
};
