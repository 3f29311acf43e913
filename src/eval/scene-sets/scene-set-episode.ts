import type { SceneEvent } from '../../events/index.ts';

/** One stored scene episode as the set builders read it: its whole log and what its cast's cards say. */
export interface SceneSetEpisode {
  id: string;
  events: readonly SceneEvent[];
  /** The scene's title (ToMATO's `sotopia_environment`; PersonaEval's scene line). */
  title?: string;
  /** The cast in scene order; by default the cast the log's opening names, else its speakers. */
  cast?: string[];
  /** Each character's Big Five (0–1 per trait), when its card has them. */
  bigFive?: Record<string, Record<string, number>>;
  /** Each character's card description (PersonaEval's candidate profiles). */
  descriptions?: Record<string, string>;
}

/** How many questions a builder left out, and why (`too-few-distractors`, `no-context`...). */
export type SkipCounts = Record<string, number>;

export function countSkip(skipped: SkipCounts, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
