import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import {
  type ResolvedBenchmark, type BenchmarkDefinition, EvalError, type BenchItem, createJudge, type Judge, modelReply, type AttemptRecord,
  type BenchSummary, type ItemRecord, createScorer, type ItemScore, type MetricDefinition, type Scorer, seededGenerator, metricInfos,
  summarizeModel, renderPrompt,
} from '../eval/index.ts';
import type { Character } from '../character/index.ts';
import {
  cachedEmbedder, costOf, createLanguageModel, formatModelSpec, parseModelSpec, priceTable, resolveEndpoint, resolveModelSpec,
  type Env, type ModelRuntime,
} from '../llm/index.ts';
import { agentPrompt, benchPersonas, playItem, type BenchAgentMeta } from './bench-agent.ts';
import { seededInt } from '../scene/index.ts';
import type { Job, Run, Store } from '../store/index.ts';
import { readableId } from '../text/index.ts';
import { modelLimits } from './model-limits.ts';
import { RunOutputModes, runOutputModes } from './structured-output.ts';
import { runLocal, type LocalRunOptions, type LocalRunResult } from './local-runner.ts';
import { activeEpisodesFor } from './scene-run.ts';

/** How options are shown: as released, one seeded shuffle per item, or every cyclic rotation (each asked). */
export type OptionOrder = 'released' | 'shuffled' | 'rotated';

/** How a benchmark run talks to its models; kept in the run so a resume uses the same settings. */
export interface BenchRunSettings {
  options?: OptionOrder;
  baseURL?: string;
  cache?: boolean;
  timeoutMs?: number;
  retries?: number;
}

export interface BenchRunMeta {
  benchmark: string;
  /** `built-in` or the YAML file. */
  origin: string;
  definition: BenchmarkDefinition;
  dataPath: string;
  /** Items in the run (per model). */
  items: number;
  /** Items the data file holds (before `--limit`). */
  available: number;
  models: string[];
  judge?: string;
  /** The embedding model for scorers that embed (think-act by embedding). */
  embedding?: string;
  seed: number;
  settings: BenchRunSettings;
  /** Played by the character agent (`--agent`, `agent:` in the definition, `--character`); absent: the prompt templates. */
  agent?: BenchAgentMeta;
}

/** What one job does: ask one model one item (the item travels with the job, so a resume needs no data file). */
export interface BenchJobInput {
  item: BenchItem;
  model: string;
  /** The item's sampling seed: the same for every model, so runs compare on equal terms. */
  seed: number;
}

export interface CreateBenchRunOptions {
  store: Store;
  benchmark: ResolvedBenchmark;
  items: readonly BenchItem[];
  /** `--model` values; empty: DRAMATIS_MODEL. */
  models: string[];
  /** `--judge`, else the definition's `judge.model`. */
  judge?: string;
  /** `--embedding-model`, else the definition's `embedding.model`. */
  embedding?: string;
  env: Env;
  seed?: number;
  /** The first N items (released order). */
  limit?: number;
  settings?: BenchRunSettings;
  runId?: string;
  /** Play every item through the character agent (the definition's `agent:` does the same). */
  agent?: boolean;
  /** The card that plays every item (implies `agent`), where the benchmark allows it. */
  character?: { path: string; character: Character };
}

/** Plans a benchmark run: items × models, each a job carrying its item. */
export async function createBenchRun(options: CreateBenchRunOptions): Promise<Run> {
  const { definition } = options.benchmark;
  if (options.items.length === 0) throw new EvalError('eval/no-items', `${options.benchmark.dataPath}: the data holds no items`);
  const models = options.models.length
    ? options.models.map((m) => formatModelSpec(parseModelSpec(m)))
    : [formatModelSpec(resolveModelSpec({ env: options.env }))];
  const judgeSpec = options.judge ?? definition.judge?.model;
  const judge = judgeSpec ? formatModelSpec(parseModelSpec(judgeSpec)) : undefined;
  const embeddingSpec = options.embedding ?? definition.embedding?.model;
  const embedding = embeddingSpec ? formatModelSpec(parseModelSpec(embeddingSpec)) : undefined;
  const scorers = definition.scorers.map(createScorer);
  const needing = scorers.filter((s) => s.requiresJudge).map((s) => s.name);
  if (needing.length && !judge) {
    throw new EvalError('eval/bad-definition', `benchmark ${definition.name} scores with ${needing.join(', ')}, which needs a judge model: pass --judge MODEL (or set judge.model in the YAML)`);
  }
  const embedders = scorers.filter((s) => s.requiresEmbedding).map((s) => s.name);
  if (embedders.length && !embedding) {
    throw new EvalError('eval/bad-definition', `benchmark ${definition.name} scores with ${embedders.join(', ')}, which needs an embedding model: pass --embedding-model MODEL (or set embedding.model in the YAML)`);
  }
  // A missing API key or base URL fails now, before a run is stored that could never make a call.
  for (const spec of [...models, judge, embedding]) if (spec) resolveEndpoint(parseModelSpec(spec), { env: options.env, baseURL: options.settings?.baseURL });
  const agent: BenchAgentMeta | undefined = options.agent || options.character || definition.agent
    ? { ...(options.character ? { card: options.character } : {}) }
    : undefined;
  // A loader without a persona, or a card where every item asks for its own persona, is refused before the run is stored.
  if (agent) benchPersonas(definition, agent);
  const seed = options.seed ?? 1;
  const items = options.limit ? options.items.slice(0, options.limit) : options.items;
  const runId = options.runId ?? readableId(definition.name, 'run');
  const jobs = models.flatMap((model, m) => items.map((item) => {
    const input: BenchJobInput = { item, model, seed: seededInt(seed, item.id) };
    return { id: models.length > 1 ? `m${m}:${item.id}` : item.id, input: { ...input } };
  }));
  const meta: BenchRunMeta = {
    benchmark: definition.name, origin: options.benchmark.origin, definition, dataPath: options.benchmark.dataPath,
    items: items.length, available: options.items.length, models, ...(judge ? { judge } : {}), ...(embedding ? { embedding } : {}), seed,
    settings: options.settings ?? {},
    ...(agent ? { agent } : {}),
  };
  return options.store.createRun({ id: runId, kind: 'bench', title: definition.title ?? definition.name, meta: { ...meta } }, jobs);
}

export interface ExecuteBenchRunOptions extends Pick<LocalRunOptions, 'onProgress' | 'onJobError' | 'signal'> {
  store: Store;
  run: Run;
  env: Env;
  runtime: ModelRuntime;
  /** Model requests in flight at most (give `runtime` the same limit); a quarter more items run at once, so that no request slot waits for an item's own work (storing, scoring). */
  concurrency: number;
  /** Replaces how models are made (tests); by default `createLanguageModel` with the run's settings. */
  createModel?: (spec: string) => LanguageModelV3;
}

/** Executes (or resumes) a benchmark run: each job asks one model one item, scores the answer and stores it. */
export async function executeBenchRun(options: ExecuteBenchRunOptions): Promise<LocalRunResult> {
  const { store, run } = options;
  const meta = benchMeta(run);
  const { definition, settings } = meta;
  const scorers = definition.scorers.map(createScorer);
  // Models whose servers refused JSON-schema output are asked in text; the run keeps the record (summary, resume).
  const outputModes = new RunOutputModes(store, run);
  const makeModel = options.createModel ?? ((spec: string) => createLanguageModel(spec, {
    env: options.env, runtime: options.runtime, baseURL: settings.baseURL, store, cache: settings.cache, runId: run.id,
    structuredOutput: outputModes.modeOf(spec), onStructuredOutputRefused: () => outputModes.refused(spec),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retries === undefined ? {} : { retry: { maxRetries: settings.retries } }),
  }));
  const models = new Map(meta.models.map((spec) => [spec, makeModel(spec)]));
  const judge: Judge | undefined = meta.judge
    ? createJudge(makeModel(meta.judge), { name: meta.judge, temperature: definition.judge?.temperature ?? 0 })
    : undefined;
  const embed = meta.embedding ? cachedEmbedder(meta.embedding, {
    env: options.env, runtime: options.runtime, baseURL: settings.baseURL, store: options.store, cache: settings.cache,
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retries === undefined ? {} : { retry: { maxRetries: settings.retries } }),
  }) : undefined;
  const schema = definition.responseSchema ? { json: definition.responseSchema as JSONSchema7, name: 'answer' } : undefined;
  const play = meta.agent ? await agentPlayer(meta, options) : undefined;
  const result = await runLocal({
    store, runId: run.id, concurrency: activeEpisodesFor(options.concurrency), onProgress: options.onProgress, onJobError: options.onJobError, signal: options.signal,
    execute: async (job: Job, signal: AbortSignal) => {
      const { item, model, seed } = job.input as unknown as BenchJobInput;
      const attempts: StoredAttempt[] = [];
      for (const order of optionOrders(item, settings.options ?? 'released', meta.seed)) {
        const { answer, turn } = play
          ? await play(item, order, model, models.get(model)!, seed, signal)
          : {
            answer: await modelReply({
              model: models.get(model)!, messages: renderPrompt(definition.prompt, item, order), schema, signal, seed,
              temperature: definition.sampling.temperature, maxOutputTokens: definition.sampling.maxTokens,
            }),
            turn: undefined,
          };
        const score = mergeScores(await Promise.all(scorers.map((scorer) => scorer.score({ item, answer, order, judge, embed, signal, seed }))));
        attempts.push({ ...(order ? { order } : {}), answer, ...(turn ? { turn } : {}), ...score });
      }
      return { ...combineAttempts(attempts) };
    },
  });
  await outputModes.flush();
  return result;
}

/**
 * How an agent run plays an item: the item's persona (or the run's card) as a character, one agent turn per attempt,
 * each model with its context budget (a known window, a local model's context and tokenizer).
 */
async function agentPlayer(meta: BenchRunMeta, options: ExecuteBenchRunOptions) {
  const mapping = benchPersonas(meta.definition, meta.agent!);
  const limits = await modelLimits(meta.models, { env: options.env });
  const { sampling } = meta.definition;
  return (item: BenchItem, order: number[] | undefined, spec: string, model: LanguageModelV3, seed: number, signal: AbortSignal) =>
    playItem(mapping, meta.agent!, item, order, {
      model, seed, signal, temperature: sampling.temperature, ...limits.get(spec),
      ...(sampling.maxTokens ? { replyTokens: Math.max(sampling.maxTokens, 1024) } : {}),
    });
}

/** An attempt as stored on its job (the prompt is rebuilt from the item and the definition when shown). */
type StoredAttempt = Omit<AttemptRecord, 'prompt'>;

interface StoredResult {
  values: Record<string, number | null>;
  invalid: boolean;
  unjudged: boolean;
  attempts: StoredAttempt[];
}

/** The option orders an item is asked in. */
export function optionOrders(item: BenchItem, mode: OptionOrder, runSeed: number): (number[] | undefined)[] {
  const count = item.options?.length ?? 0;
  if (count === 0) return [undefined];
  const released = Array.from({ length: count }, (_, i) => i);
  if (mode === 'rotated') return released.map((_, shift) => released.map((i) => (i + shift) % count));
  if (mode === 'shuffled') {
    const random = seededGenerator(seededInt(runSeed, item.id, 'options'));
    const order = [...released];
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return [order];
  }
  return [released];
}

/** Several scorers' results for one attempt as one. */
function mergeScores(scores: readonly ItemScore[]): Omit<ItemScore, 'values'> & { values: Record<string, number | null> } {
  const merged: ItemScore = { values: {} };
  const extractions: string[] = [];
  const verdicts: unknown[] = [];
  for (const score of scores) {
    Object.assign(merged.values, score.values);
    if (score.invalid) merged.invalid = true;
    if (score.unjudged) merged.unjudged = true;
    if (score.extraction) extractions.push(score.extraction);
    if (score.verdict !== undefined) verdicts.push(score.verdict);
  }
  if (extractions.length) merged.extraction = extractions.join('; ');
  if (verdicts.length) merged.verdict = verdicts.length === 1 ? verdicts[0] : verdicts;
  return merged;
}

/** An item's values: the mean over its attempts (option rotations), null where no attempt had one. */
function combineAttempts(attempts: StoredAttempt[]): StoredResult {
  const names = new Set(attempts.flatMap((a) => Object.keys(a.values)));
  const values: Record<string, number | null> = {};
  for (const name of names) {
    if (name === 'position') continue;
    const present = attempts.map((a) => a.values[name]).filter((v): v is number => typeof v === 'number');
    values[name] = present.length ? present.reduce((sum, v) => sum + v, 0) / present.length : null;
  }
  return { values, invalid: attempts.some((a) => a.invalid), unjudged: attempts.some((a) => a.unjudged), attempts };
}

/** A stored run's benchmark metadata, or an error when the run is not a benchmark run. */
export function benchMeta(run: Run): BenchRunMeta {
  if (run.kind !== 'bench') throw new EvalError('eval/not-found', `run ${run.id} is a ${run.kind} run, not a benchmark run`);
  return run.meta as unknown as BenchRunMeta;
}

/** How a run asks its items: the prompt templates, or the character agent (as one card). */
export function runMode(meta: BenchRunMeta): NonNullable<BenchSummary['mode']> {
  return meta.agent ? { kind: 'agent', ...(meta.agent.card ? { card: meta.agent.card.character.name } : {}) } : { kind: 'template' };
}

/** The scorers' metrics of a definition, in order, without repeats. */
export function definitionMetrics(definition: BenchmarkDefinition): { scorers: Scorer[]; metrics: MetricDefinition[] } {
  const scorers = definition.scorers.map(createScorer);
  const seen = new Set<string>();
  const metrics = scorers.flatMap((s) => s.metrics).filter((m) => !seen.has(m.name) && seen.add(m.name));
  return { scorers, metrics };
}

/** The metric a benchmark's leaderboards sort by: its `primaryMetric`, else its first scorer's first metric. */
export function primaryMetricOf(definition: BenchmarkDefinition): string {
  return definition.primaryMetric ?? definitionMetrics(definition).metrics[0]?.name ?? '';
}

/** Every item × model of a run as records for drill-downs, prompts rebuilt from the items. */
export async function benchItemRecords(store: Store, run: Run): Promise<ItemRecord[]> {
  const meta = benchMeta(run);
  const { definition } = meta;
  const mapping = meta.agent ? benchPersonas(definition, meta.agent) : undefined;
  const promptOf = (item: BenchItem, order?: number[]) => (mapping ? agentPrompt(mapping, meta.agent!, item, order) : renderPrompt(definition.prompt, item, order));
  const jobs = await store.listJobs(run.id);
  return jobs.map((job) => {
    const { item, model } = job.input as unknown as BenchJobInput;
    const result = job.result as unknown as StoredResult | undefined;
    const expected = item.options && item.answer !== undefined ? item.options[item.answer] : item.reference;
    return {
      itemId: item.id, model, status: job.status, ...(job.error ? { error: job.error } : {}), categories: item.categories,
      ...(expected === undefined ? {} : { expected }),
      values: result?.values ?? {}, invalid: result?.invalid ?? false, unjudged: result?.unjudged ?? false,
      ...(result?.attempts.length === 1 && result.attempts[0].verdict !== undefined ? { verdict: result.attempts[0].verdict } : {}),
      attempts: (result?.attempts ?? []).map((a) => ({ ...a, prompt: promptOf(item, a.order) })),
    };
  });
}

/** A run's summary: per model, metrics with bootstrap intervals, breakdowns, counts and usage. */
export async function summarizeBenchRun(store: Store, run: Run, env: Env, records?: ItemRecord[]): Promise<BenchSummary> {
  const meta = benchMeta(run);
  const { definition } = meta;
  const { metrics } = definitionMetrics(definition);
  const all = records ?? await benchItemRecords(store, run);
  const usage = await store.usageByModel({ runId: run.id });
  const prices = priceTable(env);
  const primaryMetric = primaryMetricOf(definition);
  return {
    runId: run.id,
    benchmark: { name: definition.name, title: definition.title ?? definition.name, loader: definition.dataset.loader, data: meta.dataPath, ...(meta.origin === 'built-in' ? {} : { source: meta.origin }) },
    status: run.status,
    createdAt: run.createdAt,
    seed: meta.seed,
    ...(meta.judge ? { judge: meta.judge } : {}),
    mode: runMode(meta),
    // Only the calls that ask for a schema: the answers when the benchmark has an answer schema, and the judge's verdicts.
    structuredOutput: runOutputModes(run, [...(definition.responseSchema || meta.agent ? meta.models : []), ...(meta.judge ? [meta.judge] : [])], { env, baseURL: meta.settings.baseURL }),
    primaryMetric,
    metrics: metricInfos(metrics),
    models: meta.models.map((model) => {
      const mine = all.filter((r) => r.model === model);
      const rows = usage.filter((u) => u.model === model);
      const cost = costOf(rows, prices);
      return summarizeModel(definition, metrics, {
        model,
        planned: mine.length,
        failed: mine.filter((r) => r.status === 'failed').length,
        items: mine.filter((r) => r.status === 'done'),
        usage: {
          calls: rows.reduce((s, u) => s + u.calls, 0), cachedCalls: rows.reduce((s, u) => s + u.cachedCalls, 0),
          inputTokens: rows.reduce((s, u) => s + u.inputTokens, 0), outputTokens: rows.reduce((s, u) => s + u.outputTokens, 0),
          ...(cost.unpriced.length === 0 && rows.length ? { costUsd: Number(cost.usd.toFixed(6)) } : {}),
        },
      }, { seed: meta.seed });
    }),
  };
}
