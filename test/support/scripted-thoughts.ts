import type { FakeReply, FakeRequest } from './fake-llm/index.ts';
import { requestRole } from './leak-check.ts';

/**
 * Fake-server replies for scene turns with scripted, distinct thoughts (each names the next cast member in its
 * belief every other turn), and for judges: a false-belief verdict and a PersonaEval distribution. `counters` is
 * per role and episode; reset it between runs.
 */
export function scriptedThoughts(counters: Map<string, number>, cast: readonly string[]) {
  return (request: FakeRequest): FakeReply | undefined => {
    if (!request.path.endsWith('/chat/completions')) return undefined;
    if (request.rawBody.includes("ToMATO's false-belief test")) return { json: { reason: 'compared', contradicts: /belief: [^\\]*storm will pass/.test(request.rawBody) } };
    const role = requestRole(request);
    if (!cast.includes(role)) {
      // A benchmark question: PersonaEval wants a distribution, ToMATO a letter.
      const text = request.rawBody;
      if (text.includes('Candidates for Character2')) return { text: JSON.stringify(Object.fromEntries(cast.map((name, i) => [name, i === 0 ? 0.6 : 0.4 / (cast.length - 1)]))) };
      return undefined;
    }
    // Per episode (each sends its own seed), so concurrent episodes do not interleave their counts.
    const key = `${role}:${String(request.body.seed)}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    const other = cast[(cast.indexOf(role) + 1) % cast.length]!;
    return {
      json: {
        thought: {
          belief: n % 2 === 1 ? `${role} suspects ${other} hid the ledger (${n})` : `${role} thinks the storm will pass by dawn (${n})`,
          intention: `${role} will check the cellar door (${n})`,
          desire: `${role} wants the harbour master to trust them (${n})`,
          emotion: `${role} is uneasy about the lamp (${n})`,
          knowledge: `${role} knows the tide turns at midnight (${n})`,
        },
        action: '',
        speech: `${role} says line ${n} to ${other}.`,
        to: '',
        leave: false,
      },
    };
  };
}

/** The cast `scriptedThoughts` is written for. */
export const STORM_CAST = ['Ana', 'Ben', 'Cleo'] as const;

/** A three-character round-robin scene for `scriptedThoughts` (`secret`: Ana's, for leak checks). */
export function stormScene(options: { turns: number; seed: number; secret?: string }): string {
  return `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
  - character: { name: Ana, description: The keeper. }${options.secret ? `\n    secret: ${options.secret}` : ''}
  - character: { name: Ben, description: A customs officer. }
  - character: { name: Cleo, description: A fisher. }
turns: { policy: round-robin, max: ${options.turns} }
seed: ${options.seed}
`;
}
