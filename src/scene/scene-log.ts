import type { SceneEvent } from '../events/index.ts';
import { SceneError } from './errors.ts';

// How a scene episode's events carry their turn, round, addressees and cast in `data`, read back by the
// transcript builders (the plain script here, the ToMATO-like export in eval/).

const notCharacters = new Set(['system', 'narrator']);

/** Every name an `as` may take: actors, addressees, the cast and `only` lists. */
export function namesInLog(events: readonly SceneEvent[]): string[] {
  const names = new Set<string>();
  for (const event of events) {
    if (!notCharacters.has(event.actor)) names.add(event.actor);
    if (event.visibility !== 'all') event.visibility.only.forEach((name) => names.add(name));
    stringList(event.data?.to).forEach((name) => names.add(name));
    const scene = event.data?.scene as { cast?: unknown } | undefined;
    stringList(scene?.cast).forEach((name) => names.add(name));
  }
  return [...names];
}

/** The name, when it is someone in this log to take the perspective of; else `scene/unknown-name` with the names there are. */
export function characterInLog(events: readonly SceneEvent[], name: string): string {
  const names = namesInLog(events);
  if (names.includes(name)) return name;
  const choices = names.length > 0 ? `use one of: ${names.join(', ')}` : 'this log has no characters';
  throw new SceneError('scene/unknown-name', `No character "${name}" in this scene log to take the perspective of; ${choices}.`);
}

/** The id of the turn an event belongs to (a thought, action and speech share one). */
export function turnOf(event: SceneEvent): string | undefined {
  const turn = event.data?.turn;
  return typeof turn === 'string' ? turn : undefined;
}

/** The round of a scene an event happened in. */
export function roundOf(event: SceneEvent): number | undefined {
  const value = event.data?.round;
  return typeof value === 'number' ? value : undefined;
}

/** The strings of a `data` list (addressees, a cast); anything else is an empty list. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The narrator's display name an event was written with ('Narrator' by default). */
export function narratorNameOf(event: SceneEvent): string {
  const name = event.data?.narratorName;
  return typeof name === 'string' && name !== '' ? name : 'Narrator';
}
