import type { SceneEvent, Visibility } from './scene-event.ts';

/** Whether a character may ever see an event with this visibility. */
export function canSee(visibility: Visibility, character: string): boolean {
  return visibility === 'all' || visibility.only.includes(character);
}

/**
 * The events a character could perceive, in log order. This is the only path from the log into a prompt:
 * a thought is `{ only: [actor] }`, a whisper `{ only: [a, b] }`, so nothing private leaks (DESIGN.md §1).
 */
export function perspectiveOf(events: readonly SceneEvent[], character: string): SceneEvent[] {
  return events.filter((event) => canSee(event.visibility, character));
}
