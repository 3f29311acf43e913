import { z } from 'zod';
import { seededRandom } from '../../scene/index.ts';
import { EvalError } from '../errors.ts';
import type { Judge } from '../judges/index.ts';
import { MentalState, toTomatoTranscript, type Thoughts, type TomatoEpisode } from '../tomato-transcript.ts';
import { countSkip, type SceneSetEpisode, type SkipCounts } from './scene-set-episode.ts';
import { namesCharacter, normalizeText, seededShuffle, wordPattern } from './scene-set-text.ts';

/**
 * One question in ToMATO's released format (nttmdlab-nlp/ToMATO, `dataset/README.md`): exactly what the `tomato`
 * loader reads. `false_belief` is left out when no judge decided it.
 */
export interface TomatoSetRecord {
  a0: string;
  a1: string;
  a2: string;
  a3: string;
  a_idx: number;
  a_str: string;
  big_five: string;
  conversation: string;
  false_belief?: boolean;
  mental_state: MentalState;
  order: 1 | 2;
  q: string;
  q_id: string;
  sotopia_agents: string[];
  sotopia_environment: string;
  u_id: string;
}

export interface BuildTomatoSetOptions {
  /** Seeds the option order, the distractors drawn and the question wording (default 1). */
  seed?: number;
  /** Decides the false-belief flag of second-order questions; without it the flag is left out of every record. */
  judge?: Judge;
  /** Judge calls in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface TomatoSetSummary {
  episodes: number;
  items: number;
  /** Items per `mental_state · order`. */
  byStateAndOrder: Record<string, number>;
  /** Questions left out, by reason. */
  skipped: SkipCounts;
  /** Second-order items by false-belief flag (`true`, `false`, `unknown` when the judge could not decide); absent without a judge. */
  falseBelief?: { true: number; false: number; unknown: number };
  /** Gold answers by option letter. */
  goldLetters: Record<string, number>;
}

const LETTERS = ['A', 'B', 'C', 'D'];
const DISTRACTORS = 3;

/** ToMATO's verbs per mental state (`code/src/utils.py`, `mental_verb`): base form, third person. */
const VERBS: Record<MentalState, [string, string]> = {
  emotion: ['feel', 'feels'], belief: ['think', 'thinks'], intention: ['will', 'will'], desire: ['want', 'wants'], knowledge: ['know', 'knows'],
};

/** Words that make a belief about someone a belief about their feelings (second-order `emotion`). */
const FEELING = /^(?:\s+\S+){0,3}?\s+(?:feels?|felt|feeling|afraid|scared|frightened|angry|furious|upset|sad|happy|glad|nervous|anxious|worried|uneasy|calm|jealous|ashamed|embarrassed|hurt|relieved|annoyed|irritated|excited|hopeful|lonely|guilty|desperate|frustrated|proud|resentful|grateful|terrified|bitter)\b/iu;

const FalseBeliefVerdict = z.object({
  reason: z.string().describe('one or two sentences comparing the two texts'),
  contradicts: z.boolean().describe("true when A's belief about B is incompatible with B's own thought"),
});

const FALSE_BELIEF_TASK = [
  "ToMATO's false-belief test. At one moment of a scene, character A holds a belief about character B (A's belief about B),",
  "and B privately had its own thought at that moment (B's own thought: belief, intention, desire, emotion, knowledge).",
  "Answer contradicts: true when what A believes B thinks, feels, wants, intends or knows is incompatible with B's own thought;",
  "false when it agrees with it or B's thought does not settle the matter.",
].join(' ');

interface Thinking {
  actor: string;
  /** Order in the episode: an utterance k is at 2k + 1, what happens before it at 2k. */
  position: number;
  thoughts: Thoughts;
}

interface PendingItem {
  record: TomatoSetRecord;
  /** For second-order items: whose belief, about whom, and what the other thought then. */
  falseBeliefCheck?: { holder: string; about: string; belief: string; ownThought?: Thoughts };
}

/**
 * A ToMATO-format multiple-choice set from scene logs with verbalized thoughts. First order: at an utterance, which
 * of four texts is what the speaker believed, intended, wanted, felt or knew (gold: its own thought of that turn).
 * Second order: which is what the speaker believed about another character its belief names. Distractors are the
 * same speaker's thoughts of the same kind at other turns, then other characters'; the conversation of each question
 * ends at its utterance and holds speech only, never a thought.
 * @example const { records, summary } = await buildTomatoSet([{ id: 'storm-e0', events }], { seed: 1 })
 */
export async function buildTomatoSet(episodes: readonly SceneSetEpisode[], options: BuildTomatoSetOptions = {}): Promise<{ records: TomatoSetRecord[]; summary: TomatoSetSummary }> {
  const seed = options.seed ?? 1;
  const skipped: SkipCounts = {};
  const pending: PendingItem[] = [];
  let thinking = 0;
  for (const episode of episodes) {
    const transcript = toTomatoTranscript(episode.events);
    const thoughts = thinkingOf(transcript);
    thinking += thoughts.length;
    pending.push(...episodeItems(episode, transcript, thoughts, seed, skipped));
  }
  if (thinking === 0) {
    throw new EvalError('eval/no-thoughts', `no thoughts in the log of ${describeEpisodes(episodes)}: a ToMATO set needs the characters' verbalized thoughts (belief, intention, desire, emotion, knowledge) of each turn`);
  }
  if (pending.length === 0) {
    throw new EvalError('eval/no-items', `no question could be built from ${describeEpisodes(episodes)}: ${describeSkips(skipped)}`);
  }
  if (options.judge) await judgeFalseBeliefs(pending, options.judge, seed, options);
  const records = pending.map((item) => releasedOrder(item.record));
  return { records, summary: summarizeTomatoSet(records, episodes.length, skipped, options.judge !== undefined) };
}

/** Figures of a built set: items per mental state and order, false-belief flags, gold letters. */
export function summarizeTomatoSet(records: readonly TomatoSetRecord[], episodes: number, skipped: SkipCounts, judged: boolean): TomatoSetSummary {
  const byStateAndOrder: Record<string, number> = {};
  const goldLetters: Record<string, number> = Object.fromEntries(LETTERS.map((letter) => [letter, 0]));
  const falseBelief = { true: 0, false: 0, unknown: 0 };
  for (const record of records) {
    const key = `${record.mental_state} · ${record.order}`;
    byStateAndOrder[key] = (byStateAndOrder[key] ?? 0) + 1;
    goldLetters[LETTERS[record.a_idx]!]! += 1;
    if (record.order === 2) falseBelief[record.false_belief === undefined ? 'unknown' : record.false_belief ? 'true' : 'false'] += 1;
  }
  const sorted = Object.fromEntries(Object.entries(byStateAndOrder).sort(([a], [b]) => a.localeCompare(b)));
  return { episodes, items: records.length, byStateAndOrder: sorted, skipped, ...(judged ? { falseBelief } : {}), goldLetters };
}

/** Every thought of the episode in order, with who had it. */
function thinkingOf(transcript: TomatoEpisode): Thinking[] {
  const all: Thinking[] = [];
  for (const stage of transcript.stage) {
    if (stage.thoughts && hasThought(stage.thoughts)) all.push({ actor: stage.actor, position: 2 * stage.before_u_id, thoughts: stage.thoughts });
  }
  for (const utterance of transcript.utterances) {
    if (utterance.thoughts && hasThought(utterance.thoughts)) all.push({ actor: utterance.speaker, position: 2 * utterance.u_id + 1, thoughts: utterance.thoughts });
  }
  return all.sort((a, b) => a.position - b.position);
}

function hasThought(thoughts: Thoughts): boolean {
  return Object.values(thoughts).some((text) => typeof text === 'string' && text.trim() !== '');
}

function episodeItems(episode: SceneSetEpisode, transcript: TomatoEpisode, thinking: Thinking[], seed: number, skipped: SkipCounts): PendingItem[] {
  const cast = episode.cast ?? transcript.agents;
  const environment = episode.title ?? transcript.title ?? episode.id;
  const lines = transcript.utterances.map((u) => `${u.speaker}: "${u.utterance}"`);
  const items: PendingItem[] = [];
  for (const utterance of transcript.utterances) {
    const own = utterance.thoughts;
    if (!own || !hasThought(own)) continue;
    const speaker = utterance.speaker;
    const position = 2 * utterance.u_id + 1;
    const base = {
      big_five: bigFiveText(episode.bigFive?.[speaker]),
      conversation: lines.slice(0, utterance.u_id + 1).join('\n'),
      sotopia_agents: cast,
      sotopia_environment: environment,
      u_id: String(utterance.u_id),
    };
    const said = `"${utterance.utterance}"`;

    for (const state of MentalState.options) {
      const gold = own[state]?.trim();
      if (!gold) continue;
      const qId = `1st-order-${state}_${episode.id}_${utterance.u_id}`;
      const pool = [
        ...seededShuffle(textsOf(thinking, state, (t) => t.actor === speaker && t.position !== position), seed, qId, 'own'),
        ...seededShuffle(textsOf(thinking, state, (t) => t.actor !== speaker), seed, qId, 'others'),
      ];
      const question = firstOrderQuestion(state, speaker, said, seededRandom(seed, qId, 'wording') < 0.5);
      const record = multipleChoice(gold, pool, seed, qId);
      if (!record) {
        countSkip(skipped, 'too-few-distractors');
        continue;
      }
      items.push({ record: { ...record, ...base, mental_state: state, order: 1, q: question, q_id: qId } });
    }

    const belief = own.belief?.trim();
    const about = belief ? cast.find((name) => name !== speaker && namesCharacter(belief, name)) : undefined;
    if (!belief || !about) continue;
    const state: MentalState = FEELING.test(belief.split(wordPattern(about)).slice(1).join(' ')) ? 'emotion' : 'belief';
    const qId = `2nd-order-belief-about-${state}_${episode.id}_${utterance.u_id}`;
    const pool = [
      ...seededShuffle(textsOf(thinking, 'belief', (t) => t.actor === speaker && t.position !== position && namesCharacter(t.thoughts.belief ?? '', about)), seed, qId, 'own-about'),
      ...seededShuffle(textsOf(thinking, 'belief', (t) => t.actor !== speaker && t.actor !== about && namesCharacter(t.thoughts.belief ?? '', about)), seed, qId, 'others-about'),
      ...seededShuffle(textsOf(thinking, 'belief', (t) => t.actor === speaker && t.position !== position), seed, qId, 'own'),
      ...seededShuffle(textsOf(thinking, 'belief', (t) => t.actor !== speaker), seed, qId, 'others'),
    ];
    const record = multipleChoice(belief, pool, seed, qId);
    if (!record) {
      countSkip(skipped, 'too-few-distractors');
      continue;
    }
    const ownThought = thinking.filter((t) => t.actor === about && t.position < position).at(-1)?.thoughts;
    items.push({
      record: { ...record, ...base, mental_state: state, order: 2, q: secondOrderQuestion(state, speaker, about, said, seededRandom(seed, qId, 'wording') < 0.5), q_id: qId },
      falseBeliefCheck: { holder: speaker, about, belief, ownThought },
    });
  }
  return items;
}

function textsOf(thinking: readonly Thinking[], state: MentalState, keep: (t: Thinking) => boolean): string[] {
  return thinking.filter(keep).map((t) => t.thoughts[state]?.trim() ?? '').filter((text) => text !== '');
}

/** The four options with the gold one at a seeded place, or undefined when fewer than three distinct distractors exist. */
function multipleChoice(gold: string, pool: readonly string[], seed: number, qId: string): Pick<TomatoSetRecord, 'a0' | 'a1' | 'a2' | 'a3' | 'a_idx' | 'a_str'> | undefined {
  const seen = new Set([normalizeText(gold)]);
  const distractors: string[] = [];
  for (const text of pool) {
    const key = normalizeText(text);
    if (seen.has(key) || key === '') continue;
    seen.add(key);
    distractors.push(text);
    if (distractors.length === DISTRACTORS) break;
  }
  if (distractors.length < DISTRACTORS) return undefined;
  const index = Math.floor(seededRandom(seed, qId, 'gold') * LETTERS.length);
  const options = [...distractors.slice(0, index), gold, ...distractors.slice(index)];
  return { a0: options[0]!, a1: options[1]!, a2: options[2]!, a3: options[3]!, a_idx: index, a_str: gold };
}

/** ToMATO's first-order wording (`code/run_generate_tomato.py`, `generate_question`), with the name for its pronoun. */
function firstOrderQuestion(state: MentalState, name: string, said: string, leading: boolean): string {
  const [verb] = VERBS[state];
  if (state === 'emotion') return leading ? `How does ${name} ${verb} when ${name} says ${said}?` : `When ${name} says ${said}, how does ${name} ${verb}?`;
  if (state === 'intention') return leading ? `What will ${name} do when ${name} says ${said}?` : `When ${name} says ${said}, what will ${name} do?`;
  return leading ? `What does ${name} ${verb} when ${name} says ${said}?` : `When ${name} says ${said}, what does ${name} ${verb}?`;
}

function secondOrderQuestion(state: MentalState, name: string, other: string, said: string, leading: boolean): string {
  const third = VERBS[state][1];
  if (state === 'emotion') {
    return leading ? `How does ${name} think that ${other} ${third} when ${name} says ${said}?` : `When ${name} says ${said}, how does ${name} think that ${other} ${third}?`;
  }
  return leading ? `What does ${name} think that ${other} ${third} when ${name} says ${said}?` : `When ${name} says ${said}, what does ${name} think that ${other} ${third}?`;
}

const TRAITS: [string, string][] = [
  ['openness', 'Openness to Experience'], ['conscientiousness', 'Conscientiousness'], ['extraversion', 'Extraversion'],
  ['agreeableness', 'Agreeableness'], ['neuroticism', 'Neuroticism'],
];

/** ToMATO's `big_five` text (`Openness to Experience - High; …`, High from 0.5); '' when the card has no Big Five. */
function bigFiveText(scores: Record<string, number> | undefined): string {
  if (!scores || TRAITS.some(([key]) => typeof scores[key] !== 'number')) return '';
  return TRAITS.map(([key, label]) => `${label} - ${scores[key]! >= 0.5 ? 'High' : 'Low'}`).join('; ');
}

/** ToMATO's flag: true when the judge finds A's belief about B contradicts B's own thought at that time. */
async function judgeFalseBeliefs(items: PendingItem[], judge: Judge, seed: number, options: BuildTomatoSetOptions): Promise<void> {
  for (const item of items) if (item.record.order === 1) item.record.false_belief = false;
  const checks = items.filter((item) => item.falseBeliefCheck?.ownThought !== undefined);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const item = checks[next++]!;
      const check = item.falseBeliefCheck!;
      const { verdict } = await judge.ask({
        task: FALSE_BELIEF_TASK,
        context: { A: check.holder, B: check.about },
        candidates: {
          "A's belief about B": check.belief,
          "B's own thought": MentalState.options.filter((s) => check.ownThought?.[s]).map((s) => `${s}: ${check.ownThought![s]}`).join('\n'),
        },
        schema: FalseBeliefVerdict,
        seed,
        signal: options.signal,
      });
      if (verdict) item.record.false_belief = verdict.contradicts;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, checks.length)) }, worker));
}

/** The record's keys in the order of the released files (alphabetical), the flag only when decided. */
function releasedOrder(record: TomatoSetRecord): TomatoSetRecord {
  const { false_belief: flag, ...rest } = record;
  const ordered = { ...rest, ...(flag === undefined ? {} : { false_belief: flag }) };
  return Object.fromEntries(Object.entries(ordered).sort(([a], [b]) => (a < b ? -1 : 1))) as unknown as TomatoSetRecord;
}

function describeEpisodes(episodes: readonly SceneSetEpisode[]): string {
  if (episodes.length === 1) return `episode ${episodes[0]!.id}`;
  return `${episodes.length} episodes`;
}

export function describeSkips(skipped: SkipCounts): string {
  const entries = Object.entries(skipped);
  if (entries.length === 0) return 'no utterance had a thought to ask about';
  return entries.map(([reason, count]) => `${count} skipped (${reason})`).join(', ');
}
