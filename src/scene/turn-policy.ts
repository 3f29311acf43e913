/** A character who may act, with its weight for policies that draw (0–1). */
export interface Speaker {
  name: string;
  /** Weight for the natural policy (0–1). */
  talkativeness: number;
}

/** What a turn policy is told when the episode asks who acts next; it decides from this alone. */
export interface TurnContext {
  /** Present characters (not departed), in cast order; never empty. */
  present: readonly Speaker[];
  /** The scene's turn order: every cast member once, departed ones included. */
  order: readonly string[];
  /** The character who acted last. */
  last?: string;
  /** The text of the last speech or narration everyone heard. */
  lastHeard?: string;
  /** Character speech turns left before `turns.max` (at least 1 while the scene runs). */
  turnsLeft: number;
  /** Whether one character may speak twice in a row (`turns.allowRepeat`). */
  allowRepeat: boolean;
  /** Whether the scene has a narrator. */
  narrator: boolean;
  /** The narrator's pending choice of the next speaker (it may name someone who has left since). */
  narratorChoice?: { speaker: string; reason: string };
  /** The episode's seed and the number of steps committed so far: a policy that draws draws from these only. */
  seed: number;
  step: number;
}

/** Who acts next: one character, several at once (a simultaneous round, in this order), or the narrator, who then picks. */
export type TurnChoice = { kind: 'characters'; names: string[] } | { kind: 'narrator' };

/**
 * A turn policy (a plugin, like a scenario kind): decides who acts at each step of a scene. `next` is a pure
 * function of its context, so an episode resumed from its stored state, or replayed with its seed, takes the same turns.
 */
export interface TurnPolicy {
  /** The name a scene file gives in `turns.policy`. */
  name: string;
  description: string;
  /**
   * The narrator picks every speaker: it is asked for its pick whenever it has none pending (the opening
   * included), and takes no turns of its own every `narrator.every` character turns.
   */
  narratorDirects: boolean;
  /** What a scene must change to run under this policy (one message each), given its cast and whether it has a narrator; [] when it can run. */
  check(scene: { cast: readonly string[]; narrator: boolean }): string[];
  /** Who acts next: only present characters, each once, never more than `turnsLeft` (and at least one). */
  next(context: TurnContext): TurnChoice;
}
