import type { BenchSummary, ModelSummary } from '../../results.ts';
import { formatCount } from '../numbers.ts';
import { askedBy, averagingNote, plural, problemCounts } from '../summary-view.ts';
import { formatDate } from './dates.ts';
import { escapeHtml } from './escape.ts';

/** Title, run facts and, when something went wrong, a warning with counts. */
export function renderHeader(summary: BenchSummary, models: readonly ModelSummary[], title: string): string {
  const facts: [string, string][] = [
    ['Run', summary.runId],
    ['Status', summary.status],
    ['Date', formatDate(summary.createdAt)],
    ['Seed', String(summary.seed)],
    ...(summary.mode?.kind === 'agent' ? [['Asked by', askedBy(summary)] as [string, string]] : []),
    ['Judge', summary.judge ?? 'none'],
    ['Loader', summary.benchmark.loader],
  ];
  if (summary.benchmark.data) facts.push(['Data', summary.benchmark.data]);
  if (summary.benchmark.source) facts.push(['Source', summary.benchmark.source]);
  const averaging = averagingNote(summary);
  if (averaging) facts.push(['Average', `metrics ${averaging}`]);
  return `<header class="top">
<p class="eyebrow">Dramatis benchmark report · ${escapeHtml(summary.benchmark.name)} · ${plural(models.length, 'model')}</p>
<h1>${escapeHtml(title)}</h1>
<dl class="facts">${facts.map(([name, value]) => `<div><dt>${escapeHtml(name)}</dt><dd${name === 'Status' ? ` class="status-${escapeHtml(value.toLowerCase().replace(/\W+/g, '-'))}"` : ''}>${escapeHtml(value)}</dd></div>`).join('')}</dl>
</header>
${renderWarning(models)}`;
}

function renderWarning(models: readonly ModelSummary[]): string {
  const counts = problemCounts(models);
  const parts: string[] = [];
  if (counts.failed) parts.push(`<strong>${plural(counts.failed, 'item')} failed</strong> (model errors after retries; missing from the scores, <code>--resume</code> retries them)`);
  if (counts.invalid) parts.push(`<strong>${plural(counts.invalid, 'answer')} invalid</strong> (the extractor could not read them; counted apart, never as right or wrong)`);
  if (counts.unjudged) parts.push(`<strong>${plural(counts.unjudged, 'item')} unjudged</strong> (the judge's verdict was malformed after a repair; judged metrics skip them)`);
  if (!parts.length) return '';
  const perModel = models
    .filter((model) => model.failed || model.invalid || model.unjudged)
    .map((model) => {
      const counts = [[model.failed, 'failed'], [model.invalid, 'invalid'], [model.unjudged, 'unjudged']] as const;
      const text = counts.filter(([count]) => count > 0).map(([count, what]) => `${formatCount(count)} ${what}`).join(' · ');
      return `<li><span class="model">${escapeHtml(model.model)}</span>: ${text}</li>`;
    })
    .join('');
  return `<div class="banner" role="alert"><p>${parts.join('; ')}.</p><ul>${perModel}</ul></div>`;
}
