import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';
import { collect } from './option-values.ts';

// The bench commands' options and help. Their actions (bench-actions.ts) load the benchmark machinery (loaders,
// scorers, judges, vega for reports) when a command runs, so that `--help` and the other commands start without it.
const actions = () => import('./bench-actions.ts');

/** Commands under `dramatis bench`: run (and resume), runs, report, compare, build, list. */
export function registerBenchCommands(program: Command, io: CliIo): void {
  const bench = program.command('bench').description('Benchmarks: run published role-play benchmarks against models, score, report, compare');

  bench.command('run')
    .description('Run a benchmark (built-in name or YAML file) against one or more models, or resume a run')
    .argument('[benchmark]', 'built-in name (see: dramatis bench list) or benchmark YAML file')
    .option('--data <path>', "the benchmark's released data file (overrides the YAML's dataset.path)")
    .option('-m, --model <spec>', 'model under test (repeat to compare several)', collect)
    .option('--judge <spec>', 'judge model for judged scorers (overrides judge.model)')
    .option('--embedding-model <spec>', 'embedding model for scorers that embed, e.g. think-act by embedding (overrides embedding.model)')
    .option('--limit <n>', 'only the first N items, in released order')
    .option('--concurrency <n>', 'items in flight at once (default 8)')
    .option('--seed <n>', 'run seed: sampling seeds per item, option shuffles, bootstrap (default 1)')
    .option('--shuffle-options', 'show the options in a seeded random order per item (default: as released)')
    .option('--rotate-options', 'ask every item once per cyclic rotation of its options and average (removes position bias)')
    .option('--agent', "play every item through the character agent: the item's persona becomes a character (its research fields filled), the question the user's turn, the answer its speech; its thought is stored with the result (default: the released prompt)")
    .option('--character <card>', 'play every item as this card (JSON, PNG or CHARX) through the agent, where the items allow it (beyond-one-world-dilemma); implies --agent')
    .option('--average <how>', 'concept-incongruence: average per character then across characters (character, the authors\' default) or over items (item)')
    .option('--resume <run>', 'continue a run: only its failed and unfinished items')
    .option('--run-id <id>', 'id for a new run (default: from the benchmark name)')
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the response cache')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--retries <n>', 'retries after a rate limit, server error, timeout or network error (default 4)')
    .option('--report <file>', 'also write a report (.html, .md, .csv or .json)')
    .option('--json', 'print the run summary as JSON')
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ dramatis bench run tomato --data tomato_fb.json --model openai:gpt-4o-mini --model ollama:llama3.1:8b',
      '  $ dramatis bench run examples/bench/persona-eval.yaml --limit 200 --concurrency 16',
      '  $ dramatis bench run concept-incongruence --data ci.json --model openai:gpt-4o-mini --agent   # played by the character agent',
      '  $ dramatis bench run beyond-one-world-dilemma --data dilemmas.json --character my-hero.png --judge openai:gpt-4o',
      '  $ dramatis bench run --resume tomato-3f2a1c        # after a crash or Ctrl-C',
      '  $ dramatis bench run concept-incongruence --data full_question.json --average item   # item average, not per character',
    ].join('\n'))
    .action(lazyAction(io, actions, 'benchRun'));

  const runs = bench.command('runs')
    .description('List benchmark runs with their status (find a killed run to --resume); `runs delete RUN` deletes one')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis bench runs\n  $ dramatis bench runs delete tomato-3f2a1c')
    .action(lazyAction(io, actions, 'benchRuns'));

  runs.command('delete')
    .description('Delete a benchmark run: its items, scores and token usage')
    .argument('<run>', 'run id')
    .option('--json', 'print what was removed as JSON')
    .addHelpText('after', '\nA run that a live process is executing is refused: stop it first.\n\nExample:\n  $ dramatis bench runs delete tomato-3f2a1c')
    .action(lazyAction(io, actions, 'benchRunsDelete'));

  bench.command('report')
    .description('Write a report of a run: self-contained HTML with charts, Markdown, CSV or JSON (Markdown on stdout without --out)')
    .argument('<run>', 'run id')
    .option('--out <file>', 'report file; the format follows the extension (.html, .md, .csv, .json)')
    .option('--items-csv <file>', 'also write one CSV row per item × model')
    .addHelpText('after', '\nExamples:\n  $ dramatis bench report tomato-3f2a1c --out report.html\n  $ dramatis bench report tomato-3f2a1c > summary.md')
    .action(lazyAction(io, actions, 'benchReport'));

  bench.command('compare')
    .description('Paired comparison of two runs on the items both scored: difference (B − A) with a bootstrap 95% interval, overall and per category; each run labelled with how it asked (released prompt or character agent)')
    .argument('<runA>', 'baseline run id')
    .argument('<runB>', 'run id to compare with it')
    .option('--metric <name>', "metric to compare (default: the benchmark's primary metric)")
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis bench compare tomato-3f2a1c tomato-9b0e4d --metric accuracy')
    .action(lazyAction(io, actions, 'benchCompare'));

  bench.command('build')
    .description('Build a test set from stored scene episodes: tomato (theory-of-mind questions from the thoughts) or persona-eval (who said this line?)')
    .argument('<benchmark>', 'tomato or persona-eval')
    .requiredOption('--from <id>', 'a scene run id (all its episodes) or one scene episode id (see: dramatis scene runs)')
    .requiredOption('--out <file>', 'the set to write: ToMATO JSON for tomato, a PersonaEval track CSV for persona-eval')
    .option('--judge <spec>', 'tomato: judge model that sets the false-belief flags (without it they are left out)')
    .option('--seed <n>', 'seed of the option orders, distractors and question wording (default 1)')
    .option('--base-url <url>', 'API base URL for an openai-compatible judge (or DRAMATIS_BASE_URL)')
    .option('--no-cache', "bypass the response cache for the judge's calls")
    .option('--timeout <seconds>', 'timeout per judge call attempt (default 120)')
    .option('--retries <n>', 'judge retries after a rate limit, server error, timeout or network error (default 4)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', [
      '',
      'The file is written whole (a failure leaves no half file). Run the set with: dramatis bench run NAME --data FILE',
      '',
      'Examples:',
      '  $ dramatis bench build tomato --from storm --out storm-tomato.json --judge openai:gpt-4o-mini',
      '  $ dramatis bench build tomato --from storm-e0 --out e0.json --seed 7',
      '  $ dramatis bench build persona-eval --from storm --out storm.csv',
      '  $ dramatis bench run tomato --data storm-tomato.json --model ollama:llama3.1:8b',
    ].join('\n'))
    .action(lazyAction(io, actions, 'benchBuild'));

  bench.command('list')
    .description('Built-in benchmarks, their loaders and data formats; with --stats and --data, what a data file holds')
    .argument('[benchmark]', 'one built-in benchmark or YAML file')
    .option('--data <path>', 'a data file to load (with --stats)')
    .option('--stats', "load the data and count its items by the benchmark's categories")
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis bench list\n  $ dramatis bench list tomato --stats --data tomato_fb.json')
    .action(lazyAction(io, actions, 'benchList'));
}
