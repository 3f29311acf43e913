import { z } from 'zod';
import { perspectiveOf, type SceneEvent } from '../events/index.ts';
import { characterInLog, narratorNameOf, roundOf, SceneError, stringList, turnOf } from '../scene/index.ts';

/** The five mental states of a thought; the same words as ToMATO's `mental_state` values. */
export const MentalState = z.enum(['belief', 'intention', 'desire', 'emotion', 'knowledge']);
export type MentalState = z.infer<typeof MentalState>;

export const Thoughts = z.partialRecord(MentalState, z.string());
export type Thoughts = z.infer<typeof Thoughts>;

/** Private setup of a character, as given to it before the scene. */
export const TomatoProfile = z.object({ secrets: z.array(z.string()).optional(), goals: z.array(z.string()).optional() });
export type TomatoProfile = z.infer<typeof TomatoProfile>;

export const TomatoUtterance = z.object({
  /** Index of this utterance's line in `conversation`, from 0. */
  u_id: z.number().int(),
  speaker: z.string(),
  utterance: z.string(),
  /** The physical action of the same turn, if any. */
  action: z.string().optional(),
  /** A whisper's addressees. */
  to: z.array(z.string()).optional(),
  round: z.number().int().optional(),
  turn: z.string().optional(),
  /** The speaker's thought of this turn; absent when there was none or the perspective cannot see it. */
  thoughts: Thoughts.optional(),
});
export type TomatoUtterance = z.infer<typeof TomatoUtterance>;

/** What happens between utterances: narration, an action without speech, a thought without act. */
export const TomatoStage = z.object({
  /** The `u_id` of the utterance it precedes (= number of utterances before it). */
  before_u_id: z.number().int(),
  kind: z.enum(['narration', 'action', 'thought']),
  actor: z.string(),
  text: z.string(),
  /** Who could see it, when not everyone. */
  only: z.array(z.string()).optional(),
  left: z.literal(true).optional(),
  thoughts: Thoughts.optional(),
});
export type TomatoStage = z.infer<typeof TomatoStage>;

/**
 * One episode in the spirit of a ToMATO record (nttmdlab-nlp/ToMATO, `dataset/tomato_*.json`).
 * Follows ToMATO: snake_case keys; `conversation` is the utterances as `Name: "text"` lines joined by `\n`;
 * `u_id` points at one utterance; thought keys are ToMATO's `mental_state` values.
 * Differs: one object per episode rather than per question (no `q`, `a0..a3`, `a_idx`, `order`, `false_belief`);
 * thoughts sit beside each utterance in `utterances` (ToMATO generated them but releases only Q&A built from them);
 * `u_id` counts from the first line (ToMATO's skips its two scripted greetings "Hi!" / "Hi, how are you?");
 * `agents` are cast names where ToMATO has `sotopia_agents` ids, and `profiles` (secrets, goals) stand for the
 * Sotopia profiles and environment those ids refer to; `big_five` is not exported.
 * Narration, whispers, lone actions and the end reason have no ToMATO counterpart (`stage`, `to`, `end`).
 */
export const TomatoEpisode = z.object({
  episode_id: z.string(),
  title: z.string().optional(),
  agents: z.array(z.string()),
  /** The character whose view this is; absent for the omniscient export. */
  perspective: z.string().optional(),
  conversation: z.string(),
  utterances: z.array(TomatoUtterance),
  stage: z.array(TomatoStage),
  profiles: z.record(z.string(), TomatoProfile).optional(),
  end: z.string().optional(),
});
export type TomatoEpisode = z.infer<typeof TomatoEpisode>;

export interface TomatoOptions {
  /** Export only what this character could perceive (its thoughts and profile only). */
  as?: string;
  profiles?: Record<string, TomatoProfile>;
}

/**
 * The log of one episode as a ToMATO-like record; `JSON.stringify` it for one JSONL line.
 * @example toTomatoTranscript(events, { profiles: { Mirela: { secrets: ['She signals the smugglers.'] } } })
 */
export function toTomatoTranscript(events: readonly SceneEvent[], options: TomatoOptions = {}): TomatoEpisode {
  const episodeIds = [...new Set(events.map((event) => event.episodeId))];
  if (episodeIds.length > 1) {
    throw new SceneError('scene/invalid', `toTomatoTranscript takes the events of one episode; got ${episodeIds.length} (${episodeIds.join(', ')}). Call it once per episode.`);
  }
  const viewer = options.as === undefined ? undefined : characterInLog(events, options.as);
  const visible = viewer === undefined ? [...events] : perspectiveOf(events, viewer);

  const turnsWithSpeech = new Set(visible.filter((e) => e.kind === 'speech').map(turnOf).filter((turn): turn is string => turn !== undefined));
  const turnsWithAct = new Set(visible.filter((e) => e.kind === 'speech' || e.kind === 'action').map(turnOf).filter((turn): turn is string => turn !== undefined));
  const thoughtsOfTurn = new Map<string, Thoughts>();
  const thoughtsOfActor = new Map<string, Thoughts>();
  const actionOfTurn = new Map<string, string>();
  const takeThoughts = (event: SceneEvent): Thoughts | undefined => {
    const turn = turnOf(event);
    const thoughts = turn !== undefined && thoughtsOfTurn.has(turn) ? thoughtsOfTurn.get(turn) : thoughtsOfActor.get(event.actor);
    thoughtsOfActor.delete(event.actor);
    if (turn !== undefined) thoughtsOfTurn.delete(turn);
    return thoughts;
  };

  const utterances: TomatoUtterance[] = [];
  const stage: TomatoStage[] = [];
  let title: string | undefined;
  let cast: string[] | undefined;
  let end: string | undefined;

  for (const event of visible) {
    const turn = turnOf(event);
    const only = event.visibility === 'all' ? undefined : event.visibility.only;
    switch (event.kind) {
      case 'thought': {
        const thoughts = thoughtsOf(event);
        if (turn !== undefined && !turnsWithAct.has(turn)) {
          stage.push({ before_u_id: utterances.length, kind: 'thought', actor: event.actor, text: event.text, thoughts });
        } else if (turn !== undefined) thoughtsOfTurn.set(turn, thoughts);
        else thoughtsOfActor.set(event.actor, thoughts);
        break;
      }
      case 'action': {
        if (turn !== undefined && turnsWithSpeech.has(turn)) {
          actionOfTurn.set(turn, event.text);
          break;
        }
        stage.push({
          before_u_id: utterances.length, kind: 'action', actor: event.actor, text: event.text, only,
          left: event.data?.left === true ? true : undefined, thoughts: takeThoughts(event),
        });
        break;
      }
      case 'speech': {
        const to = stringList(event.data?.to);
        utterances.push({
          u_id: utterances.length, speaker: event.actor, utterance: event.text,
          action: turn === undefined ? undefined : actionOfTurn.get(turn),
          to: to.length > 0 ? to : undefined, round: roundOf(event), turn, thoughts: takeThoughts(event),
        });
        break;
      }
      case 'narration':
        if (event.text.trim() !== '') stage.push({ before_u_id: utterances.length, kind: 'narration', actor: narratorNameOf(event), text: event.text, only });
        break;
      case 'system': {
        const scene = event.data?.scene as { title?: unknown; cast?: unknown } | undefined;
        if (typeof scene?.title === 'string') title = scene.title;
        if (Array.isArray(scene?.cast)) cast = stringList(scene.cast);
        const ended = event.data?.end as { reason?: unknown } | undefined;
        if (typeof ended?.reason === 'string') end = ended.reason;
        break;
      }
      default:
        break;
    }
  }

  const agents = cast ?? [...new Set(utterances.map((u) => u.speaker))];
  const profiles = options.profiles === undefined ? undefined
    : Object.fromEntries(Object.entries(options.profiles).filter(([name]) => viewer === undefined || name === viewer));
  return strip({
    episode_id: episodeIds[0] ?? '',
    title,
    agents,
    perspective: viewer,
    conversation: utterances.map((u) => `${u.speaker}: "${u.utterance}"`).join('\n'),
    utterances: utterances.map(strip),
    stage: stage.map(strip),
    profiles,
    end,
  });
}

/** The thought's fields from `data`, or parsed from its `key: value` text when `data` lacks them. */
function thoughtsOf(event: SceneEvent): Thoughts {
  const thoughts: Thoughts = {};
  for (const key of MentalState.options) {
    const value = event.data?.[key];
    const line = new RegExp(`^\\s*${key}\\s*:\\s*(.*)$`, 'im').exec(event.text)?.[1];
    const text = typeof value === 'string' ? value : line?.trim();
    if (text !== undefined) thoughts[key] = text;
  }
  return thoughts;
}

/** Drops `undefined` fields so records compare and serialize cleanly. */
function strip<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
