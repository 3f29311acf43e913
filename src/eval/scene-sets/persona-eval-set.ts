import { csvField } from '../report/csv.ts';
import { EvalError } from '../errors.ts';
import { toTomatoTranscript } from '../tomato-transcript.ts';
import { countSkip, type SceneSetEpisode, type SkipCounts } from './scene-set-episode.ts';
import { seededShuffle, wordPattern } from './scene-set-text.ts';

/** One PersonaEval-style row: the columns of the released track CSVs (`prompt`, `gt`, `optionN`, `optionN_profile`). */
export interface PersonaEvalSetRow {
  id: string;
  prompt: string;
  /** The speaker's name (one of the options). */
  gt: string;
  options: { name: string; profile: string }[];
}

export interface BuildPersonaEvalSetOptions {
  /** Seeds the order of the candidates (default 1). */
  seed?: number;
  /** Lines shown before the asked one, at most (default 6). */
  contextLines?: number;
}

export interface PersonaEvalSetSummary {
  episodes: number;
  items: number;
  /** Questions left out, by reason. */
  skipped: SkipCounts;
  /** Items per number of candidates. */
  byCandidates: Record<string, number>;
  /** Gold answers by option letter (A = option1). */
  goldLetters: Record<string, number>;
}

const HIDDEN = 'Character2';
const DEFAULT_CONTEXT_LINES = 6;

/**
 * PersonaEval-style role identification from scene logs: each utterance, with the speech before it, as a line of
 * "Character2" to attribute to one of the scene's cast. The shown lines are speech only (no thoughts, actions or
 * narration), start after the asked speaker's previous line (so no line is labelled with its name), and every
 * mention of its name in them is replaced by "Character2".
 * @example const { rows } = buildPersonaEvalSet([{ id: 'storm-e0', events, descriptions: { Ana: 'The keeper.' } }])
 */
export function buildPersonaEvalSet(episodes: readonly SceneSetEpisode[], options: BuildPersonaEvalSetOptions = {}): { rows: PersonaEvalSetRow[]; summary: PersonaEvalSetSummary } {
  const seed = options.seed ?? 1;
  const window = options.contextLines ?? DEFAULT_CONTEXT_LINES;
  const skipped: SkipCounts = {};
  const rows: PersonaEvalSetRow[] = [];
  for (const episode of episodes) {
    const transcript = toTomatoTranscript(episode.events);
    const cast = episode.cast ?? transcript.agents;
    for (const utterance of transcript.utterances) {
      const speaker = utterance.speaker;
      if (cast.length < 2 || !cast.includes(speaker)) {
        countSkip(skipped, cast.length < 2 ? 'fewer-than-2-candidates' : 'speaker-not-in-cast');
        continue;
      }
      const before = transcript.utterances.slice(0, utterance.u_id);
      const lastOwn = before.map((u) => u.speaker).lastIndexOf(speaker);
      const context = before.slice(Math.max(lastOwn + 1, before.length - window));
      if (context.length === 0) {
        countSkip(skipped, 'no-context');
        continue;
      }
      const hide = (text: string) => text.replace(wordPattern(speaker, 'giu'), HIDDEN);
      const id = `${episode.id}-${utterance.u_id}`;
      const candidates = seededShuffle(cast, seed, id, 'candidates').map((name) => ({ name, profile: episode.descriptions?.[name]?.trim() ?? '' }));
      const prompt = [
        `Read the scene and decide who speaks as ${HIDDEN}.`,
        '',
        ...(episode.title ? [`Scene: ${hide(episode.title)}`, ''] : []),
        ...context.map((u) => `${u.speaker}: "${hide(u.utterance)}"`),
        `${HIDDEN}: "${hide(utterance.utterance)}"`,
        '',
        `Candidates for ${HIDDEN}:`,
        ...candidates.map((c) => (c.profile ? `- ${c.name}: ${c.profile}` : `- ${c.name}`)),
        '',
        `Answer with a JSON object mapping each candidate's name to the probability that they are ${HIDDEN}; the probabilities must sum to 1.`,
      ].join('\n');
      rows.push({ id, prompt, gt: speaker, options: candidates });
    }
  }
  if (rows.length === 0) {
    const reasons = Object.entries(skipped).map(([reason, count]) => `${count} skipped (${reason})`).join(', ') || 'no speech';
    throw new EvalError('eval/no-items', `no role-identification item could be built from ${episodes.length === 1 ? `episode ${episodes[0]!.id}` : `${episodes.length} episodes`}: ${reasons}`);
  }
  return { rows, summary: summarizePersonaEvalSet(rows, episodes.length, skipped) };
}

function summarizePersonaEvalSet(rows: readonly PersonaEvalSetRow[], episodes: number, skipped: SkipCounts): PersonaEvalSetSummary {
  const byCandidates: Record<string, number> = {};
  const goldLetters: Record<string, number> = {};
  const width = Math.max(...rows.map((row) => row.options.length));
  for (let i = 0; i < width; i++) goldLetters[String.fromCharCode(65 + i)] = 0;
  for (const row of rows) {
    byCandidates[String(row.options.length)] = (byCandidates[String(row.options.length)] ?? 0) + 1;
    goldLetters[String.fromCharCode(65 + row.options.findIndex((o) => o.name === row.gt))]! += 1;
  }
  return { episodes, items: rows.length, skipped, byCandidates, goldLetters };
}

/** The rows as a PersonaEval track CSV (the released columns; CRLF between records like Python's `csv`). */
export function renderPersonaEvalCsv(rows: readonly PersonaEvalSetRow[]): string {
  // The released tracks have option1…option4 at least (the loader requires them); a smaller cast leaves cells empty.
  const width = Math.max(4, ...rows.map((row) => row.options.length));
  const header = ['prompt', 'gt', ...Array.from({ length: width }, (_, i) => [`option${i + 1}`, `option${i + 1}_profile`]).flat()];
  const lines = [header, ...rows.map((row) => [
    row.prompt, row.gt, ...Array.from({ length: width }, (_, i) => [row.options[i]?.name ?? '', row.options[i]?.profile ?? '']).flat(),
  ])];
  return lines.map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
}
