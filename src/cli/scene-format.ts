import type { KindDescription, Scene } from '../scene/index.ts';
import { describeOutputModes, type SceneRunRow, type SceneRunSummary, type ShownSceneRun } from '../run/index.ts';

// How the scene commands print what the operations return.

/** `14 in 4 episode(s)`: how often a step was tried again after a transient failure, and in how many episodes. */
export function describeTurnRetries(retries: { total: number; episodes: number }): string {
  return `${retries.total} in ${retries.episodes} episode(s)`;
}

/** `$0.0123`, naming the models without a price. */
export function formatCost(cost: { usd: number; unpriced: string[] }): string {
  const usd = `$${cost.usd.toFixed(4)}`;
  return cost.unpriced.length ? `${usd} (no price for ${cost.unpriced.join(', ')}; set DRAMATIS_PRICES)` : usd;
}

/** The summary lines under a run: episodes by outcome, turn retries, structured output, usage and cost. */
export function sceneRunSummaryLines(summary: SceneRunSummary, cost: { usd: number; unpriced: string[] }): string[] {
  const { episodes, usage } = summary;
  return [
    `run ${summary.run}: ${episodes.done} done, ${episodes.failed} failed, ${episodes.unfinished} unfinished of ${episodes.total} episode(s)`,
    ...(summary.turnRetries.total > 0 ? [`turn retries: ${describeTurnRetries(summary.turnRetries)}`] : []),
    `structured output: ${describeOutputModes(summary.structuredOutput)}`,
    `usage: ${usage.calls} calls (${usage.cachedCalls} cached), ${usage.inputTokens} input + ${usage.outputTokens} output tokens; cost ${formatCost(cost)}`,
  ];
}

/** The `scene runs` table. */
export function sceneRunsTable(rows: readonly SceneRunRow[]): string[] {
  const width = Math.max(2, ...rows.map((r) => r.id.length));
  return [
    `${'ID'.padEnd(width)}  ${'STATUS'.padEnd(8)}  DONE/FAILED/TOTAL  TOKENS(in/out)  TURN RETRIES  TITLE`,
    ...rows.map((r) => {
      const jobs = `${r.jobs.done}/${r.jobs.failed}/${r.jobs.total}`;
      return `${r.id.padEnd(width)}  ${r.status.padEnd(8)}  ${jobs.padStart(17)}  ${`${r.usage.inputTokens}/${r.usage.outputTokens}`.padStart(14)}  ${String(r.turnRetries).padStart(12)}  ${r.title}`;
    }),
  ];
}

/** `scene show RUN`: the run's title and status, its turn retries and mean metrics, then one line per episode. */
export function sceneRunLines(shown: ShownSceneRun): string[] {
  const { run, jobs, metrics } = shown;
  const lines = [`# ${run.title} — run ${run.id} (${shown.status})`];
  if (shown.turnRetries.total > 0) lines.push(`turn retries: ${describeTurnRetries(shown.turnRetries)}`);
  if (metrics.episodes > 0) {
    lines.push(`mean over ${metrics.episodes} finished episode(s): ${Object.entries(metrics.means).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(', ')}`);
  }
  jobs.forEach((job, i) => {
    const retried = shown.jobTurnRetries[i]! > 0 ? `  turn retries: ${shown.jobTurnRetries[i]}` : '';
    lines.push(`${String(job.input.episodeId).padEnd(32)}  ${job.status.padEnd(7)}  ${String(job.input.model)}${job.result?.ended ? `  ended: ${String(job.result.ended)}` : ''}${retried}${job.error ? `  ${job.error}` : ''}`);
  });
  return lines;
}

/** `scene validate`: each scene's kind, policy and narrator, then its cast with secrets and goals. */
export function sceneSummaryLines(scenes: readonly Scene[]): string[] {
  return scenes.flatMap((s) => [
    `${s.title} — ${s.kind}, ${s.turns.policy}, max ${s.turns.max} turns${s.narrator ? `, narrator ${s.narrator.name} (${s.narrator.perspective})` : ''}`,
    ...s.cast.map((m) => {
      const secrets = [...(m.character.secrets ?? []), ...m.privateSetup.secrets].length;
      return `  ${m.name}${m.source === 'inline' ? '' : ` (${m.source})`}: ${secrets} secret(s), ${m.privateSetup.goals.length} goal(s)${m.model ? `, model ${m.model}` : ''}`;
    }),
  ]);
}

/** `scene kinds`: each kind, its description, then one line per param (`name  type  default  description`). */
export function sceneKindLines(kinds: readonly KindDescription[]): string[] {
  return kinds.flatMap((kind, i) => {
    const width = Math.max(0, ...kind.params.map((p) => p.name.length));
    return [
      ...(i > 0 ? [''] : []),
      `${kind.name}${kind.reports ? ' (private reports)' : ''}: ${kind.description}`,
      ...(kind.params.length === 0 ? ['  (no params)'] : kind.params.map((p) => {
        const given = p.required ? 'required' : p.default === undefined ? 'optional' : `default ${JSON.stringify(p.default)}`;
        return `  ${p.name.padEnd(width)}  ${p.type}, ${given}${p.description ? ` — ${p.description}` : ''}`;
      })),
    ];
  });
}
