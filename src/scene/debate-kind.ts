import { z } from 'zod';
import type { SceneEvent } from '../events/index.ts';
import { participation } from './participation.ts';
import type { ScenarioKind } from './scenario-kinds.ts';
import type { Scene } from './scene-schema.ts';

const DebateParams = z.object({
  topic: z.string().trim().min(1).describe('The motion debated; each debater reports how much it agrees with it'),
  scale: z.tuple([z.number().int(), z.number().int()])
    .refine(([low, high]) => low < high, { message: 'the scale is [low, high] with low below high' })
    .default([1, 7])
    .describe('The Likert scale of the private opinion reports, [low, high] (low: disagree, high: agree)'),
  rounds: z.number().int().min(1).max(100).default(3).describe('Rounds of the debate (each debater speaks once a round): turns.max becomes rounds × cast'),
}).strict();
type DebateParams = z.infer<typeof DebateParams>;

const Report = z.object({
  opinion: z.number().describe('How much you agree, a whole number on the scale'),
  reason: z.string().describe('Why, in one sentence'),
});

/** One opinion report read back from a log. */
export interface OpinionReport {
  debater: string;
  round: number;
  opinion: number;
  reason: string;
}

/**
 * A debate (DEBATE): the cast debates `topic` in public turns for `rounds` rounds; before the first round and after
 * each, every debater privately reports its opinion on a Likert `scale` (an event only it can see).
 */
export const debateKind: ScenarioKind = {
  name: 'debate',
  description: 'A debate on a topic; each debater privately reports its opinion on a Likert scale before the first round and after each',
  params: DebateParams,
  rules(scene) {
    const { topic, scale: [low, high] } = DebateParams.parse(scene.params);
    return [
      `This is a debate on: ${topic}. Argue for what you think and answer the others' arguments; change your mind only when an argument convinces you.`,
      `Before the first round and after each round you are asked privately how much you agree (${low}: strongly disagree, ${high}: strongly agree); nobody else sees your answer.`,
    ].join('\n');
  },
  metrics(scene, events) {
    return { ...participation(scene, events), ...opinionMetrics(scene, opinionReports(scene.cast.map((c) => c.name), events)) };
  },
  report: {
    rounds: (scene) => DebateParams.parse(scene.params).rounds,
    ask(scene, round, earlier) {
      const { topic, rounds, scale: [low, high] } = DebateParams.parse(scene.params);
      const before = earlier.map((e) => `- ${e.data?.round === 0 ? 'before the debate' : `after round ${String(e.data?.round)}`}: ${e.text}`);
      return [
        'Private report: only you will see this answer; it is not a turn of the debate, and nobody else hears it.',
        `${round === 0 ? 'Before the debate starts' : `After round ${round} of ${rounds}`}, how much do you agree with: "${topic}"?`,
        `Give a whole number from ${low} (strongly disagree) to ${high} (strongly agree), and one sentence saying why.`,
        ...(before.length ? ['Your earlier private reports:', ...before] : []),
        'Reply with only a JSON object: {"opinion": <number>, "reason": "<why>"}',
      ].join('\n');
    },
    schema(scene) {
      const { scale: [low, high] } = DebateParams.parse(scene.params);
      return Report.extend({ opinion: z.number().int().min(low).max(high).describe(`How much you agree, a whole number from ${low} to ${high}`) });
    },
    read(scene, value, round) {
      const { scale: [low, high] } = DebateParams.parse(scene.params);
      const parsed = Report.safeParse(value);
      if (!parsed.success) return { ok: false, error: `the report must be {"opinion": <number>, "reason": "<why>"} (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})` };
      const { opinion, reason } = parsed.data;
      if (!Number.isInteger(opinion) || opinion < low || opinion > high) {
        return { ok: false, error: `the opinion ${opinion} is not a whole number on the scale ${low}–${high}` };
      }
      return { ok: true, text: `opinion ${opinion} (${low}–${high}): ${reason.trim()}`, data: { opinion, reason: reason.trim(), round } };
    },
  },
};

/** The debaters' opinion reports in a log, in order (events that are not well-formed reports of a cast member are skipped). */
export function opinionReports(castNames: readonly string[], events: readonly SceneEvent[]): OpinionReport[] {
  const cast = new Set(castNames);
  return events.flatMap((event) => {
    const { opinion, round, reason } = event.data ?? {};
    if (event.kind !== 'report' || !cast.has(event.actor) || typeof opinion !== 'number' || !Number.isFinite(opinion) || typeof round !== 'number') return [];
    return [{ debater: event.actor, round, opinion, reason: typeof reason === 'string' ? reason : '' }];
  });
}

/**
 * The debate's figures: `opinion.NAME.rN` (each debater's trajectory), `sd.rN` (the spread of opinions at each
 * round), `mean_abs_change` (the mean over debaters of |last opinion − first opinion|), `sd_start` and `sd_end`
 * (population standard deviation of the opinions before the first round and at the last round reported) and
 * `delta_sd` = sd_end − sd_start (negative when the debaters converged).
 */
export function opinionMetrics(scene: Scene, reports: readonly OpinionReport[]): Record<string, number> {
  if (reports.length === 0) return {};
  const metrics: Record<string, number> = {};
  const byRound = new Map<number, Map<string, number>>();
  const trajectories = new Map<string, number[]>();
  for (const report of reports) {
    metrics[`opinion.${report.debater}.r${report.round}`] = report.opinion;
    if (!byRound.has(report.round)) byRound.set(report.round, new Map());
    byRound.get(report.round)!.set(report.debater, report.opinion);
  }
  const rounds = [...byRound.keys()].sort((a, b) => a - b);
  for (const round of rounds) metrics[`sd.r${round}`] = populationSd([...byRound.get(round)!.values()]);
  for (const member of scene.cast) {
    const path = rounds.map((round) => byRound.get(round)!.get(member.name)).filter((o): o is number => o !== undefined);
    if (path.length) trajectories.set(member.name, path);
  }
  const changes = [...trajectories.values()].map((path) => Math.abs(path.at(-1)! - path[0]));
  metrics.mean_abs_change = changes.reduce((a, b) => a + b, 0) / changes.length;
  metrics.sd_start = metrics[`sd.r${rounds[0]}`];
  metrics.sd_end = metrics[`sd.r${rounds.at(-1)}`];
  metrics.delta_sd = metrics.sd_end - metrics.sd_start;
  return metrics;
}

function populationSd(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

export { DebateParams };
