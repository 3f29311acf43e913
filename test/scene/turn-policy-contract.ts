import { describe, expect, it } from 'vitest';
import { seededRandom, type TurnChoice, type TurnContext, type TurnPolicy } from '../../src/scene/index.ts';

/** A cast of four with different talkativeness, and a turn order that is not the cast order. */
const CAST = [
  { name: 'Ana', talkativeness: 0.9 },
  { name: 'Bo', talkativeness: 0.2 },
  { name: 'Cy', talkativeness: 0.5 },
  { name: 'Dee Marsh', talkativeness: 0 },
] as const;
const ORDER = ['Cy', 'Ana', 'Dee Marsh', 'Bo'];
const NAMES = CAST.map((member) => member.name);

export interface SimulationOptions {
  seed: number;
  narrator: boolean;
  allowRepeat?: boolean;
  /** `turns.max`. */
  max?: number;
  /** Each acting character leaves with this chance (seeded). */
  leaveChance?: number;
}

/** One step of a simulated episode: who acted, and what the policy was told. */
export interface SimulatedStep {
  context: TurnContext;
  choice: TurnChoice;
}

/** A context frozen all the way down: a policy that changes what it is told throws (ES modules run in strict mode). */
function frozen(context: TurnContext): TurnContext {
  for (const speaker of context.present) Object.freeze(speaker);
  Object.freeze(context.present);
  Object.freeze(context.order);
  if (context.narratorChoice) Object.freeze(context.narratorChoice);
  return Object.freeze(context);
}

/**
 * Runs a policy as an episode does, without models: characters speak lines that name someone (often someone who has
 * left), some leave, and a simulated narrator picks anyone, the departed included. Every choice is returned with
 * the context it was made in; the simulation checks nothing itself.
 */
export function simulateTurns(policy: TurnPolicy, options: SimulationOptions): SimulatedStep[] {
  const max = options.max ?? 24;
  const draw = (...key: (string | number)[]) => seededRandom(options.seed, 'simulation', ...key);
  const pickName = (...key: (string | number)[]) => NAMES[Math.floor(draw(...key) * NAMES.length)];
  const left: string[] = [];
  const steps: SimulatedStep[] = [];
  let last: string | undefined;
  let lastHeard: string | undefined;
  let narratorChoice: TurnContext['narratorChoice'];
  let speechTurns = 0;
  for (let step = 0; speechTurns < max && left.length < NAMES.length && step < 400; step++) {
    const context = frozen({
      present: CAST.filter((member) => !left.includes(member.name)).map((member) => ({ ...member })),
      order: [...ORDER],
      ...(last === undefined ? {} : { last }),
      ...(lastHeard === undefined ? {} : { lastHeard }),
      turnsLeft: max - speechTurns,
      allowRepeat: options.allowRepeat ?? false,
      narrator: options.narrator,
      ...(narratorChoice === undefined ? {} : { narratorChoice: { ...narratorChoice } }),
      seed: options.seed,
      step,
    });
    const choice = policy.next(context);
    steps.push({ context, choice });
    if (choice.kind === 'narrator') {
      narratorChoice = { speaker: pickName(step, 'pick'), reason: 'the plot' };
      lastHeard = `The wind turns. ${pickName(step, 'named')} looks up.`;
      continue;
    }
    const names = choice.names.filter((name) => NAMES.includes(name as (typeof NAMES)[number]));
    speechTurns += Math.max(1, names.length);
    last = names.at(-1) ?? last;
    lastHeard = `${last}: what do you say, ${pickName(step, 'named')}?`;
    if (narratorChoice && names.includes(narratorChoice.speaker)) narratorChoice = undefined;
    for (const name of names) {
      if (!left.includes(name) && draw(step, name, 'leaves') < (options.leaveChance ?? 0)) left.push(name);
    }
  }
  return steps;
}

const SHAPES: SimulationOptions[] = [
  { seed: 1, narrator: true },
  { seed: 2, narrator: false },
  { seed: 3, narrator: true, leaveChance: 0.2 },
  { seed: 4, narrator: false, leaveChance: 0.25, allowRepeat: true },
  { seed: 5, narrator: true, leaveChance: 0.4, max: 7 },
  { seed: 6, narrator: true, max: 1 },
];

/** The scene a shape simulates, as the policy's `check` sees it. */
const sceneOf = (shape: SimulationOptions) => ({ cast: NAMES, narrator: shape.narrator });

/**
 * The behaviour every turn policy must have, the shipped ones and any plugin: run it on yours with
 * `runTurnPolicyContract(myPolicy)`. Shapes the policy refuses in `check` (no narrator, say) are skipped.
 */
export function runTurnPolicyContract(policy: TurnPolicy): void {
  describe(`TurnPolicy contract: ${policy.name}`, () => {
    const shapes = SHAPES.filter((shape) => policy.check(sceneOf(shape)).length === 0);

    it('has a name and a description, and accepts an ordinary scene (three characters and a narrator)', () => {
      expect(policy.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(policy.description.trim()).not.toBe('');
      expect(policy.check({ cast: ['Ana', 'Bo', 'Cy'], narrator: true })).toEqual([]);
      expect(shapes.length).toBeGreaterThan(0);
    });

    it('says in words what a scene it refuses must change', () => {
      for (const cast of [['Ana'], ['Ana', 'Bo'], ['Ana', 'Bo', 'Cy']]) {
        for (const narrator of [true, false]) {
          for (const problem of policy.check({ cast, narrator })) expect(problem).toMatch(/\w+ \w+ \w+/);
        }
      }
    });

    it('picks only present characters, each once, at least one and never more than the turns left', () => {
      for (const shape of shapes) {
        for (const { context, choice } of simulateTurns(policy, shape)) {
          if (choice.kind === 'narrator') continue;
          const present = context.present.map((speaker) => speaker.name);
          expect(choice.names.length, `step ${context.step} of seed ${shape.seed}`).toBeGreaterThanOrEqual(1);
          expect(choice.names.length, `step ${context.step} of seed ${shape.seed}`).toBeLessThanOrEqual(Math.max(1, context.turnsLeft));
          expect(new Set(choice.names).size).toBe(choice.names.length);
          for (const name of choice.names) expect(present, `step ${context.step} of seed ${shape.seed}`).toContain(name);
        }
      }
    });

    it('never picks someone who left, even when the last line or the narrator names them', () => {
      let departedNamed = 0;
      for (const shape of shapes.filter((s) => (s.leaveChance ?? 0) > 0)) {
        for (const { context, choice } of simulateTurns(policy, shape)) {
          const departed = NAMES.filter((name) => !context.present.some((speaker) => speaker.name === name));
          if (departed.some((name) => context.lastHeard?.includes(name) || context.narratorChoice?.speaker === name)) departedNamed++;
          if (choice.kind === 'characters') for (const name of choice.names) expect(departed).not.toContain(name);
        }
      }
      expect(departedNamed, 'the simulation names departed characters').toBeGreaterThan(0);
    });

    it('asks the narrator only in a scene that has one and not when it named a present character, so scenes end', () => {
      for (const shape of shapes) {
        const steps = simulateTurns(policy, shape);
        let asksInARow = 0;
        for (const { context, choice } of steps) {
          if (choice.kind === 'narrator') {
            expect(context.narrator).toBe(true);
            const named = context.narratorChoice?.speaker;
            expect(named === undefined || !context.present.some((speaker) => speaker.name === named), `step ${context.step}: the narrator already named ${named}`).toBe(true);
            asksInARow++;
            expect(asksInARow).toBeLessThan(50);
          } else asksInARow = 0;
        }
        expect(steps.length, 'the simulated scene ends').toBeLessThan(400);
      }
    });

    it('is deterministic: the same seed takes the same turns, and the same context gets the same choice', () => {
      for (const shape of shapes) {
        const first = simulateTurns(policy, shape);
        const second = simulateTurns(policy, shape);
        expect(second.map((s) => s.choice)).toEqual(first.map((s) => s.choice));
        for (const { context, choice } of first) expect(policy.next(context)).toEqual(choice);
      }
    });

    it('leaves what it is told unchanged (the context is frozen)', () => {
      for (const shape of shapes) expect(() => simulateTurns(policy, shape)).not.toThrow();
    });

    it('lets the last present character act (or asks the narrator) when everyone else has left', () => {
      const context = frozen({
        present: [{ name: 'Bo', talkativeness: 0.2 }], order: [...ORDER], last: 'Bo', lastHeard: 'Ana: farewell, Cy.', turnsLeft: 5,
        allowRepeat: false, narrator: true, seed: 9, step: 12,
      });
      const choice = policy.next(context);
      if (choice.kind === 'characters') expect(choice.names).toEqual(['Bo']);
      const withPick = policy.next(frozen({ ...context, present: [{ name: 'Bo', talkativeness: 0.2 }], order: [...ORDER], narratorChoice: { speaker: 'Bo', reason: 'alone' } }));
      expect(withPick).toEqual({ kind: 'characters', names: ['Bo'] });
    });
  });
}
