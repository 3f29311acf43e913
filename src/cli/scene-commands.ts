import type { Command } from 'commander';
import { STRATEGIES } from '../memory-model/index.ts';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';
import { collect } from './option-values.ts';

// The scene commands' options and help. Their actions (scene-actions.ts) load the library when a command runs, so
// that `--help` and the other commands start without it.
const actions = () => import('./scene-actions.ts');

/** Commands under `dramatis scene`: run (and resume), runs, show, export, judge, validate, import. */
export function registerSceneCommands(program: Command, io: CliIo): void {
  const scene = program.command('scene').description('Multi-character scenes: run them, resume them, read and export their logs');

  scene.command('run')
    .description('Run episodes of a scene (YAML, or a CharacterBox JSON with FILE.json#ID), or resume a run')
    .argument('[file]', 'scene file')
    .option('-m, --model <spec>', 'default model of the scene (repeat to run every episode with each model)', collect)
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--episodes <n>', 'episodes to run (default 1)')
    .option('--concurrency <n>', 'model requests in flight at once (default 4); a quarter more episodes run at once to keep them busy')
    .option('--seed <n>', "run seed (default: the scene's seed); each episode gets its own seed from it")
    .option('--resume <run>', 'continue a run: only its failed and unfinished episodes')
    .option('--run-id <id>', 'id for a new run (default: from the title)')
    .option('--no-cache', 'bypass the response cache')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--retries <n>', 'retries of one model call after a rate limit, server error, timeout or network error (default 4)')
    .option('--turn-retries <n>', 'retries of a whole turn whose call still failed (after its retries, a cut stream, invalid output twice) before the episode fails (default 3; 0: none)')
    .option('--turn-retry-delay <seconds>', 'first wait before a turn retry, doubling each time, with jitter (default 1)')
    .option('--output-mode <mode>', 'json (JSON-schema output) or tagged (for models without JSON-schema support)')
    .option('--context-tokens <n>', "prompt budget per role in tokens, the reply's reserve included (default: what each role's model can take: a local model's context, a known window, else 8192; a larger value is lowered to it)")
    .option('--quiet', 'with one episode: do not print the transcript')
    .option('--memory', "characters recall their stored memories each turn (implied by the memory options)")
    .option('--memory-strategy <s>', `how memories are recalled: ${STRATEGIES.join(', ')}`)
    .option('--memory-k <n>', 'memories recalled per turn (default 10)')
    .option('--memory-write', "also store what each character perceives (episodes of the run then share their characters' memories)")
    .option('--embedding-model <spec>', 'embeds memories and queries')
    .option('--emotion-model <spec>', "scores emotions for the emotional strategies")
    .option('--json', 'print the run summary as JSON')
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ dramatis scene run examples/scenes/lighthouse.yaml --model openai:gpt-4o-mini',
      '  $ dramatis scene run examples/scenes/lighthouse.yaml --episodes 50 --concurrency 16 --seed 7',
      '  $ dramatis scene run --resume lighthouse-3f2a1c        # after a crash or Ctrl-C',
      '  $ dramatis scene run examples/scenes/lighthouse.yaml --episodes 5 --turn-retries 5 --turn-retry-delay 2   # a flaky server',
    ].join('\n'))
    .action(lazyAction(io, actions, 'sceneRun'));

  const runs = scene.command('runs')
    .description('List scene runs with their status (find a killed run to --resume); `runs delete RUN` deletes one')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene runs\n  $ dramatis scene runs delete lighthouse-3f2a1c')
    .action(lazyAction(io, actions, 'sceneRuns'));

  runs.command('delete')
    .description("Delete a scene run: its episodes, their events and its token usage (the characters' memories are kept)")
    .argument('<run>', 'run id')
    .option('--json', 'print what was removed as JSON')
    .addHelpText('after', '\nA run that a live process is executing is refused: stop it first.\n\nExample:\n  $ dramatis scene runs delete lighthouse-3f2a1c')
    .action(lazyAction(io, actions, 'sceneRunsDelete'));

  scene.command('show')
    .description('Print an episode: omniscient with thoughts inline, or --as NAME for exactly what NAME perceived; a run id lists its episodes')
    .argument('<id>', 'episode id (or run id)')
    .option('--as <name>', "only what this character could perceive (its own thoughts included)")
    .option('--no-thoughts', 'leave thoughts out')
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene show lighthouse-3f2a1c-e0\n  $ dramatis scene show lighthouse-3f2a1c-e0 --as Tomas')
    .action(lazyAction(io, actions, 'sceneShow'));

  scene.command('export')
    .description('Export a run (every episode) or one episode: JSONL of events, or ToMATO-like transcripts with thoughts beside each utterance')
    .argument('<id>', 'run id or episode id')
    .option('--format <format>', 'jsonl (one event a line), tomato (one episode a line), or opinions (debate: CSV of the private opinion reports)', 'jsonl')
    .option('--as <name>', "only what this character could perceive")
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene export lighthouse-3f2a1c --format jsonl > run.jsonl\n  $ dramatis scene export lighthouse-3f2a1c --format tomato --out run.tomato.jsonl\n  $ dramatis scene export debate-kind-3f2a1c --format opinions --out opinions.csv')
    .action(lazyAction(io, actions, 'sceneExport'));

  scene.command('judge')
    .description("Judge each character of a scene run's episodes from the log with a rubric; stored as a benchmark run (bench report, bench compare)")
    .argument('[run]', 'scene run id')
    .option('--rubric <name|file>', 'characterbox (7 dimensions, 1–5), furina (per utterance against --baseline, both orders), or a rubric file (YAML/JSON)')
    .option('--judge <spec>', 'the judge model')
    .option('--baseline <spec>', "pairwise rubrics: the model whose reply to the character's prompt at each turn the line is compared with")
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--seed <n>', 'run seed (default 1): sampling seeds per item and the bootstrap')
    .option('--concurrency <n>', 'model requests in flight at once (default 8)')
    .option('--resume <run>', 'continue a judge run: only its failed and unfinished items')
    .option('--run-id <id>', 'id for the new judge run (default: from the rubric and the scene run)')
    .option('--no-cache', 'bypass the response cache')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--retries <n>', 'retries of one model call after a rate limit, server error, timeout or network error (default 4)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', [
      '',
      'The judge reads only the character\'s sheet and the scene as that character perceived it (its own thoughts too when',
      'a rubric file sets thoughts: true), fenced as data. Pairwise rubrics report the judge\'s position bias',
      '(position_a: share of decisive verdicts for the text shown as A; consistency: both orders agreeing).',
      '',
      'A rubric file:',
      '  name: thought-action',
      '  thoughts: true',
      '  dimensions:',
      '    - { name: follows_thought, description: what it does follows from what it thought, scale: [1, 5] }',
      '',
      'Examples:',
      '  $ dramatis scene judge lighthouse-3f2a1c --rubric characterbox --judge openai:gpt-4o',
      '  $ dramatis scene judge lighthouse-3f2a1c --rubric furina --judge openai:gpt-4o --baseline openai:gpt-4o-mini',
      '  $ dramatis scene judge lighthouse-3f2a1c --rubric my-rubric.yaml --judge openai:gpt-4o --run-id judged',
      '  $ dramatis scene judge --resume judged',
      '  $ dramatis bench report judged --out judged.html',
    ].join('\n'))
    .action(lazyAction(io, actions, 'sceneJudge'));

  scene.command('validate')
    .description('Check a scene file (or a CharacterBox file) and summarize it')
    .argument('<file>', 'scene file')
    .option('--json', 'print the resolved scene as JSON (cards included)')
    .addHelpText('after', '\nExample:\n  $ dramatis scene validate examples/scenes/heist.yaml')
    .action(lazyAction(io, actions, 'sceneValidate'));

  scene.command('kinds')
    .description('List the scenario kinds a scene file may name (its `kind:`), each with its params: type, default, description')
    .option('--json', 'print the kinds as JSON')
    .addHelpText('after', '\nA kind marked "private reports" asks every character privately at each round boundary (debate: its opinion).\n\nExamples:\n  $ dramatis scene kinds\n  $ dramatis scene kinds --json')
    .action(lazyAction(io, actions, 'sceneKinds'));

  scene.command('import')
    .description('Convert a CharacterBox scene file into one runnable YAML scene per scene')
    .argument('<file>', 'CharacterBox extracted-scenes JSON')
    .requiredOption('--out <dir>', 'directory for the YAML files')
    .addHelpText('after', '\nExample:\n  $ dramatis scene import xiyouji_extracted_scenes.json --out scenes/xiyouji')
    .action(lazyAction(io, actions, 'sceneImport'));
}
