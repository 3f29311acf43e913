import { describe, expect, it } from 'vitest';
import { renderMarkdownReport } from '../../src/eval/report/index.ts';
import { markdownText } from '../../src/eval/report/markdown.ts';
import { syntheticSummary } from './report-fixture.ts';

describe('renderMarkdownReport', () => {
  it('opens with the run and a leaderboard ranked by the primary metric, with intervals and counts', () => {
    const markdown = renderMarkdownReport(syntheticSummary());
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('### ToMATO: theory of mind in role-play conversations · run `run-2025-03-01-tomato-7f3a`');
    expect(lines[2]).toBe(
      'status **done** · 2025-03-01 · seed 7 · judge `openai:gpt-4o` · sorted by **accuracy** (higher is better), 95% bootstrap intervals',
    );
    expect(lines[4]).toBe('| # | Model | accuracy | persona\\_consistency | knowledge | emotional\\_depth | style\\_fidelity | engagement | Items | Invalid | Unjudged | Failed |');
    expect(lines[6]).toBe(
      '| 1 | `openai:gpt-4o-mini` | **0.780** [0.740, 0.820] | 4.40 [4.20, 4.60] | 4.10 [3.90, 4.30] | 3.80 [3.60, 4.00] | 4.20 [4.00, 4.40] | 3.90 [3.70, 4.10] | 400 | 0 | 1 | 0 |',
    );
    expect(lines[7]).toBe(
      '| 2 | `ollama:llama3.1:8b` | **0.640** [0.600, 0.680] | 3.60 [3.40, 3.80] | 3.20 [3.00, 3.40] | 3.40 [3.20, 3.60] | 3.10 [2.90, 3.30] | 3.50 [3.30, 3.70] | 400 | 1 | 0 | 0 |',
    );
    expect(lines[8]).toBe(
      '| 3 | `openai-compatible:qwen2.5-7b-instruct` | **0.550** [0.510, 0.590] | 3.20 [3.00, 3.40] | 3.80 [3.60, 4.00] | 2.60 [2.40, 2.80] | 2.90 [2.70, 3.10] | 3.00 [2.80, 3.20] | 399 / 400 | 0 | 0 | 1 |',
    );
  });

  it('warns about failed, invalid and unjudged items', () => {
    expect(renderMarkdownReport(syntheticSummary())).toContain(
      '> [!WARNING]\n> 1 item failed (model errors; `--resume` retries them) · 1 answer could not be read (invalid, not counted as right or wrong) · 1 item could not be judged\n',
    );
    const clean = syntheticSummary();
    for (const model of clean.models) Object.assign(model, { failed: 0, invalid: 0, unjudged: 0 });
    expect(renderMarkdownReport(clean)).not.toContain('[!WARNING]');
  });

  it('folds one primary-metric table per breakdown, models in leaderboard order', () => {
    const markdown = renderMarkdownReport(syntheticSummary());
    expect(markdown).toContain(
      [
        '<details><summary>accuracy by mental_state (5 groups)</summary>',
        '',
        '| mental\\_state | n | `openai:gpt-4o-mini` | `ollama:llama3.1:8b` | `openai-compatible:qwen2.5-7b-instruct` |',
        '| :-- | --: | --: | --: | --: |',
        // belief: base + 0.05, interval ± 0.09.
        '| belief | 80 | 0.830 [0.740, 0.920] | 0.690 [0.600, 0.780] | 0.600 [0.510, 0.690] |',
      ].join('\n'),
    );
    // Crossed: belief (+0.05), order 1 (+0.04), false belief (−0.08); interval ± 0.18, capped at 1.
    expect(markdown).toContain('| belief · order=1 · false\\_belief=true | 20 | 0.790 [0.610, 0.970] | 0.650 [0.470, 0.830] | 0.560 [0.380, 0.740] |');
    expect(markdown).toContain('| belief · order=1 · false\\_belief=false | 20 | 0.950 [0.770, 1.000] | 0.810 [0.630, 0.990] | 0.720 [0.540, 0.900] |');
    expect(markdown.match(/<details>/g)).toHaveLength(4);
    expect(markdown.match(/<\/details>/g)).toHaveLength(4);
  });

  it('keeps cell text from breaking the table or the page', () => {
    expect(markdownText('a|b <script> *x* _y_\nz')).toBe('a\\|b \\<script\\> \\*x\\* \\_y\\_ z');
    const summary = syntheticSummary();
    summary.models[0].model = 'custom:a|b';
    expect(renderMarkdownReport(summary)).toContain('| `custom:a\\|b` |');
  });
});
