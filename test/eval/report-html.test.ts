import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/eval/report/index.ts';
import type { BenchSummary } from '../../src/eval/results.ts';
import { scriptAnswer, syntheticItems, syntheticSummary } from './report-fixture.ts';

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('renderHtmlReport', () => {
  let rendered: Promise<string> | undefined;
  /** The fixture's report, rendered once for the tests that only read it. */
  const standard = () => (rendered ??= renderHtmlReport(syntheticSummary(), syntheticItems()));

  it('inlines one vega SVG per chart: leaderboard, four breakdowns, radar, positions', async () => {
    const html = await standard();
    expect(count(html, /<svg\b/g)).toBe(7);
    expect(count(section(html, 'leaderboard'), /<svg\b/g)).toBe(1);
    expect(count(section(html, 'breakdowns'), /<svg\b/g)).toBe(4);
    expect(count(section(html, 'judged'), /<svg\b/g)).toBe(1);
    expect(count(section(html, 'positions'), /<svg\b/g)).toBe(1);
    // Vega marks, not hand-drawn shapes.
    expect(section(html, 'judged')).toContain('class="mark-line role-mark"');
    expect(section(html, 'judged')).toContain('aria-roledescription="legend"');
  });

  it('references nothing on the network and has exactly one inline script', async () => {
    const html = await standard();
    expect(html).not.toMatch(/\s(?:src|href|xlink:href|action|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(count(html, /<script\b/gi)).toBe(1);
    expect(html).toMatch(/<script>\(\(\) => \{/);
  });

  it('escapes answers: markup in an answer is text, and every <details> still closes', async () => {
    const html = await standard();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('The answer is B. &lt;script&gt;alert(1)&lt;/script&gt; &lt;/details&gt; &lt;img src=x onerror=alert(2)&gt;');
    expect(count(html, /<details\b/g)).toBe(count(html, /<\/details>/g));
    expect(scriptAnswer).toContain('</details>');
  });

  it('shows run facts and warns with counts when items failed, were invalid or unjudged', async () => {
    const html = await renderHtmlReport(syntheticSummary(), syntheticItems(), { title: 'Nightly <ToMATO>' });
    expect(html).toContain('<h1>Nightly &lt;ToMATO&gt;</h1>');
    expect(html).toContain('<dd>run-2025-03-01-tomato-7f3a</dd>');
    expect(html).toContain('<dd class="status-done">done</dd>');
    expect(html).toContain('<dd>2025-03-01 14:05 UTC</dd>');
    expect(html).toContain('<dd>openai:gpt-4o</dd>');
    expect(html).toContain('<dd>data/tomato/test.json</dd>');
    const banner = html.slice(html.indexOf('<div class="banner" role="alert">'), html.indexOf('<nav'));
    expect(banner).toContain('<strong>1 item failed</strong>');
    expect(banner).toContain('<strong>1 answer invalid</strong>');
    expect(banner).toContain('<strong>1 item unjudged</strong>');
    expect(banner).toContain('<span class="model">openai-compatible:qwen2.5-7b-instruct</span>: 1 failed</li>');

    const clean = syntheticSummary();
    for (const model of clean.models) Object.assign(model, { failed: 0, invalid: 0, unjudged: 0 });
    expect(await renderHtmlReport(clean, [])).not.toContain('role="alert"');
  });

  it('ranks the leaderboard by the primary metric, with intervals, counts, tokens and the cost it knows', async () => {
    const leaderboard = section(await standard(), 'leaderboard');
    const table = leaderboard.slice(0, leaderboard.indexOf('</table>'));
    const rows = table.split('<tr>').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('openai:<wbr>gpt-4o-mini');
    expect(rows[1]).toContain('ollama:<wbr>llama3.1:<wbr>8b');
    expect(rows[2]).toContain('openai-compatible:<wbr>qwen2.5-7b-instruct');
    expect(rows[0]).toContain('<td class="primary"><span class="value">0.780</span><span class="interval">[0.740, 0.820]</span><span class="n">n=400</span></td>');
    expect(rows[0]).toContain('<span class="value">4.40</span><span class="interval">[4.20, 4.60]</span>');
    expect(rows[0]).toContain('512k / 8.01k');
    expect(rows[0]).toContain('<td>$0.0816</td>');
    expect(rows[1]).toContain('<td>—</td>');
    expect(rows[2]).toContain('<td>399 / 400</td>');
    expect(rows[2]).toContain('<td class="flag">1</td>');
  });

  it('lower-is-better primary metrics rank ascending', async () => {
    const summary = syntheticSummary();
    summary.metrics[0] = { ...summary.metrics[0], higherIsBetter: false };
    const table = section(await renderHtmlReport(summary, []), 'leaderboard');
    expect(table.indexOf('openai-compatible:<wbr>qwen')).toBeLessThan(table.indexOf('openai:<wbr>gpt-4o-mini'));
  });

  it('sorts a crossed breakdown by score and names its non-text values', async () => {
    const breakdowns = section(await standard(), 'breakdowns');
    const crossed = breakdowns.slice(breakdowns.indexOf('by mental_state × order × false_belief'));
    const labels = [...crossed.matchAll(/<tr><td class="text">([^<]+)<\/td>/g)].map((match) => match[1]);
    expect(labels).toHaveLength(20);
    // Mean over models: belief +0.05, order 1 +0.04, no false belief +0.08 is the best group; knowledge, 2, true the worst.
    expect(labels[0]).toBe('belief · order=1 · false_belief=false');
    expect(labels[19]).toBe('knowledge · order=2 · false_belief=true');
    // A single category keeps the dataset's order.
    const states = breakdowns.slice(0, breakdowns.indexOf('by order'));
    expect([...states.matchAll(/<tr><td class="text">([^<]+)<\/td>/g)].map((match) => match[1])).toEqual(['belief', 'intention', 'desire', 'emotion', 'knowledge']);
  });

  it('leaves out the radar without judged metrics and the position chart without positions', async () => {
    const summary: BenchSummary = syntheticSummary();
    summary.metrics = summary.metrics.filter((metric) => !metric.judged);
    for (const model of summary.models) delete model.positions;
    const html = await renderHtmlReport(summary, []);
    expect(html).not.toContain('<section id="judged">');
    expect(html).not.toContain('<section id="positions">');
    expect(count(html, /<svg\b/g)).toBe(5);
  });

  it('draws one or two judged dimensions as bars, since a radar needs three axes', async () => {
    const summary = syntheticSummary();
    summary.metrics = summary.metrics.filter((metric) => !metric.judged || metric.name === 'knowledge');
    const judged = section(await renderHtmlReport(summary, []), 'judged');
    expect(count(judged, /<svg\b/g)).toBe(1);
    expect(judged).toContain('mark-rect role-mark');
    expect(judged).not.toContain('mark-line role-mark');
  });

  it('renders a drill-down row per item × model with its outcome tags and each attempt', async () => {
    const items = section(await standard(), 'items');
    expect(count(items, /<details class="item"/g)).toBe(24);
    expect(items).toContain('data-outcomes="failed"');
    expect(items).toContain('data-outcomes="invalid"');
    expect(items).toContain('data-outcomes="correct unjudged"');
    expect(items).toContain('data-categories="[&quot;mental_state=belief&quot;,&quot;order=2&quot;,&quot;false_belief=false&quot;]"');
    expect(items).toContain('<option value="mental_state=belief">mental_state = belief</option>');
    expect(items).toContain('A = released #0 · B = released #1');
    expect(items).toContain('<span class="role">system</span>');
    expect(items).toContain('&quot;critique&quot;: &quot;The reply stays in character');
    expect(items).toContain('HTTP 503 Service Unavailable after 3 retries');
    expect(items).toContain('24 of 24 shown');
  });

  it('caps the drill-down at maxItems, keeping problem items and saying how many were left out', async () => {
    const items = section(await renderHtmlReport(syntheticSummary(), syntheticItems(), { maxItems: 5 }), 'items');
    expect(count(items, /<details class="item"/g)).toBe(5);
    expect(items).toContain('Showing 5 of 24 item records (failed, invalid and unjudged first); 19 left out.');
    expect(items).toContain('data-outcomes="failed"');
    expect(items).toContain('data-outcomes="invalid"');
    expect(items).toContain('data-outcomes="correct unjudged"');
  });
});

describe('renderHtmlReport with hostile names', () => {
  it('escapes model, category and metric names everywhere, charts included', async () => {
    const summary = syntheticSummary();
    summary.models[0].model = 'evil:<script>alert(3)</script>';
    summary.models[0].breakdowns[0].groups[0].label = '<img src=x onerror=alert(4)>';
    summary.metrics[1] = { ...summary.metrics[1], description: '"><script>alert(5)</script>' };
    const html = await renderHtmlReport(summary, []);
    expect(html).not.toMatch(/<script>alert\(\d\)/);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('evil:&lt;script&gt;alert(3)&lt;/script&gt;');
  });
});
