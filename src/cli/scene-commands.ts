import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { perspectiveOf } from '../events/index.ts';
import { costOf, createModelRuntime, formatModelSpec, priceTable, resolveModelSpec } from '../llm/index.ts';
import {
  characterBoxScenes, isCharacterBoxFile, readSceneSource, writeSceneYaml, sceneInputFailure, type Scene, renderSceneTranscript, toJsonl,
} from '../scene/index.ts';
import { readInputText } from '../text/index.ts';
import { prepareModels } from './local-models.ts';
import type { SceneMemorySettings, SceneRunMeta } from '../run/index.ts';
import { STRATEGIES, type Strategy } from '../memory/index.ts';
import type { Episode, Run, Store } from '../store/index.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { collect, nonNegativeInt, parseMode, positiveInt, positiveNumber } from './option-values.ts';
import { lookedIn, readStore, withStore } from './store-option.ts';
import { printRemoval } from './removal.ts';
import { maxFileBytes } from './file-limit-option.ts';

// The run operations (and with them the evaluation code that bench runs use) load when a command that needs them
// runs, so that the other commands start as fast as before.
const loadRun = () => import('../run/index.ts');

interface RunOptions {
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
const settingOption: Record<string, string> = {
  mode: 'outputMode', contextTokens: 'contextTokens', baseURL: 'baseUrl', cache: 'cache', timeoutMs: 'timeout', retries: 'retries', memory: 'memory',
  turnRetries: 'turnRetries', turnRetryDelayMs: 'turnRetryDelay',
};

/** The run's memory settings, when any memory option is given. */
function sceneMemory(options: RunOptions): SceneMemorySettings | undefined {
  if (!(options.memory || options.memoryStrategy || options.memoryK || options.memoryWrite || options.embeddingModel || options.emotionModel)) return undefined;
  if (options.memoryStrategy !== undefined && !(STRATEGIES as readonly string[]).includes(options.memoryStrategy)) {
    throw new UsageError(`--memory-strategy must be one of ${STRATEGIES.join(', ')}, not '${options.memoryStrategy}'`);
  }
  return {
    strategy: options.memoryStrategy as Strategy | undefined, k: positiveInt(options.memoryK, '--memory-k'), write: options.memoryWrite ?? false,
    embeddingModel: options.embeddingModel, emotionModel: options.emotionModel,
  };
}

/** Commands under `dramatis scene`: run (and resume), runs, show, export, validate, import. */
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
    .action(async (file: string | undefined, options: RunOptions, command: Command) => {
      if (!file && !options.resume) throw new UsageError('name a scene file, or --resume RUN_ID');
      if (file && options.resume) throw new UsageError('give either a scene file or --resume RUN_ID, not both');
      const episodes = positiveInt(options.episodes, '--episodes') ?? 1;
      const concurrency = positiveInt(options.concurrency, '--concurrency') ?? 4;
      const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
      const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
      const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
      const turnRetries = options.turnRetries === undefined ? undefined : nonNegativeInt(options.turnRetries, '--turn-retries');
      const turnRetryDelaySeconds = positiveNumber(options.turnRetryDelay, '--turn-retry-delay', true);
      const settings = {
        mode: parseMode(options.outputMode), contextTokens: positiveInt(options.contextTokens, '--context-tokens'),
        baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries,
        turnRetries, ...(turnRetryDelaySeconds === undefined ? {} : { turnRetryDelayMs: turnRetryDelaySeconds * 1000 }),
        memory: sceneMemory(options),
      };
      const maxBytes = maxFileBytes(command, io);
      let scene: Scene | undefined;
      if (file) {
        const scenes = await readSceneSource(resolve(io.cwd, file), { maxBytes });
        if (scenes.length !== 1) throw new UsageError(`${file} holds ${scenes.length} scenes; pick one with ${file}#ID`);
        scene = scenes[0];
        printWarnings(scenes, io);
      }
      await withStore(command, io, async (store) => {
        const { createSceneRun, loadRunScene, roleModels } = await loadRun();
        let run: Run;
        if (options.resume) {
          const found = await store.getRun(options.resume);
          if (!found || found.kind !== 'scene') throw new UsageError(`no scene run with id '${options.resume}'; list them with: dramatis scene runs`);
          const fixed = ['model', 'episodes', 'seed', 'runId'].filter((key) => command.getOptionValueSource(key) === 'cli');
          if (fixed.length) {
            throw new UsageError(`--resume continues run ${found.id} as it was planned; ${fixed.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} cannot change it (start a new run instead)`);
          }
          // Connection settings may change between attempts (a server on a new port, a longer timeout).
          const overrides = Object.fromEntries(Object.entries(settings).filter(([key]) => command.getOptionValueSource(settingOption[key]) === 'cli'));
          run = Object.keys(overrides).length
            ? await store.updateRun(found.id, { meta: { settings: { ...(found.meta.settings as object), ...overrides } } })
            : found;
          scene = await loadRunScene(run, { maxBytes });
        } else {
          if (options.runId && (await store.getRun(options.runId))) {
            throw new UsageError(`a run with id '${options.runId}' already exists; continue it with --resume ${options.runId}, or pick another --run-id`);
          }
          // Local models are downloaded (with progress) and their paths made absolute before the run is stored:
          // --model paths are relative to the working directory, the scene file's own to the scene file.
          const source = resolve(io.cwd, file!);
          const sceneIo = { ...io, cwd: dirname(source) };
          const models = options.model?.length
            ? await prepareModels(options.model, io)
            : await prepareModels([formatModelSpec(resolveModelSpec({ model: scene!.models.default, env: io.env }))], sceneIo);
          await prepareModels([...new Set(models.flatMap((model) => Object.values(roleModels(scene!, model))))], sceneIo);
          run = await createSceneRun({ store, scene: scene!, source, episodes, seed, models, env: io.env, settings, runId: options.runId });
        }
        await executeRun(store, run, scene!, options, concurrency, io);
      });
    });

  const runs = scene.command('runs')
    .description('List scene runs with their status (find a killed run to --resume); `runs delete RUN` deletes one')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene runs\n  $ dramatis scene runs delete lighthouse-3f2a1c')
    .action(async (options: { json?: boolean }, command: Command) => {
      await readStore(command, io, async (store) => {
        const { displayStatus, sceneRunRetries } = await loadRun();
        const runs = await store.listRuns({ kind: 'scene' });
        const rows = await Promise.all(runs.map(async (run) => ({
          id: run.id, title: run.title, status: displayStatus(run), jobs: await store.jobCounts(run.id),
          usage: await store.usageTotals({ runId: run.id }), turnRetries: (await sceneRunRetries(store, run.id)).total,
          createdAt: run.createdAt, updatedAt: run.updatedAt,
        })));
        if (options.json) return printJson(io, rows);
        if (rows.length === 0) return writeLine(io.stdout, `No scene runs yet ${lookedIn(store)}. Start one with: dramatis scene run SCENE.yaml`);
        const width = Math.max(2, ...rows.map((r) => r.id.length));
        writeLine(io.stdout, `${'ID'.padEnd(width)}  ${'STATUS'.padEnd(8)}  DONE/FAILED/TOTAL  TOKENS(in/out)  TURN RETRIES  TITLE`);
        for (const r of rows) {
          const jobs = `${r.jobs.done}/${r.jobs.failed}/${r.jobs.total}`;
          writeLine(io.stdout, `${r.id.padEnd(width)}  ${r.status.padEnd(8)}  ${jobs.padStart(17)}  ${`${r.usage.inputTokens}/${r.usage.outputTokens}`.padStart(14)}  ${String(r.turnRetries).padStart(12)}  ${r.title}`);
        }
      });
    });

  runs.command('delete')
    .description("Delete a scene run: its episodes, their events and its token usage (the characters' memories are kept)")
    .argument('<run>', 'run id')
    .option('--json', 'print what was removed as JSON')
    .addHelpText('after', '\nA run that a live process is executing is refused: stop it first.\n\nExample:\n  $ dramatis scene runs delete lighthouse-3f2a1c')
    .action(async (runId: string, options: { json?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        const run = await store.getRun(runId);
        if (!run || run.kind !== 'scene') {
          throw Object.assign(new Error(`no scene run with id '${runId}' ${lookedIn(store)}; list them with: dramatis scene runs`), { code: 'cli/not-found' });
        }
        const { deleteRun } = await loadRun();
        const removed = await deleteRun(store, runId, 'scene');
        printRemoval(io, options.json, runId, `deleted scene run ${runId}: ${removed.episodes} episodes, ${removed.events} events, ${removed.usageRows} usage rows`, removed);
      });
    });

  scene.command('show')
    .description('Print an episode: omniscient with thoughts inline, or --as NAME for exactly what NAME perceived; a run id lists its episodes')
    .argument('<id>', 'episode id (or run id)')
    .option('--as <name>', "only what this character could perceive (its own thoughts included)")
    .option('--no-thoughts', 'leave thoughts out')
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene show lighthouse-3f2a1c-e0\n  $ dramatis scene show lighthouse-3f2a1c-e0 --as Tomas')
    .action(async (id: string, options: { as?: string; thoughts: boolean; json?: boolean }, command: Command) => {
      await readStore(command, io, async (store) => {
        const episode = await store.getEpisode(id);
        if (!episode) {
          const run = await store.getRun(id);
          if (run) return showRun(store, run, options.json ?? false, io);
          throw Object.assign(new Error(`no scene episode or run with id '${id}' ${lookedIn(store)}; list runs with: dramatis scene runs`), { code: 'cli/not-found' });
        }
        const events = await store.listEvents(id);
        if (options.as) assertCastMember(episode, options.as);
        const shown = options.as ? perspectiveOf(events, options.as) : events;
        if (options.json) return printJson(io, { episode, events: shown, usage: await store.usageTotals({ episodeId: id }) });
        writeLine(io.stdout, renderSceneTranscript(events, { as: options.as, showThoughts: options.thoughts, color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));
      });
    });

  scene.command('export')
    .description('Export a run (every episode) or one episode: JSONL of events, or ToMATO-like transcripts with thoughts beside each utterance')
    .argument('<id>', 'run id or episode id')
    .option('--format <format>', 'jsonl (one event a line) or tomato (one episode a line)', 'jsonl')
    .option('--as <name>', "only what this character could perceive")
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExamples:\n  $ dramatis scene export lighthouse-3f2a1c --format jsonl > run.jsonl\n  $ dramatis scene export lighthouse-3f2a1c --format tomato --out run.tomato.jsonl')
    .action(async (id: string, options: { format: string; as?: string; out?: string }, command: Command) => {
      if (options.format !== 'jsonl' && options.format !== 'tomato') throw new UsageError(`--format must be jsonl or tomato, not '${options.format}'`);
      await readStore(command, io, async (store) => {
        const episodes = await episodesOf(store, id);
        const chunks: string[] = [];
        for (const episode of episodes) {
          const events = await store.listEvents(episode.id);
          if (options.as) assertCastMember(episode, options.as);
          if (options.format === 'jsonl') {
            chunks.push(toJsonl(options.as ? perspectiveOf(events, options.as) : events));
          } else {
            // The ToMATO builder is evaluation code, loaded for this format only (as the bench commands load it).
            const { toTomatoTranscript } = await import('../eval/index.ts');
            const profiles = episode.meta.profiles as Record<string, { secrets?: string[]; goals?: string[] }> | undefined;
            chunks.push(`${JSON.stringify(toTomatoTranscript(events, { as: options.as, profiles }))}\n`);
          }
        }
        const text = chunks.join('');
        if (options.out) {
          await writeFile(resolve(io.cwd, options.out), text);
          writeLine(io.stderr, `wrote ${episodes.length} episode(s) to ${options.out}`);
        } else {
          io.stdout.write(text);
        }
      });
    });

  scene.command('validate')
    .description('Check a scene file (or a CharacterBox file) and summarize it')
    .argument('<file>', 'scene file')
    .option('--json', 'print the resolved scene as JSON (cards included)')
    .addHelpText('after', '\nExample:\n  $ dramatis scene validate examples/scenes/heist.yaml')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const scenes = await readSceneSource(resolve(io.cwd, file), { maxBytes: maxFileBytes(command, io) });
      printWarnings(scenes, io);
      if (options.json) return printJson(io, scenes.length === 1 ? scenes[0] : scenes);
      for (const s of scenes) {
        writeLine(io.stdout, `${s.title} — ${s.kind}, ${s.turns.policy}, max ${s.turns.max} turns${s.narrator ? `, narrator ${s.narrator.name} (${s.narrator.perspective})` : ''}`);
        for (const m of s.cast) {
          const secrets = [...(m.character.secrets ?? []), ...m.privateSetup.secrets].length;
          writeLine(io.stdout, `  ${m.name}${m.source === 'inline' ? '' : ` (${m.source})`}: ${secrets} secret(s), ${m.privateSetup.goals.length} goal(s)${m.model ? `, model ${m.model}` : ''}`);
        }
      }
    });

  scene.command('import')
    .description('Convert a CharacterBox scene file into one runnable YAML scene per scene')
    .argument('<file>', 'CharacterBox extracted-scenes JSON')
    .requiredOption('--out <dir>', 'directory for the YAML files')
    .addHelpText('after', '\nExample:\n  $ dramatis scene import xiyouji_extracted_scenes.json --out scenes/xiyouji')
    .action(async (file: string, options: { out: string }, command: Command) => {
      const path = resolve(io.cwd, file);
      const text = await readInputText(path, { kind: 'scene', maxBytes: maxFileBytes(command, io), fail: sceneInputFailure });
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (!isCharacterBoxFile(value)) throw new UsageError(`${file} is not a CharacterBox scene file (JSON: { title, scenes: [...] })`);
      const scenes = characterBoxScenes(value, { source: file });
      const dir = resolve(io.cwd, options.out);
      await mkdir(dir, { recursive: true });
      const ids = (value as { scenes: { id: unknown }[] }).scenes.map((s) => String(s.id));
      for (const [i, s] of scenes.entries()) await writeFile(join(dir, `scene-${ids[i] ?? i}.yaml`), writeSceneYaml(s));
      writeLine(io.stdout, `wrote ${scenes.length} scene(s) to ${options.out}`);
    });
}

async function executeRun(store: Store, run: Run, scene: Scene, options: RunOptions, concurrency: number, io: CliIo): Promise<void> {
  const { createProgressReporter, describeError, describeOutputModes, executeSceneRun, roleModels, runOutputModes, sceneRunRetries } = await loadRun();
  const meta = run.meta as unknown as SceneRunMeta;
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort());
  const progress = createProgressReporter({ stream: io.stderr, label: `run ${run.id}` });
  const failures: string[] = [];
  let result;
  try {
    result = await executeSceneRun({
      store, run, scene, env: io.env, concurrency, signal: controller.signal,
      runtime: createModelRuntime({ concurrency }),
      onProgress: (p) => progress.update(p),
      onJobError: (job, error) => {
        const line = `episode ${String(job.input.episodeId)} failed: ${describeError(error)}`;
        failures.push(line);
        progress.log(line);
      },
      onWarning: (episodeId, warning) => progress.log(`warning in ${episodeId}: ${warning}`),
      onNote: (note) => progress.log(`note: ${note}`),
    });
  } finally {
    progress.stop();
    removeInterrupt();
  }
  const counts = result.counts;
  const usage = await store.usageTotals({ runId: run.id });
  const cost = costOf(await store.usageByModel({ runId: run.id }), priceTable(io.env));
  const turnRetries = await sceneRunRetries(store, run.id);
  const stored = (await store.getRun(run.id)) ?? run;
  const roleModelSpecs = meta.models.flatMap((model) => Object.values(roleModels(scene, model)));
  const structuredOutput = runOutputModes(stored, roleModelSpecs, { env: io.env, baseURL: meta.settings?.baseURL });
  const summary = {
    run: run.id, title: run.title, status: result.interrupted ? 'interrupted' : counts.failed > 0 ? 'failed' : 'done',
    episodes: { done: counts.done, failed: counts.failed, unfinished: counts.pending + counts.running, total: counts.total },
    turnRetries, models: meta.models, structuredOutput, seed: meta.seed, usage, cost: { usd: Number(cost.usd.toFixed(6)), unpriced: cost.unpriced },
  };
  if (options.json) {
    printJson(io, summary);
  } else {
    if (counts.total === 1 && counts.done === 1 && !options.quiet) {
      const [job] = await store.listJobs(run.id);
      writeLine(io.stdout, renderSceneTranscript(await store.listEvents(String(job.input.episodeId)), { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));
      writeLine(io.stdout);
    }
    writeLine(io.stdout, `run ${run.id}: ${counts.done} done, ${counts.failed} failed, ${counts.pending + counts.running} unfinished of ${counts.total} episode(s)`);
    if (turnRetries.total > 0) writeLine(io.stdout, `turn retries: ${describeTurnRetries(turnRetries)}`);
    writeLine(io.stdout, `structured output: ${describeOutputModes(structuredOutput)}`);
    writeLine(io.stdout, `usage: ${usage.calls} calls (${usage.cachedCalls} cached), ${usage.inputTokens} input + ${usage.outputTokens} output tokens; cost ${formatCost(cost)}`);
  }
  if (result.interrupted || counts.failed > 0) {
    writeLine(io.stderr, `${result.interrupted ? 'interrupted' : 'some episodes failed'}; continue with: dramatis scene run --resume ${run.id}`);
    throw Object.assign(new Error(`run ${run.id} is not complete (${counts.failed} failed, ${counts.pending + counts.running} unfinished)`), { code: 'run/incomplete' });
  }
}

/** A scene's warnings (e.g. lorebook keys that are skipped) on stderr, once each. */
function printWarnings(scenes: readonly Scene[], io: CliIo): void {
  for (const warning of new Set(scenes.flatMap((scene) => scene.warnings ?? []))) writeLine(io.stderr, `warning: ${warning}`);
}

function formatCost(cost: { usd: number; unpriced: string[] }): string {
  const usd = `$${cost.usd.toFixed(4)}`;
  return cost.unpriced.length ? `${usd} (no price for ${cost.unpriced.join(', ')}; set DRAMATIS_PRICES)` : usd;
}

async function showRun(store: Store, run: Run, json: boolean, io: CliIo): Promise<void> {
  const { displayStatus, jobTurnRetries } = await loadRun();
  const jobs = await store.listJobs(run.id);
  const retries = await Promise.all(jobs.map((job) => jobTurnRetries(store, job)));
  const turnRetries = { total: retries.reduce((sum, n) => sum + n, 0), episodes: retries.filter((n) => n > 0).length };
  if (json) return printJson(io, { run, jobs, usage: await store.usageTotals({ runId: run.id }), turnRetries });
  writeLine(io.stdout, `# ${run.title} — run ${run.id} (${displayStatus(run)})`);
  if (turnRetries.total > 0) writeLine(io.stdout, `turn retries: ${describeTurnRetries(turnRetries)}`);
  const means = meanMetrics(jobs.map((job) => job.result?.metrics as Record<string, number> | undefined).filter((m) => m !== undefined));
  if (means.episodes > 0) {
    writeLine(io.stdout, `mean over ${means.episodes} finished episode(s): ${Object.entries(means.values).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(', ')}`);
  }
  jobs.forEach((job, i) => {
    const retried = retries[i] > 0 ? `  turn retries: ${retries[i]}` : '';
    writeLine(io.stdout, `${String(job.input.episodeId).padEnd(32)}  ${job.status.padEnd(7)}  ${String(job.input.model)}${job.result?.ended ? `  ended: ${String(job.result.ended)}` : ''}${retried}${job.error ? `  ${job.error}` : ''}`);
  });
}

/** `14 in 4 episode(s)`: how often a step was tried again after a transient failure, and in how many episodes. */
function describeTurnRetries(retries: { total: number; episodes: number }): string {
  return `${retries.total} in ${retries.episodes} episode(s)`;
}

/** `--as NAME` must name a cast member of the episode. */
function assertCastMember(episode: Episode, name: string): void {
  const cast = (episode.meta.scene as { cast?: string[] } | undefined)?.cast ?? [];
  if (!cast.includes(name)) {
    throw Object.assign(new Error(`no character '${name}' in episode ${episode.id}; use one of: ${cast.join(', ')}`), { code: 'cli/not-in-cast' });
  }
}

function meanMetrics(all: Record<string, number>[]): { episodes: number; values: Record<string, number> } {
  const sums: Record<string, number> = {};
  for (const metrics of all) for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
  return { episodes: all.length, values: Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, sum / all.length])) };
}

async function episodesOf(store: Store, id: string): Promise<Episode[]> {
  const episode = await store.getEpisode(id);
  if (episode) return [episode];
  const run = await store.getRun(id);
  if (!run) throw Object.assign(new Error(`no scene run or episode with id '${id}' ${lookedIn(store)}; list runs with: dramatis scene runs`), { code: 'cli/not-found' });
  const episodes: Episode[] = [];
  for (const job of await store.listJobs(run.id)) {
    const stored = await store.getEpisode(String(job.input.episodeId));
    if (stored) episodes.push(stored);
  }
  return episodes;
}
