import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';

// The model commands' options and help; their actions (models-actions.ts) load the model layer when one runs.
const actions = () => import('./models-actions.ts');

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
    .action(lazyAction(io, actions, 'modelsInfo'));

  models.command('list')
    .description('List the named local models and every GGUF file in the model cache, with sizes and where they live')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nThe cache is DRAMATIS_MODELS_DIR, else $XDG_CACHE_HOME/dramatis/models, else the platform cache folder.')
    .action(lazyAction(io, actions, 'modelsList'));

  models.command('pull')
    .description('Download a local model ahead of time (resumable; verified by sha256 for named models)')
    .argument('<model>', 'a name from `models list` (e.g. default) or hf:OWNER/REPO/FILE.gguf')
    .addHelpText('after', '\nExamples:\n  $ dramatis models pull default\n  $ dramatis models pull hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf')
    .action(lazyAction(io, actions, 'modelsPull'));

  models.command('rm')
    .description('Delete a downloaded model (and any partial download of it) from the model cache')
    .argument('<model>', 'a name from `models list` (e.g. default) or hf:OWNER/REPO/FILE.gguf')
    .addHelpText('after', '\nA model file of your own (local:./model.gguf) is never deleted.\n\nExamples:\n  $ dramatis models rm default\n  $ dramatis models rm hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf')
    .action(lazyAction(io, actions, 'modelsRm'));
}
