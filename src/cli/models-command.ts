import type { Command } from 'commander';
import { cachedPathOf, describeModel, formatBytes, LOCAL_CATALOG, listCachedModels, modelCacheDir, removeCachedModel } from '../llm/index.ts';
import { printJson, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';

interface ModelRow {
  /** What `--model local:...` takes. */
  spec: string;
  bytes?: number;
  status: 'ready' | 'partial' | 'not downloaded';
  path: string;
  title?: string;
  licence?: string;
}

export function registerModelsCommands(program: Command, io: CliIo): void {
  const models = program.command('models').description('Models: what the engine does with one (info), and in-process local models (GGUF): the catalog, the cache, downloads, removal');

  models.command('info')
    .description("What the engine does with a model: its structured-output dialect and mode, its context window, its price")
    .argument('<spec>', 'a model as provider:model, e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, local:default')
    .option('--base-url <url>', 'API base URL (for openai-compatible servers: it decides the dialect of Gemini, OpenAI and OpenRouter hosts)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', [
      '',
      'Nothing is called or downloaded. DRAMATIS_SCHEMA_DIALECT overrides the dialect; DRAMATIS_PRICES the prices.',
      '',
      'Examples:',
      '  $ dramatis models info openai:gpt-4o-mini',
      '  $ dramatis models info openai-compatible:gemini-2.5-flash --base-url https://generativelanguage.googleapis.com/v1beta/openai',
    ].join('\n'))
    .action(async (spec: string, options: { baseUrl?: string; json?: boolean }) => {
      const info = await describeModel(spec, { env: io.env, baseURL: options.baseUrl, cwd: io.cwd });
      if (options.json) return printJson(io, info);
      writeLine(io.stdout, `${info.spec}`);
      writeLine(io.stdout, `  dialect:            ${info.dialect}`);
      writeLine(io.stdout, `  structured output:  ${info.structuredOutput}`);
      writeLine(io.stdout, `  checked after parsing (not sent): ${info.checkedAfterParsing.length ? info.checkedAfterParsing.join(', ') : 'nothing: the server enforces every constraint the engine sends'}`);
      writeLine(io.stdout, `  context window:     ${info.contextWindow ? `${info.contextWindow.tokens.toLocaleString('en-US')} tokens (${info.contextWindow.source})` : 'unknown: 8,192 tokens unless --context-tokens says'}`);
      writeLine(io.stdout, `  price:              ${info.price ? `$${info.price.input} input, $${info.price.output} output per million tokens` : 'unknown: costs are not counted (set DRAMATIS_PRICES)'}`);
    });

  models.command('list')
    .description('List the named local models and every GGUF file in the model cache, with sizes and where they live')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nThe cache is DRAMATIS_MODELS_DIR, else $XDG_CACHE_HOME/dramatis/models, else the platform cache folder.')
    .action(async (options: { json?: boolean }) => {
      const dir = modelCacheDir(io.env);
      const rows = await modelRows(dir, io.env);
      if (options.json) return printJson(io, { dir, models: rows });
      writeLine(io.stdout, `Model cache: ${dir}`);
      const width = Math.max(...rows.map((row) => row.spec.length));
      writeLine(io.stdout, `${'MODEL'.padEnd(width)}  ${'SIZE'.padStart(8)}  ${'STATUS'.padEnd(14)}  ABOUT`);
      for (const row of rows) {
        const about = row.title ? `${row.title} (${row.licence})` : row.path;
        writeLine(io.stdout, `${row.spec.padEnd(width)}  ${(row.bytes === undefined ? '?' : formatBytes(row.bytes)).padStart(8)}  ${row.status.padEnd(14)}  ${about}`);
      }
    });

  models.command('pull')
    .description('Download a local model ahead of time (resumable; verified by sha256 for named models)')
    .argument('<model>', 'a name from `models list` (e.g. default) or hf:OWNER/REPO/FILE.gguf')
    .addHelpText('after', '\nExamples:\n  $ dramatis models pull default\n  $ dramatis models pull hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf')
    .action(async (model: string) => {
      const modelId = model.replace(/^local:/i, '');
      const path = await downloadWithProgress(modelId, io);
      writeLine(io.stdout, `ready: local:${modelId} at ${path}`);
    });

  models.command('rm')
    .description('Delete a downloaded model (and any partial download of it) from the model cache')
    .argument('<model>', 'a name from `models list` (e.g. default) or hf:OWNER/REPO/FILE.gguf')
    .addHelpText('after', '\nA model file of your own (local:./model.gguf) is never deleted.\n\nExamples:\n  $ dramatis models rm default\n  $ dramatis models rm hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf')
    .action(async (model: string) => {
      const removed = await removeCachedModel(model, { env: io.env });
      writeLine(io.stdout, `removed ${model.replace(/^local:/i, '')}: ${removed.files.join(', ')} (${formatBytes(removed.bytes)} freed)`);
    });
}

/** The catalog with each entry's state, then the other GGUF files found in the cache. */
async function modelRows(dir: string, env: CliIo['env']): Promise<ModelRow[]> {
  const cached = await listCachedModels(dir);
  const byPath = new Map(cached.map((file) => [file.path + (file.complete ? '' : '.part'), file]));
  const rows: ModelRow[] = [];
  const claimed = new Set<string>();
  for (const entry of LOCAL_CATALOG) {
    const path = cachedPathOf(entry, env);
    const complete = byPath.get(path);
    const partial = byPath.get(`${path}.part`);
    claimed.add(path);
    rows.push({
      spec: `local:${entry.name}`, bytes: entry.bytes, path, title: entry.title, licence: entry.licence,
      status: complete ? 'ready' : partial ? 'partial' : 'not downloaded',
    });
  }
  for (const file of cached) {
    if (claimed.has(file.path.replace(/\.part$/, ''))) continue;
    rows.push({ spec: `local:hf:${hubSpecOf(file.name)}`, bytes: file.bytes, path: file.path, status: file.complete ? 'ready' : 'partial' });
  }
  return rows;
}

/** `OWNER/REPO/FILE` or `OWNER/REPO/REVISION/FILE` (a cache path) as the `hf:` spec that finds it again. */
function hubSpecOf(name: string): string {
  const parts = name.split('/');
  if (parts.length === 4) return `${parts[0]}/${parts[1]}@${parts[2]}/${parts[3]}`;
  return name;
}
