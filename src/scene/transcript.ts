import { z } from 'zod';
import { perspectiveOf, type SceneEvent } from '../events/index.ts';
import { SceneError } from './errors.ts';

/** The five mental states of a thought; the same words as ToMATO's `mental_state` values. */
export const MentalState = z.enum(['belief', 'intention', 'desire', 'emotion', 'knowledge']);
export type MentalState = z.infer<typeof MentalState>;

export const Thoughts = z.partialRecord(MentalState, z.string());
export type Thoughts = z.infer<typeof Thoughts>;

export interface SceneTranscriptOptions {
  /** Show only what this character could perceive (its own thoughts included). Default: omniscient. */
  as?: string;
  /** Show thought events (default true). */
  showThoughts?: boolean;
  /** ANSI colors (default false). */
  color?: boolean;
}

/**
 * A scene log as a plain-text script: omniscient by default, with private events marked
 * (`[whisper Tomas → Mirela]`, `[to Mirela only]`) and thoughts indented under their turn;
 * with `as`, exactly what that character perceived. Throws when `as` names nobody in the log.
 * @example renderSceneTranscript(events, { as: 'Mirela' })
 */
export function renderSceneTranscript(events: readonly SceneEvent[], options: SceneTranscriptOptions = {}): string {
  const viewer = options.as;
  const visible = viewer === undefined ? [...events] : perspectiveOf(events, knownName(events, viewer));
  const showThoughts = options.showThoughts ?? true;
  const paint = painter(options.color ?? false);

  // A thought comes first in the log but reads best under the action or speech of its turn.
  const lastOfTurn = new Map<string, number>();
  visible.forEach((event, index) => {
    const turn = turnOf(event);
    if (turn !== undefined && event.kind !== 'thought') lastOfTurn.set(turn, index);
  });
  const underHost = new Map<number, SceneEvent[]>();
  const lines: string[] = [];
  let round: number | undefined;
  const roundHeader = (event: SceneEvent) => {
    const next = numberField(event, 'round');
    if (next === undefined || next === round) return;
    round = next;
    lines.push(paint.dim(`-- round ${next} --`));
  };

  visible.forEach((event, index) => {
    if (event.kind === 'thought') {
      if (!showThoughts) return;
      const host = lastOfTurn.get(turnOf(event) ?? '');
      if (host !== undefined && host > index) {
        underHost.set(host, [...(underHost.get(host) ?? []), event]);
        return;
      }
      roundHeader(event);
      lines.push(renderThought(event, paint));
      return;
    }
    roundHeader(event);
    lines.push(...renderEvent(event, viewer === undefined, paint));
    for (const thought of underHost.get(index) ?? []) lines.push(renderThought(thought, paint));
  });
  return lines.join('\n');
}

/** The full events, one JSON object a line, ending with a newline (empty string for no events). */
export function toJsonl(events: readonly SceneEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

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
  const viewer = options.as === undefined ? undefined : knownName(events, options.as);
  const visible = viewer === undefined ? [...events] : perspectiveOf(events, viewer);

  const turnsWithSpeech = new Set(visible.filter((e) => e.kind === 'speech').map(turnOf).filter(isString));
  const turnsWithAct = new Set(visible.filter((e) => e.kind === 'speech' || e.kind === 'action').map(turnOf).filter(isString));
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
        const to = stringArray(event.data?.to);
        utterances.push({
          u_id: utterances.length, speaker: event.actor, utterance: event.text,
          action: turn === undefined ? undefined : actionOfTurn.get(turn),
          to: to.length > 0 ? to : undefined, round: numberField(event, 'round'), turn, thoughts: takeThoughts(event),
        });
        break;
      }
      case 'narration':
        if (event.text.trim() !== '') stage.push({ before_u_id: utterances.length, kind: 'narration', actor: narratorName(event), text: event.text, only });
        break;
      case 'system': {
        const scene = event.data?.scene as { title?: unknown; cast?: unknown } | undefined;
        if (typeof scene?.title === 'string') title = scene.title;
        if (Array.isArray(scene?.cast)) cast = stringArray(scene.cast);
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

// --- helpers -------------------------------------------------------------------------------------------

const notCharacters = new Set(['system', 'narrator']);

/** Every name an `as` may take: actors, addressees, the cast and `only` lists. */
function namesIn(events: readonly SceneEvent[]): string[] {
  const names = new Set<string>();
  for (const event of events) {
    if (!notCharacters.has(event.actor)) names.add(event.actor);
    if (event.visibility !== 'all') event.visibility.only.forEach((name) => names.add(name));
    stringArray(event.data?.to).forEach((name) => names.add(name));
    const scene = event.data?.scene as { cast?: unknown } | undefined;
    stringArray(scene?.cast).forEach((name) => names.add(name));
  }
  return [...names];
}

function knownName(events: readonly SceneEvent[], name: string): string {
  const names = namesIn(events);
  if (names.includes(name)) return name;
  const choices = names.length > 0 ? `use one of: ${names.join(', ')}` : 'this log has no characters';
  throw new SceneError('scene/unknown-name', `No character "${name}" in this scene log to take the perspective of; ${choices}.`);
}

function turnOf(event: SceneEvent): string | undefined {
  const turn = event.data?.turn;
  return typeof turn === 'string' ? turn : undefined;
}

function numberField(event: SceneEvent, key: string): number | undefined {
  const value = event.data?.[key];
  return typeof value === 'number' ? value : undefined;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter(isString) : [];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function narratorName(event: SceneEvent): string {
  const name = event.data?.narratorName;
  return typeof name === 'string' && name !== '' ? name : 'Narrator';
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

interface Paint {
  name(text: string): string;
  dim(text: string): string;
  mark(text: string): string;
  narration(text: string): string;
  warn(text: string): string;
}

function painter(color: boolean): Paint {
  const ansi = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { name: ansi('1'), dim: ansi('2'), mark: ansi('35'), narration: ansi('3'), warn: ansi('33') };
}

const endReasons: Record<string, string> = {
  'max-turns': 'turn limit reached',
  phrase: 'stop phrase said',
  narrator: 'the narrator ended the scene',
  'all-left': 'every character left',
};

function privateMarker(event: SceneEvent): string {
  if (event.visibility === 'all') return '';
  return `[to ${event.visibility.only.join(', ')} only] `;
}

function renderEvent(event: SceneEvent, omniscient: boolean, paint: Paint): string[] {
  const who = paint.name(event.actor);
  switch (event.kind) {
    case 'speech': {
      if (event.visibility === 'all') return [`${who}: ${event.text}`];
      const to = stringArray(event.data?.to);
      const addressees = to.length > 0 ? to : event.visibility.only.filter((name) => name !== event.actor);
      return [`${paint.mark(`[whisper ${event.actor} → ${addressees.join(', ')}]`)} ${event.text}`];
    }
    case 'action': {
      const left = event.data?.left === true ? ` ${paint.dim('[leaves the scene]')}` : '';
      const text = event.text.replace(/^\*+|\*+$/g, '').trim();
      return [`${paint.mark(privateMarker(event))}${who}: ${text === '' ? '' : `*${text}*`}${left}`.trimEnd()];
    }
    case 'narration': {
      const lines = event.text.trim() === ''
        ? []
        : [`${paint.mark(privateMarker(event))}${paint.name(narratorName(event))}: ${paint.narration(event.text)}`];
      const next = event.data?.next as { speaker?: unknown; reason?: unknown } | undefined;
      // The narrator's choice of speaker is its own reasoning: no character perceives it.
      if (omniscient && typeof next?.speaker === 'string') {
        const reason = typeof next.reason === 'string' && next.reason !== '' ? `: ${next.reason}` : '';
        lines.push(paint.dim(`  (${narratorName(event)} gives the turn to ${next.speaker}${reason})`));
      }
      return lines;
    }
    case 'system':
      return renderSystem(event, paint);
    case 'thought':
      return [renderThought(event, paint)];
    default:
      return event.text === '' ? [] : [`${paint.mark(privateMarker(event))}[${event.kind}] ${event.text}`];
  }
}

function renderSystem(event: SceneEvent, paint: Paint): string[] {
  const data = event.data ?? {};
  const scene = data.scene as { title?: unknown; cast?: unknown; policy?: unknown } | undefined;
  if (scene !== undefined) {
    const title = typeof scene.title === 'string' ? scene.title : 'Scene';
    const policy = scene.policy === undefined ? '' : ` · policy: ${typeof scene.policy === 'string' ? scene.policy : JSON.stringify(scene.policy)}`;
    return [paint.name(`=== ${title} ===`), paint.dim(`cast: ${stringArray(scene.cast).join(', ')}${policy}`)];
  }
  const next = data.next as { speaker?: unknown; reason?: unknown } | undefined;
  if (typeof next?.speaker === 'string' || data.end === true) {
    const reason = typeof next?.reason === 'string' && next.reason !== '' ? `: ${next.reason}` : '';
    return [paint.dim(typeof next?.speaker === 'string' ? `  (${narratorName(event)} gives the turn to ${next.speaker}${reason})` : `  (${narratorName(event)} ends the scene)`)];
  }
  if (data.warning !== undefined) {
    return [paint.warn(`! ${typeof data.warning === 'string' ? data.warning : event.text}`)];
  }
  const ended = data.end as { reason?: unknown } | undefined;
  if (ended !== undefined) {
    const reason = typeof ended.reason === 'string' ? endReasons[ended.reason] ?? ended.reason : 'ended';
    return [paint.name(`=== end: ${reason} ===`)];
  }
  return event.text === '' ? [] : [paint.dim(`[system] ${event.text}`)];
}

/** `  (Mirela thinks) belief: ...` with the following lines aligned under the first. */
function renderThought(event: SceneEvent, paint: Paint): string {
  const head = `  (${event.actor} thinks) `;
  const pad = ' '.repeat(head.length);
  const [first = '', ...rest] = event.text.split('\n');
  return paint.dim([`${head}${first}`, ...rest.map((line) => `${pad}${line}`)].join('\n'));
}
