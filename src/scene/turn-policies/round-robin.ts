import type { TurnPolicy } from '../turn-policy.ts';

/** The next present character after the last one, in the scene's order (wrapping around); undefined when nobody is present. */
export function nextRoundRobin(order: readonly string[], present: ReadonlySet<string>, last: string | undefined): string | undefined {
  const start = last === undefined ? -1 : order.indexOf(last);
  for (let i = 1; i <= order.length; i++) {
    const name = order[(start + i + order.length) % order.length];
    if (present.has(name)) return name;
  }
  return undefined;
}

/** Each present character in turn, in `turns.order`. */
export const roundRobinPolicy: TurnPolicy = {
  name: 'round-robin',
  description: 'each present character in turn, in turns.order (default: cast order)',
  narratorDirects: false,
  check({ cast, narrator }) {
    return cast.length === 1 && !narrator
      ? [`a cast of one (${cast.join(', ')}) without a narrator has no one to talk to; enable the narrator or add a character`]
      : [];
  },
  next(context) {
    const present = context.present.map((speaker) => speaker.name);
    return { kind: 'characters', names: [nextRoundRobin(context.order, new Set(present), context.last) ?? present[0]] };
  },
};
