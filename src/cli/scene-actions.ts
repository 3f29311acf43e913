/** What `dramatis scene` commands do (loaded only when one runs: see scene-commands.ts). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { STRATEGIES, type Strategy } from '../memory-model/index.ts';
import {
  deleteSceneRun, describeError, exportScene, importCharacterBoxScenes, listSceneRuns, readRunScene, resumeSceneRun, RunError, showScene,
  startSceneRun, storeWhere, type SceneMemorySettings, type SceneRunExecutionOptions, type SceneRunOutcome, type SceneRunSettings,
} from '../run/index.ts';
import { describeScenarioKinds, readSceneSource, renderSceneTranscript } from '../scene/index.ts';
import { resumeSceneJudge, startSceneJudge, type BenchConnectionSettings, type BenchRunOutcome } from '../run/index.ts';
import { formatLeaderboard } from './bench-format.ts';
import type { Store } from '../store/index.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';
import { nonNegativeInt, parseMode, positiveInt, positiveNumber } from './option-values.ts';
import { followRun } from './progress.ts';
import { printRemoval } from './removal.ts';
import { inCliTerms } from './run-errors.ts';
import { sceneKindLines, sceneRunLines, sceneRunsTable, sceneRunSummaryLines, sceneSummaryLines } from './scene-format.ts';
import { readStore, withStore } from './store-option.ts';

// A scene run may load local models: main releases them when the command ends.
export { disposeLocalModels as afterCommand } from '../llm/index.ts';

export interface SceneRunFlags {
  model?: string[];
  baseUrl?: string;
  episodes?: string;
  concurrency?: string;
  seed?: string;
  resume?: string;
  runId?: string;
  json?: boolean;
  cache: boolean;
  timeout?: string;
  retries?: string;
  turnRetries?: string;
  turnRetryDelay?: string;
  outputMode?: string;
  contextTokens?: string;
  quiet?: boolean;
  memory?: boolean;
  memoryStrategy?: string;
  memoryK?: string;
  memoryWrite?: boolean;
  embeddingModel?: string;
  emotionModel?: string;
}

/** The option behind each run setting (to tell which ones a resume was given explicitly). */
const SETTING_OPTIONS: Record<keyof SceneRunSettings, string> = {
  mode: 'outputMode', contextTokens: 'contextTokens', baseURL: 'baseUrl', cache: 'cache', timeoutMs: 'timeout', retries: 'retries', memory: 'memory',
  turnRetries: 'turnRetries', turnRetryDelayMs: 'turnRetryDelay',
};

/** The flag behind each field of a run's plan (to name the ones a resume refuses). */
const PLAN_FLAGS: Record<string, string> = { models: '--model', episodes: '--episodes', seed: '--seed', runId: '--run-id' };

/** `scene run FILE` (a new run) or `scene run --resume RUN`. */
export async function sceneRun(io: CliIo, file: string | undefined, options: SceneRunFlags, command: Command): Promise<void> {
  if (!file && !options.resume) throw new UsageError('name a scene file, or --resume RUN_ID');
  if (file && options.resume) throw new UsageError('give either a scene file or --resume RUN_ID, not both');
  const episodes = positiveInt(options.episodes, '--episodes');
  const concurrency = positiveInt(options.concurrency, '--concurrency');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
  const turnRetries = options.turnRetries === undefined ? undefined : nonNegativeInt(options.turnRetries, '--turn-retries');
  const turnRetryDelaySeconds = positiveNumber(options.turnRetryDelay, '--turn-retry-delay', true);
  const settings: SceneRunSettings = {
    mode: parseMode(options.outputMode), contextTokens: positiveInt(options.contextTokens, '--context-tokens'),
    baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries,
    turnRetries, ...(turnRetryDelaySeconds === undefined ? {} : { turnRetryDelayMs: turnRetryDelaySeconds * 1000 }),
    memory: sceneMemory(options),
  };
  const maxBytes = maxFileBytes(command, io);
  const given = (option: string) => command.getOptionValueSource(option) === 'cli';
  const read = file
    ? await inCliTerms(() => readRunScene(file, { cwd: io.cwd, maxBytes, onWarning: (warning) => writeLine(io.stderr, `warning: ${warning}`) }))
    : undefined;
  await withStore(command, io, async (store) => {
    const follow = followRun(io);
    const execution: SceneRunExecutionOptions = {
      store, env: io.env, concurrency, maxBytes, signal: follow.signal, onStart: follow.onStart, onProgress: follow.onProgress,
      onEpisodeError: (episodeId, error) => follow.log(`episode ${episodeId} failed: ${describeError(error)}`),
      onWarning: (episodeId, warning) => follow.log(`warning in ${episodeId}: ${warning}`),
      onNote: (note) => follow.log(`note: ${note}`),
    };
    let outcome: SceneRunOutcome;
    try {
      outcome = await inCliTerms(() => (read
        ? startSceneRun({
          ...execution, ...read, models: options.model, episodes, seed, runId: options.runId, settings, cwd: io.cwd,
          download: (modelId) => downloadWithProgress(modelId, io),
        })
        : resumeSceneRun({
          ...execution, runId: options.resume!,
          // Connection settings may change between attempts (a server on a new port, a longer timeout).
          settings: Object.fromEntries(Object.entries(settings).filter(([key]) => given(SETTING_OPTIONS[key as keyof SceneRunSettings]))),
          plan: {
            models: given('model') ? options.model : undefined, episodes: given('episodes') ? episodes : undefined,
            seed: given('seed') ? seed : undefined, runId: given('runId') ? options.runId : undefined,
          },
        })), { resuming: !read, flags: PLAN_FLAGS });
    } finally {
      follow.stop();
    }
    await printSceneRun(io, store, outcome, options);
  });
}

async function printSceneRun(io: CliIo, store: Store, outcome: SceneRunOutcome, options: SceneRunFlags): Promise<void> {
  const { summary, result: { counts } } = outcome;
  if (options.json) {
    printJson(io, summary);
  } else {
    if (counts.total === 1 && counts.done === 1 && !options.quiet) {
      const shown = await showScene({ store, id: outcome.episodeIds[0]! });
      if ('episode' in shown) writeLine(io.stdout, renderSceneTranscript(shown.episode.events, { color: colored(io) }));
      writeLine(io.stdout);
    }
    for (const line of sceneRunSummaryLines(summary, outcome.cost)) writeLine(io.stdout, line);
  }
  if (outcome.result.interrupted || counts.failed > 0) {
    writeLine(io.stderr, `${outcome.result.interrupted ? 'interrupted' : 'some episodes failed'}; continue with: dramatis scene run --resume ${summary.run}`);
    throw new RunError('run/incomplete', `run ${summary.run} is not complete (${counts.failed} failed, ${counts.pending + counts.running} unfinished)`, { id: summary.run });
  }
}

/** The run's memory settings, when any memory option is given. */
function sceneMemory(options: SceneRunFlags): SceneMemorySettings | undefined {
  if (!(options.memory || options.memoryStrategy || options.memoryK || options.memoryWrite || options.embeddingModel || options.emotionModel)) return undefined;
  if (options.memoryStrategy !== undefined && !(STRATEGIES as readonly string[]).includes(options.memoryStrategy)) {
    throw new UsageError(`--memory-strategy must be one of ${STRATEGIES.join(', ')}, not '${options.memoryStrategy}'`);
  }
  return {
    strategy: options.memoryStrategy as Strategy | undefined, k: positiveInt(options.memoryK, '--memory-k'), write: options.memoryWrite ?? false,
    embeddingModel: options.embeddingModel, emotionModel: options.emotionModel,
  };
}

/** `scene runs`: the stored scene runs. */
export async function sceneRuns(io: CliIo, options: { json?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    const rows = await listSceneRuns(store);
    if (options.json) return printJson(io, rows);
    if (rows.length === 0) return writeLine(io.stdout, `No scene runs yet ${storeWhere(store)}. Start one with: dramatis scene run SCENE.yaml`);
    for (const line of sceneRunsTable(rows)) writeLine(io.stdout, line);
  });
}

/** `scene runs delete RUN`. */
export async function sceneRunsDelete(io: CliIo, runId: string, options: { json?: boolean }, command: Command): Promise<void> {
  await withStore(command, io, async (store) => {
    const removed = await inCliTerms(() => deleteSceneRun(store, runId));
    printRemoval(io, options.json, runId, `deleted scene run ${runId}: ${removed.episodes} episodes, ${removed.events} events, ${removed.usageRows} usage rows`, removed);
  });
}

/** `scene show ID`: an episode (omniscient, or --as one cast member), or a run's episodes. */
export async function sceneShow(io: CliIo, id: string, options: { as?: string; thoughts: boolean; json?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    const shown = await inCliTerms(() => showScene({ store, id, as: options.as }));
    if ('run' in shown) {
      const { run, jobs, usage, turnRetries } = shown.run;
      if (options.json) return printJson(io, { run, jobs, usage, turnRetries });
      for (const line of sceneRunLines(shown.run)) writeLine(io.stdout, line);
      return;
    }
    const { episode, events, perceived, usage } = shown.episode;
    if (options.json) return printJson(io, { episode, events: perceived, usage });
    writeLine(io.stdout, renderSceneTranscript(events, { as: options.as, showThoughts: options.thoughts, color: colored(io) }));
  });
}

/** `scene export ID`: a run's or an episode's events as JSONL, or ToMATO-like transcripts. */
export async function sceneExport(io: CliIo, id: string, options: { format: string; as?: string; out?: string }, command: Command): Promise<void> {
  const format = options.format;
  if (format !== 'jsonl' && format !== 'tomato' && format !== 'opinions') throw new UsageError(`--format must be jsonl, tomato or opinions, not '${format}'`);
  await readStore(command, io, async (store) => {
    const { episodes, text } = await inCliTerms(() => exportScene({ store, id, format, as: options.as }));
    if (options.out) {
      await writeFile(resolve(io.cwd, options.out), text);
      writeLine(io.stderr, `wrote ${episodes} episode(s) to ${options.out}`);
    } else {
      io.stdout.write(text);
    }
  });
}

/** `scene validate FILE`: the scenes a file holds, summarized (or as JSON). */
export async function sceneValidate(io: CliIo, file: string, options: { json?: boolean }, command: Command): Promise<void> {
  const scenes = await readSceneSource(resolve(io.cwd, file), { maxBytes: maxFileBytes(command, io) });
  for (const warning of new Set(scenes.flatMap((scene) => scene.warnings ?? []))) writeLine(io.stderr, `warning: ${warning}`);
  if (options.json) return printJson(io, scenes.length === 1 ? scenes[0] : scenes);
  for (const line of sceneSummaryLines(scenes)) writeLine(io.stdout, line);
}

/** `scene kinds`: every scenario kind with its params. */
export async function sceneKinds(io: CliIo, options: { json?: boolean }): Promise<void> {
  const kinds = describeScenarioKinds();
  if (options.json) return printJson(io, kinds);
  for (const line of sceneKindLines(kinds)) writeLine(io.stdout, line);
}

/** `scene import FILE --out DIR`: a CharacterBox file as one YAML scene per scene. */
export async function sceneImport(io: CliIo, file: string, options: { out: string }, command: Command): Promise<void> {
  const { files } = await inCliTerms(() => importCharacterBoxScenes(file, { outDir: options.out, cwd: io.cwd, maxBytes: maxFileBytes(command, io) }));
  writeLine(io.stdout, `wrote ${files.length} scene(s) to ${options.out}`);
}

function colored(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
}

export interface SceneJudgeFlags {
  rubric?: string;
  judge?: string;
  baseline?: string;
  baseUrl?: string;
  seed?: string;
  concurrency?: string;
  resume?: string;
  runId?: string;
  cache: boolean;
  timeout?: string;
  retries?: string;
  json?: boolean;
}

/** `scene judge RUN --rubric R --judge M` (a new judge run) or `scene judge --resume JUDGE_RUN`. */
export async function sceneJudge(io: CliIo, sceneRun: string | undefined, options: SceneJudgeFlags, command: Command): Promise<void> {
  if (!sceneRun && !options.resume) throw new UsageError('name a scene run (dramatis scene runs), or --resume JUDGE_RUN');
  if (sceneRun && options.resume) throw new UsageError('give either a scene run or --resume JUDGE_RUN, not both');
  if (sceneRun && !options.rubric) throw new UsageError('--rubric is required: characterbox, furina, or a rubric file');
  if (sceneRun && !options.judge) throw new UsageError('--judge MODEL is required (e.g. --judge openai:gpt-4o)');
  const concurrency = positiveInt(options.concurrency, '--concurrency');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
  const settings: BenchConnectionSettings = { baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries };
  const given = (option: string) => command.getOptionValueSource(option) === 'cli';
  const settingOptions: Record<keyof BenchConnectionSettings, string> = { baseURL: 'baseUrl', cache: 'cache', timeoutMs: 'timeout', retries: 'retries' };
  await withStore(command, io, async (store) => {
    const follow = followRun(io);
    let shownErrors = 0;
    const execution = {
      store, env: io.env, concurrency, signal: follow.signal, onStart: follow.onStart, onProgress: follow.onProgress, maxBytes: maxFileBytes(command, io),
      onItemError: (job: { id: string }, error: unknown) => { if (shownErrors++ < 5) follow.log(`item ${job.id} failed: ${describeError(error)}`); },
    };
    let outcome: BenchRunOutcome;
    try {
      outcome = await inCliTerms(() => (options.resume
        ? resumeSceneJudge({
          ...execution, runId: options.resume!,
          settings: Object.fromEntries(Object.entries(settings).filter(([key]) => given(settingOptions[key as keyof BenchConnectionSettings]))),
          plan: {
            rubric: given('rubric') ? options.rubric : undefined, judge: given('judge') ? options.judge : undefined, baseline: given('baseline') ? options.baseline : undefined,
            seed: given('seed') ? seed : undefined, runId: given('runId') ? options.runId : undefined,
          },
        })
        : startSceneJudge({
          ...execution, sceneRun: sceneRun!, rubric: options.rubric!, judge: options.judge!, baseline: options.baseline, seed, runId: options.runId, settings, cwd: io.cwd,
        })), { resuming: Boolean(options.resume), flags: { rubric: '--rubric', judge: '--judge', baseline: '--baseline', seed: '--seed', runId: '--run-id' } });
    } finally {
      follow.stop();
    }
    const { summary, result: { counts } } = outcome;
    if (options.json) printJson(io, summary);
    else {
      writeLine(io.stdout, formatLeaderboard(summary));
      for (const model of summary.models) {
        const bias = model.metrics.position_a;
        const agreed = model.metrics.consistency;
        if (bias?.value !== undefined && bias.value !== null && agreed?.value !== undefined && agreed.value !== null) {
          writeLine(io.stdout, `judge position bias (${model.model}): ${(100 * bias.value).toFixed(1)}% of decisive verdicts chose the text shown as A (50% is none); the two orders agreed on ${(100 * agreed.value).toFixed(1)}% of lines`);
        }
      }
    }
    if (shownErrors > 5) writeLine(io.stderr, `… and ${shownErrors - 5} more failed items`);
    if (outcome.result.interrupted || counts.failed > 0) {
      writeLine(io.stderr, `${outcome.result.interrupted ? 'interrupted' : `${counts.failed} item(s) failed`}; finish the missing items with: dramatis scene judge --resume ${outcome.run.id}`);
      throw new RunError('run/incomplete', `run ${outcome.run.id} is not complete (${counts.failed} failed, ${counts.pending + counts.running} unfinished)`, { id: outcome.run.id });
    }
  });
}
