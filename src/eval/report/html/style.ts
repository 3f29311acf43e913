/** The report's whole stylesheet: light theme, system fonts, tabular numbers. */
export const reportStyle = `
:root { --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --soft: #f9fafb; --accent: #4c78a8; --warn-bg: #fffbeb; --warn-line: #f59e0b; --bad: #b91c1c; --good: #15803d;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: var(--text); font: 14px/1.5 var(--sans); }
main { max-width: 1320px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 26px; margin: 2px 0 12px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 0 0 8px; }
code { font-family: var(--mono); font-size: 12px; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
section, header.top { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 18px; }
.eyebrow { margin: 0; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
.facts div { min-width: 0; }
.facts dt { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; }
.facts dd { margin: 0; font-weight: 500; overflow-wrap: anywhere; }
.status-done, .status-finished, .status-completed { color: var(--good); }
.status-failed { color: var(--bad); }
.banner { background: var(--warn-bg); border: 1px solid #fcd34d; border-left: 4px solid var(--warn-line); border-radius: 8px; padding: 10px 16px; margin: 0 0 18px; }
.banner p { margin: 0; }
.banner ul { margin: 6px 0 0; padding-left: 18px; color: #374151; font-size: 13px; }
.banner.subtle { background: var(--soft); border-color: var(--line); border-left-color: var(--accent); font-size: 13px; }
nav.toc { display: flex; gap: 18px; margin: 0 0 18px 4px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.note { color: var(--muted); margin: 0 0 12px; font-size: 13px; }
.muted { color: var(--muted); }
.model { font-family: var(--mono); font-size: 12.5px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-align: right; vertical-align: bottom; background: var(--soft); }
table.numbers th.text { text-align: left; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.numbers .text { text-align: left; white-space: normal; }
table.numbers .nowrap { white-space: nowrap; }
table.leaderboard td.model-cell { min-width: 11rem; max-width: 16rem; }
table.leaderboard td.model-cell .model { overflow-wrap: normal; }
td.rank, th.rank { width: 2em; color: var(--muted); }
td.primary, th.primary { background: #eff6ff; }
td .value { font-weight: 600; }
td .interval { display: block; color: var(--muted); font-size: 11px; }
td .n { display: block; color: #9ca3af; font-size: 11px; }
td.flag { color: var(--bad); font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; vertical-align: -1px; }
figure.chart { margin: 16px 0 4px; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.radar svg { margin: 0 auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
details.metrics, details.table-fold { margin-top: 10px; font-size: 13px; }
details.metrics > summary, details.table-fold > summary { cursor: pointer; color: var(--accent); }
details.metrics dl { margin: 8px 0 0; }
details.metrics dl div { padding: 4px 0; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: 14rem 1fr; gap: 12px; }
details.metrics dt { font-family: var(--mono); font-size: 12.5px; }
details.metrics dd { margin: 0; }
.tag { font-family: var(--sans); font-size: 10.5px; background: #ede9fe; color: #5b21b6; padding: 0 6px; border-radius: 8px; }
article.breakdown + article.breakdown { border-top: 1px solid var(--line); margin-top: 18px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; margin: 0 0 12px; padding: 10px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; font-size: 13px; }
.filters label { display: flex; gap: 6px; align-items: center; color: var(--muted); }
.filters select, .filters input { font: inherit; color: var(--text); padding: 3px 6px; border: 1px solid #d1d5db; border-radius: 6px; background: white; max-width: 16rem; }
.filters .count { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.items { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.items .row { display: grid; grid-template-columns: minmax(7rem, 0.9fr) minmax(9rem, 1.3fr) minmax(12rem, 2fr) minmax(8rem, 1.1fr) 8.5rem minmax(7rem, 1.3fr); gap: 12px; align-items: start; padding: 7px 12px 7px 28px; font-size: 13px; }
.items .row > span { min-width: 0; overflow-wrap: anywhere; }
.items .head { background: var(--soft); color: var(--muted); font-size: 12px; font-weight: 600; border-bottom: 1px solid var(--line); }
details.item { border-bottom: 1px solid var(--line); }
details.item[hidden] { display: none !important; }
details.item > summary { cursor: pointer; list-style: none; position: relative; }
details.item > summary::-webkit-details-marker { display: none; }
details.item > summary::before { content: "▸"; position: absolute; left: 11px; top: 7px; color: var(--muted); }
details.item[open] > summary::before { content: "▾"; }
details.item > summary:hover { background: #f8fafc; }
details.item[open] > summary { background: #eff6ff; }
.id { font-family: var(--mono); font-size: 12px; }
.chip { display: inline-block; background: #f3f4f6; border-radius: 4px; padding: 0 6px; margin: 0 4px 3px 0; font-size: 11.5px; color: #4b5563; }
.chip b, .kv b { color: var(--text); font-weight: 600; }
.kv { display: inline-block; margin: 0 10px 2px 0; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.kv.primary { color: var(--text); }
.more { font-size: 11.5px; color: #9ca3af; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 7px; border-radius: 9px; margin: 0 4px 2px 0; }
.badge.correct { background: #dcfce7; color: #166534; }
.badge.wrong { background: #fee2e2; color: #991b1b; }
.badge.invalid { background: #fef3c7; color: #92400e; }
.badge.unjudged { background: #ede9fe; color: #5b21b6; }
.badge.failed { background: #991b1b; color: white; }
.badge.pending { background: #e5e7eb; color: #374151; }
.error-text { color: var(--bad); display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.detail { padding: 6px 28px 16px; background: #fcfcfd; border-top: 1px solid var(--line); }
.detail p { margin: 8px 0; }
.label { display: inline-block; min-width: 6.5rem; color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.05em; }
.block { margin: 8px 0; }
.block > .label { display: block; margin-bottom: 4px; }
pre { margin: 0; font-family: var(--mono); font-size: 12px; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; background: white; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; max-height: 22rem; overflow: auto; }
.block.error pre { border-color: #fecaca; background: #fef2f2; color: var(--bad); }
.attempt { border: 1px solid var(--line); border-radius: 8px; background: white; padding: 12px 14px; margin: 12px 0 0; }
.prompt { border: 1px solid var(--line); border-radius: 6px; max-height: 26rem; overflow: auto; }
.turn { display: grid; grid-template-columns: 5.5rem 1fr; border-bottom: 1px solid var(--line); }
.turn:last-child { border-bottom: none; }
.turn .role { padding: 8px 10px; font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; background: var(--soft); }
.turn pre { border: none; border-radius: 0; max-height: none; }
.turn.system .role { color: #7c3aed; }
.turn.assistant .role { color: var(--accent); }
.empty { padding: 16px; text-align: center; color: var(--muted); margin: 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 8px; }
@media (max-width: 800px) { .items .row { grid-template-columns: 1fr 1fr; } .items .head { display: none; } }
@media print { body { background: white; } section, header.top { border: none; padding: 0; } .filters { display: none; } }
`;
