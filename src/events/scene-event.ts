import { z } from 'zod';

/** Who may ever see an event: everyone, or only the listed characters. */
export const Visibility = z.union([z.literal('all'), z.object({ only: z.array(z.string()) })]);
export type Visibility = z.infer<typeof Visibility>;

export const EventKind = z.enum(['speech', 'action', 'thought', 'narration', 'state', 'report', 'system']);
export type EventKind = z.infer<typeof EventKind>;

/** One entry of an episode's append-only log (DESIGN.md §1). */
export const SceneEvent = z.object({
  id: z.string(),
  episodeId: z.string(),
  seq: z.number().int(),
  at: z.string(),
  kind: EventKind,
  /** A character name, or 'narrator' | 'user' | 'system'. */
  actor: z.string(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  visibility: Visibility,
});
export type SceneEvent = z.infer<typeof SceneEvent>;

/** An event before the store assigns its seq (and its id and time, unless given). */
export type NewEvent = Omit<SceneEvent, 'id' | 'episodeId' | 'seq' | 'at'> & { id?: string; at?: string };
