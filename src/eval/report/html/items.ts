import type { CategoryValue } from '../../item.ts';
import type { AttemptRecord, BenchSummary, ItemRecord } from '../../results.ts';
import { decimalsFor, formatCount, formatValue } from '../numbers.ts';
import { metricInfo, thoughtLines } from '../summary-view.ts';
import { escapeHtml } from './escape.ts';
import { itemFilterScript } from './item-filter-script.ts';
import { itemOutcomes, outcomes, selectItems } from './outcome.ts';
import { positionName } from './positions.ts';

/** The per-item drill-down: a filterable list whose rows open to show every attempt. */
export function renderItems(summary: BenchSummary, items: readonly ItemRecord[], maxItems: number): string {
  if (!items.length) {
    return `<section id="items">\n<h2>Items</h2>\n<p class="note">This report holds no item records.</p>\n</section>`;
  }
  const { shown, leftOut } = selectItems(items, maxItems);
  const categories = categoryOptions(shown);
  const models = [...new Set(shown.map((item) => item.model))];
  const note = leftOut
    ? `<p class="banner subtle">Showing ${formatCount(shown.length)} of ${formatCount(items.length)} item records (failed, invalid and unjudged first); ${formatCount(leftOut)} left out. The JSON and items CSV exports hold them all.</p>`
    : '';
  const filters = `<div class="filters">
<label>Model <select data-filter="model"><option value="">All models</option>${models.map((model) => `<option value="${escapeHtml(model)}">${escapeHtml(model)}</option>`).join('')}</select></label>
<label>Category <select data-filter="category"><option value="">All categories</option>${categories
    .map(([name, values]) => `<optgroup label="${escapeHtml(name)}">${values.map((value) => `<option value="${escapeHtml(categoryToken(name, value))}">${escapeHtml(`${name} = ${value}`)}</option>`).join('')}</optgroup>`)
    .join('')}</select></label>
<label>Outcome <select data-filter="outcome"><option value="">All outcomes</option>${outcomes.map((outcome) => `<option value="${outcome}">${outcome}</option>`).join('')}</select></label>
<label>Item <input type="search" data-filter="search" placeholder="id contains…"></label>
<span class="count" data-count>${formatCount(shown.length)} of ${formatCount(shown.length)} shown</span>
</div>`;
  const rows = shown.map((item) => renderItem(summary, item)).join('\n');
  return `<section id="items">
<h2>Items</h2>
<p class="note">One row per item and model. Open a row to see each attempt: the prompt, the raw answer, what was read from it, the judge's verdict and the option order. <em>correct</em> means the primary metric reached its best value.</p>
${note}${filters}
<div class="items" role="table">
<div class="row head" role="row"><span>Item</span><span>Model</span><span>Categories</span><span>Values</span><span>Outcome</span><span>Status</span></div>
${rows}
<p class="empty" data-empty hidden>No item matches these filters.</p>
</div>
<script>${itemFilterScript}</script>
</section>`;
}

function categoryToken(name: string, value: CategoryValue): string {
  return `${name}=${String(value)}`;
}

function categoryOptions(items: readonly ItemRecord[]): [string, CategoryValue[]][] {
  const byName = new Map<string, Map<string, CategoryValue>>();
  for (const item of items) {
    for (const [name, value] of Object.entries(item.categories)) {
      const values = byName.get(name) ?? new Map<string, CategoryValue>();
      values.set(String(value), value);
      byName.set(name, values);
    }
  }
  return [...byName].map(([name, values]) => [name, [...values.values()]]);
}

function renderItem(summary: BenchSummary, item: ItemRecord): string {
  const primary = metricInfo(summary, summary.primaryMetric);
  const found = itemOutcomes(item, primary);
  const tokens = Object.entries(item.categories).map(([name, value]) => categoryToken(name, value));
  const chips = Object.entries(item.categories)
    .map(([name, value]) => `<span class="chip">${escapeHtml(name)} <b>${escapeHtml(String(value))}</b></span>`)
    .join('');
  const primaryValue = item.values[primary.name];
  const others = Object.keys(item.values).filter((name) => name !== primary.name);
  const values = `${primary.name in item.values ? `<span class="kv primary">${escapeHtml(primary.name)} <b>${itemValue(primaryValue, decimalsFor(primary))}</b></span>` : ''}${others.length ? `<span class="more">+${others.length} more</span>` : ''}`;
  const status = item.error ? `<span class="error-text" title="${escapeHtml(item.error)}">${escapeHtml(item.status)}: ${escapeHtml(item.error)}</span>` : escapeHtml(item.status);
  return `<details class="item" data-model="${escapeHtml(item.model)}" data-categories="${escapeHtml(JSON.stringify(tokens))}" data-outcomes="${found.join(' ')}" data-id="${escapeHtml(item.itemId.toLowerCase())}">
<summary class="row" role="row"><span class="id">${escapeHtml(item.itemId)}</span><span class="model">${escapeHtml(item.model)}</span><span class="chips">${chips}</span><span class="values">${values}</span><span class="outcomes">${found.map((outcome) => `<span class="badge ${outcome}">${outcome}</span>`).join('')}</span><span class="status">${status}</span></summary>
<div class="detail">
${others.length || primary.name in item.values ? `<p><span class="label">Values</span> ${valueList(summary, item.values)}</p>` : ''}
${item.expected !== undefined ? `<p><span class="label">Expected</span> ${escapeHtml(item.expected)}</p>` : ''}
${item.error ? `<div class="block error"><span class="label">Error</span><pre>${escapeHtml(item.error)}</pre></div>` : ''}
${item.attempts.length ? item.attempts.map((attempt, index) => renderAttempt(summary, attempt, index, item.attempts.length)).join('\n') : '<p class="muted">No attempt was recorded.</p>'}
</div>
</details>`;
}

function renderAttempt(summary: BenchSummary, attempt: AttemptRecord, index: number, count: number): string {
  const flags = [attempt.invalid ? '<span class="badge invalid">invalid</span>' : '', attempt.unjudged ? '<span class="badge unjudged">unjudged</span>' : ''].join('');
  const order = attempt.order
    ? `<p><span class="label">Option order</span> ${attempt.order.map((released, shown) => `${positionName(shown)} = released #${released}`).join(' · ')}</p>`
    : '';
  const prompt = attempt.prompt
    .map((turn) => `<div class="turn ${escapeHtml(turn.role)}"><span class="role">${escapeHtml(turn.role)}</span><pre>${escapeHtml(turn.content)}</pre></div>`)
    .join('');
  const values = valueList(summary, attempt.values);
  const turn = attempt.turn
    ? `<div class="block"><span class="label">${escapeHtml(attempt.turn.character)}'s thought (private; the answer was read from the turn)</span><pre>${escapeHtml(thoughtLines(attempt.turn.thought))}</pre></div>`
    : '';
  const verdict = attempt.verdict === undefined ? '' : `<div class="block"><span class="label">Verdict</span><pre class="json">${escapeHtml(prettyJson(attempt.verdict))}</pre></div>`;
  return `<div class="attempt">
<h4>Attempt ${index + 1} of ${count} ${flags}</h4>
${order}
<div class="block"><span class="label">Prompt</span><div class="prompt">${prompt}</div></div>
${turn}
<div class="block"><span class="label">Answer</span><pre class="answer">${escapeHtml(attempt.answer)}</pre></div>
<p><span class="label">Extraction</span> ${attempt.extraction === undefined ? '<span class="muted">—</span>' : escapeHtml(attempt.extraction)}</p>
${verdict}
${count > 1 && values ? `<p><span class="label">Values</span> ${values}</p>` : ''}
</div>`;
}

function valueList(summary: BenchSummary, values: Record<string, number | null>): string {
  return Object.entries(values)
    .map(([name, value]) => `<span class="kv">${escapeHtml(name)} <b>${itemValue(value, decimalsFor(metricInfo(summary, name)))}</b></span>`)
    .join('');
}

/** One item's value: whole numbers (a 0/1 accuracy, a 1–5 score) stay whole. */
function itemValue(value: number | null, decimals: number): string {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : formatValue(value, decimals);
}

function prettyJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
