import { describe, expect, it } from 'vitest';
import { renderCsv, renderItemsCsv, renderJsonReport, reportFormatFor, ReportError } from '../../src/eval/report/index.ts';
import { csvField } from '../../src/eval/report/csv.ts';
import { syntheticItems, syntheticSummary } from './report-fixture.ts';

describe('renderCsv', () => {
  it('writes one row per model × metric × group with raw numbers', () => {
    const csv = renderCsv(syntheticSummary());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('model,breakdown,group,metric,value,low,high,n');
    // Models in run order (llama was run first); overall rows are breakdown and group `all`.
    expect(lines[1]).toBe('ollama:llama3.1:8b,all,all,accuracy,0.64,0.6,0.68,399');
    expect(lines[2]).toBe('ollama:llama3.1:8b,all,all,persona_consistency,3.6,3.4,3.8,400');
    expect(csv).toContain('\r\nollama:llama3.1:8b,mental_state,belief,accuracy,0.69,0.6,0.78,80\r\n');
    expect(csv).toContain('\r\nollama:llama3.1:8b,false_belief,true,accuracy,0.56,0.5,0.62,200\r\n');
    // 0.78 + 0.05 (belief) + 0.04 (order 1) − 0.08 (false belief) = 0.79, ± 0.18.
    expect(csv).toContain('\r\nopenai:gpt-4o-mini,mental_state × order × false_belief,belief · 1 · true,accuracy,0.79,0.61,0.97,20\r\n');
    // 3 models × (6 overall + 5 + 2 + 2 + 20 group rows) + header, and a final line break.
    expect(lines).toHaveLength(3 * (6 + 29) + 1 + 1);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('leaves missing values empty', () => {
    const summary = syntheticSummary();
    summary.models[0].metrics.accuracy = { value: null, low: null, high: null, n: 0 };
    expect(renderCsv(summary).split('\r\n')[1]).toBe('ollama:llama3.1:8b,all,all,accuracy,,,,0');
  });

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(false)).toBe('false');
  });
});

describe('renderItemsCsv', () => {
  const csv = renderItemsCsv(syntheticItems());
  const lines = csv.split('\r\n');

  it('has fixed columns, then categories, then metrics', () => {
    expect(lines[0]).toBe(
      'item_id,model,status,invalid,unjudged,attempts,expected,answer,extraction,error,mental_state,order,false_belief,accuracy,persona_consistency,knowledge,emotional_depth,style_fidelity,engagement',
    );
    expect(lines).toHaveLength(24 + 2);
  });

  it('writes one row per item × model with values, flags and quoted text', () => {
    // tomato-0001: intention (1 % 5), order 2, false_belief false; scores 2 + (1 + d) % 4.
    expect(lines[1]).toBe(
      'tomato-0001,openai:gpt-4o-mini,done,false,false,1,She thinks the keys are in the drawer.,The answer is A.,"A, by ""the answer is""",,intention,2,false,1,3,4,5,2,3',
    );
    expect(csv).toContain(
      '\r\ntomato-0007,ollama:llama3.1:8b,done,true,false,1,She thinks the keys are in the drawer.,"Hard to say, either A or C.",,,desire,2,false,,5,2,3,4,5\r\n',
    );
    expect(csv).toContain(
      '\r\ntomato-0005,openai-compatible:qwen2.5-7b-instruct,failed,false,false,0,She thinks the keys are in the drawer.,,,openai-compatible:qwen2.5-7b-instruct: HTTP 503 Service Unavailable after 3 retries,belief,2,false,,,,,,\r\n',
    );
  });

  it('prefixes a category that clashes with a fixed column', () => {
    const [item] = syntheticItems();
    item.categories = { status: 'canon' };
    expect(renderItemsCsv([item]).split('\r\n')[0]).toContain(',error,category.status,accuracy,');
  });
});

describe('renderJsonReport', () => {
  it('is pretty JSON of the summary and the items', () => {
    const summary = syntheticSummary();
    const items = syntheticItems();
    const json = renderJsonReport(summary, items);
    expect(json.startsWith('{\n  "summary": {\n    "runId": "run-2025-03-01-tomato-7f3a",')).toBe(true);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify({ summary, items })));
  });
});

describe('reportFormatFor', () => {
  it('reads the format from the extension', () => {
    expect(reportFormatFor('out/report.html')).toBe('html');
    expect(reportFormatFor('REPORT.HTM')).toBe('html');
    expect(reportFormatFor('comment.md')).toBe('md');
    expect(reportFormatFor('notes.markdown')).toBe('md');
    expect(reportFormatFor('/tmp/scores.csv')).toBe('csv');
    expect(reportFormatFor('run.v2.json')).toBe('json');
  });

  it('names the formats it knows when the extension is unknown or missing', () => {
    expect(() => reportFormatFor('report.pdf')).toThrow(ReportError);
    expect(() => reportFormatFor('report.pdf')).toThrow(
      'report.pdf: unknown report format ".pdf"; use .html (self-contained page with charts), .md (Markdown for a pull-request comment), .csv (one row per model, metric and group) or .json (summary and items)',
    );
    try {
      reportFormatFor('report');
    } catch (error) {
      expect((error as ReportError).code).toBe('report/unknown-format');
      expect((error as Error).message).toMatch(/^report: no file extension to choose a report format; use \.html/);
    }
    expect.assertions(4);
  });
});
