import type { TurnPolicy } from '../turn-policy.ts';
import { naturalPolicy } from './natural.ts';
import { narratorPolicy } from './narrator.ts';
import { roundRobinPolicy } from './round-robin.ts';
import { simultaneousPolicy } from './simultaneous.ts';

export { roundRobinPolicy, nextRoundRobin } from './round-robin.ts';
export { naturalPolicy, nextNatural, mentionIndex, type NaturalInput } from './natural.ts';
export { narratorPolicy } from './narrator.ts';
export { simultaneousPolicy } from './simultaneous.ts';

/** The turn policies this release ships; pass your own list to the scene reader and the episode to add policies. */
export const defaultTurnPolicies: readonly TurnPolicy[] = [roundRobinPolicy, naturalPolicy, narratorPolicy, simultaneousPolicy];

/** The policy named `name`, or undefined. */
export function findTurnPolicy(name: string, policies: readonly TurnPolicy[] = defaultTurnPolicies): TurnPolicy | undefined {
  return policies.find((policy) => policy.name === name);
}
