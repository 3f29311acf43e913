/** What `dramatis models` commands do (loaded only when one runs: see models-command.ts). */
import { describeModel, formatBytes, listLocalModels, removeCachedModel } from '../llm/index.ts';
import { printJson, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';

/** `models info SPEC`: what the engine does with a model; nothing is called or downloaded. */
export async function modelsInfo(io: CliIo, spec: string, options: { baseUrl?: string; json?: boolean }): Promise<void> {
  const info = await describeModel(spec, { env: io.env, baseURL: options.baseUrl, cwd: io.cwd });
  if (options.json) return printJson(io, info);
  writeLine(io.stdout, `${info.spec}`);
  writeLine(io.stdout, `  dialect:            ${info.dialect}`);
  writeLine(io.stdout, `  structured output:  ${info.structuredOutput}`);
  writeLine(io.stdout, `  checked after parsing (not sent): ${info.checkedAfterParsing.length ? info.checkedAfterParsing.join(', ') : 'nothing: the server enforces every constraint the engine sends'}`);
  writeLine(io.stdout, `  context window:     ${info.contextWindow ? `${info.contextWindow.tokens.toLocaleString('en-US')} tokens (${info.contextWindow.source})` : 'unknown: 8,192 tokens unless --context-tokens says'}`);
  writeLine(io.stdout, `  price:              ${info.price ? `$${info.price.input} input, $${info.price.output} output per million tokens` : 'unknown: costs are not counted (set DRAMATIS_PRICES)'}`);
}

/** `models list`: the catalog and the model cache. */
export async function modelsList(io: CliIo, options: { json?: boolean }): Promise<void> {
  const { dir, models } = await listLocalModels(io.env);
  if (options.json) return printJson(io, { dir, models });
  writeLine(io.stdout, `Model cache: ${dir}`);
  const width = Math.max(...models.map((row) => row.spec.length));
  writeLine(io.stdout, `${'MODEL'.padEnd(width)}  ${'SIZE'.padStart(8)}  ${'STATUS'.padEnd(14)}  ABOUT`);
  for (const row of models) {
    const about = row.title ? `${row.title} (${row.licence})` : row.path;
    writeLine(io.stdout, `${row.spec.padEnd(width)}  ${(row.bytes === undefined ? '?' : formatBytes(row.bytes)).padStart(8)}  ${row.status.padEnd(14)}  ${about}`);
  }
}

/** `models pull MODEL`: a Hub model downloaded ahead of time. */
export async function modelsPull(io: CliIo, model: string): Promise<void> {
  const modelId = model.replace(/^local:/i, '');
  const path = await downloadWithProgress(modelId, io);
  writeLine(io.stdout, `ready: local:${modelId} at ${path}`);
}

/** `models rm MODEL`: a downloaded model deleted from the cache. */
export async function modelsRm(io: CliIo, model: string): Promise<void> {
  const removed = await removeCachedModel(model, { env: io.env });
  writeLine(io.stdout, `removed ${model.replace(/^local:/i, '')}: ${removed.files.join(', ')} (${formatBytes(removed.bytes)} freed)`);
}
