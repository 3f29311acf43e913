export { renderHtmlReport, type HtmlReportOptions } from './html/report.ts';
export { renderMarkdownReport } from './markdown.ts';
export { csvField, renderCsv, renderItemsCsv } from './csv.ts';
export { renderJsonReport } from './json.ts';
export { reportFormatFor, type ReportFormat } from './format-for.ts';
export { ReportError, type ReportErrorCode } from './errors.ts';
export { askedBy, averagingNote } from './summary-view.ts';
