import type { TurnPolicy } from '../turn-policy.ts';

/** The narrator picks each speaker; a pick of someone who has left since is asked again. */
export const narratorPolicy: TurnPolicy = {
  name: 'narrator',
  description: 'the narrator picks who acts next, every turn',
  narratorDirects: true,
  check({ narrator }) {
    return narrator ? [] : ['the narrator policy needs a narrator; add `narrator: { enabled: true }` or choose round-robin, natural or simultaneous'];
  },
  next(context) {
    const choice = context.narratorChoice;
    if (choice && context.present.some((speaker) => speaker.name === choice.speaker)) return { kind: 'characters', names: [choice.speaker] };
    return { kind: 'narrator' };
  },
};
