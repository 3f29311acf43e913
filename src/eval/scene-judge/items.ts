import type { SceneEvent } from '../../events/index.ts';
import { renderSceneTranscript, turnOf } from '../../scene/index.ts';
import type { BenchItem } from '../item.ts';

/** One finished episode of a scene run, as a judge run reads it. */
export interface JudgedEpisode {
  /** The scene run's job id (`e0`): item ids start with it, so runs of the same scene pair up in `bench compare`. */
  key: string;
  episodeId: string;
  events: readonly SceneEvent[];
  cast: readonly string[];
  /** Each cast member's sheet as the judge reads it (its own secrets and goals, nobody else's). */
  sheets: Readonly<Record<string, string>>;
}

/** Where a judge item's line came from (kept in `item.meta`). */
export interface SceneJudgeSource {
  /** The lines under judgement: the item's answer, read from the log instead of asked of a model. */
  answer: string;
  episodeId: string;
  character: string;
  /** Per utterance: the turn (`t4`) and the first seq of its step (the prompt ended before it). */
  turn?: string;
  beforeSeq?: number;
}

/** The events a character generated itself (opening lines are scripted, not played). */
function playedLines(events: readonly SceneEvent[], name: string): SceneEvent[] {
  return events.filter((e) => e.actor === name && (e.kind === 'speech' || e.kind === 'action') && e.data?.opening !== true && turnOf(e) !== 't0');
}

/**
 * One item per cast member who played a line: the answer is every line it played; the judge's context is its sheet
 * and the scene as it perceived it (`perspectiveOf`: never another character's thoughts, whispers or asides), with
 * its own thoughts only when `thoughts` is set.
 */
export function characterItems(episode: JudgedEpisode, options: { thoughts: boolean }): BenchItem[] {
  const items: BenchItem[] = [];
  for (const name of episode.cast) {
    const lines = playedLines(episode.events, name);
    if (lines.length === 0) continue;
    const source: SceneJudgeSource = { answer: renderSceneTranscript(lines, { as: name, showThoughts: false }), episodeId: episode.episodeId, character: name };
    items.push({
      id: `${episode.key}:${name}`, record: items.length + 1,
      vars: { character: name, sheet: episode.sheets[name] ?? '', transcript: renderSceneTranscript(episode.events, { as: name, showThoughts: options.thoughts }) },
      categories: { character: name, episode: episode.key },
      meta: { ...source },
    });
  }
  return items;
}

/** A reply as the judge compares it: `*action* speech`. */
export function replyText(action: string | undefined, speech: string): string {
  const act = (action ?? '').replace(/^\*+|\*+$/g, '').trim();
  return act ? `*${act}* ${speech.trim()}`.trim() : speech.trim();
}

/** The step a turn belongs to (`t4` for `t4` and for `t4.2` of a simultaneous round). */
const stepOf = (turn: string) => turn.split('.')[0]!;

/**
 * One item per played turn of each cast member: the answer is that turn's line; the context is the character's sheet
 * and the scene as it perceived it before its step began (what its prompt was built from), without thoughts.
 */
export function utteranceItems(episode: JudgedEpisode): BenchItem[] {
  const items: BenchItem[] = [];
  const firstSeqOfStep = new Map<string, number>();
  for (const event of episode.events) {
    const turn = turnOf(event);
    if (turn !== undefined && !firstSeqOfStep.has(stepOf(turn))) firstSeqOfStep.set(stepOf(turn), event.seq);
  }
  for (const speech of episode.events) {
    const turn = turnOf(speech);
    if (speech.kind !== 'speech' || turn === undefined || turn === 't0' || speech.data?.opening === true || !episode.cast.includes(speech.actor)) continue;
    const name = speech.actor;
    const action = episode.events.find((e) => e.kind === 'action' && e.actor === name && turnOf(e) === turn);
    const beforeSeq = firstSeqOfStep.get(stepOf(turn))!;
    const prefix = episode.events.filter((e) => e.seq < beforeSeq);
    const source: SceneJudgeSource = { answer: replyText(action?.text, speech.text), episodeId: episode.episodeId, character: name, turn, beforeSeq };
    items.push({
      id: `${episode.key}:${turn}:${name}`, record: items.length + 1,
      vars: { character: name, sheet: episode.sheets[name] ?? '', transcript: prefix.length ? renderSceneTranscript(prefix, { as: name, showThoughts: false }) : '(the scene has just begun)' },
      categories: { character: name, episode: episode.key },
      meta: { ...source },
    });
  }
  return items;
}
