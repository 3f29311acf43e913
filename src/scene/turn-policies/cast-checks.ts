import type { TurnPolicy } from '../turn-policy.ts';

/** The check of a policy that needs two characters or more (one cannot take turns with nobody). */
export function needsTwoCharacters(policy: string): TurnPolicy['check'] {
  return ({ cast }) => (cast.length < 2
    ? [`the ${policy} policy needs at least two characters, the cast has one (${cast.join(', ')}); add a character, or use round-robin with a narrator`]
    : []);
}
