/** What `dramatis memory` commands do (loaded only when one runs: see memory-commands.ts). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readMemoryFile } from '../memory/index.ts';
import {
  evaluatePersonalityRecall, exportMemories, importCharacterMemories, listMemories, memoryCharacters, reembedCharacterMemories, searchMemories,
  type MemoryOperationOptions,
} from '../run/index.ts';
import type { Store } from '../store/index.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';
import { memoryCharacterLine, memoryLinesTable, personalityTable, recalledLines } from './memory-format.ts';
import {
  ownerFilter, parseEmbedding, parseEmotion, parseLabels, parseWeights, strategyOption, type MemoryModelFlags, type OwnerFlags,
} from './memory-options.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from './option-values.ts';
import { inCliTerms } from './run-errors.ts';
import { readStore, withStore } from './store-option.ts';

// An emotion model may be local: main releases it when the command ends.
export { disposeLocalModels as afterCommand } from '../llm/index.ts';

/** What the memory operations need from the CLI: the store, the environment, the model flags, downloads and warnings. */
function operationOptions(io: CliIo, store: Store, flags: MemoryModelFlags): MemoryOperationOptions {
  return {
    store, env: io.env, cwd: io.cwd, embeddingModel: flags.embeddingModel, emotionModel: flags.emotionModel, baseURL: flags.baseUrl, cache: flags.cache,
    download: (modelId) => downloadWithProgress(modelId, io), onWarning: (message) => io.stderr.write(`warning: ${message}\n`),
  };
}

/** `memory import FILE`: JSONL lines stored as memories (embedded and scored when the models are given). */
export async function memoryImport(io: CliIo, file: string, options: MemoryModelFlags & { character?: string; owner?: string; batchSize?: string }, command: Command): Promise<void> {
  const batchSize = positiveInt(options.batchSize, '--batch-size');
  if (options.owner !== undefined && !options.owner.trim()) throw new UsageError('--owner needs a user name (leave it out for shared memories)');
  const entries = await readMemoryFile(resolve(io.cwd, file), { character: options.character, owner: options.owner?.trim(), source: file, maxBytes: maxFileBytes(command, io) });
  await withStore(command, io, async (store) => {
    const result = await importCharacterMemories({
      ...operationOptions(io, store, options), entries, batchSize,
      onProgress: (progress) => writeLine(io.stderr, `imported ${progress.done}/${progress.total}`),
    });
    writeLine(io.stdout, `${result.added} memories added for ${result.characters.join(', ') || 'nobody'} (${result.skipped} already there)`);
  });
}

/** `memory list`: who has memories, or with `--character` that character's memories. */
export async function memoryList(io: CliIo, options: OwnerFlags & { character?: string; limit?: string; json?: boolean }, command: Command): Promise<void> {
  const limit = positiveInt(options.limit, '--limit');
  const owners = ownerFilter(options);
  if (owners && !options.character) throw new UsageError("--owner and --shared filter a character's memories: add --character NAME");
  await readStore(command, io, async (store) => {
    if (!options.character) {
      const characters = await memoryCharacters(store);
      if (options.json) return printJson(io, characters);
      if (characters.length === 0) return writeLine(io.stdout, 'No memories yet. Import some with: dramatis memory import FILE --character NAME');
      for (const character of characters) writeLine(io.stdout, memoryCharacterLine(character));
      return;
    }
    const memories = await listMemories({ store, character: options.character, limit, owners });
    if (options.json) return printJson(io, memories);
    if (memories.length === 0) return writeLine(io.stdout, `${options.character} has no memories${owners ? ' of those owners' : ''}.`);
    for (const line of memoryLinesTable(memories)) writeLine(io.stdout, line);
  });
}

type SearchFlags = MemoryModelFlags & OwnerFlags & {
  character: string; query: string; strategy?: string; k?: string; pool?: string; queryEmotion?: string; queryEmbedding?: string; weights?: string; halfLife?: string; json?: boolean;
};

/** `memory search`: a character's memories ranked for a query by a strategy of Emotional RAG. */
export async function memorySearch(io: CliIo, options: SearchFlags, command: Command): Promise<void> {
  const strategy = options.strategy === undefined ? undefined : strategyOption(options.strategy, '--strategy');
  const k = positiveInt(options.k, '--k');
  const pool = positiveInt(options.pool, '--pool');
  const emotion = options.queryEmotion === undefined ? undefined : parseEmotion(options.queryEmotion);
  const embedding = options.queryEmbedding === undefined ? undefined : await parseEmbedding(options.queryEmbedding, io, maxFileBytes(command, io));
  const weights = options.weights === undefined ? undefined : parseWeights(options.weights);
  const recencyHalfLifeDays = positiveNumber(options.halfLife, '--half-life');
  const owners = ownerFilter(options);
  // Only reads, unless a model is called: its answers are cached in the store.
  const readOnly = !options.embeddingModel && !options.emotionModel;
  await withStore(command, io, async (store) => {
    const result = await searchMemories({
      ...operationOptions(io, store, options), character: options.character, owners, query: { text: options.query, emotion, embedding },
      strategy, k, pool, weights, recencyHalfLifeDays,
    });
    for (const note of result.notes) writeLine(io.stderr, `note: ${note}`);
    if (options.json) {
      return printJson(io, {
        character: options.character, query: options.query, requested: result.requested, strategy: result.strategy, queryEmotion: result.queryEmotion,
        memories: result.memories.map((r) => ({ rank: r.rank, id: r.memory.id, owner: r.memory.owner, text: r.memory.text, kind: r.memory.kind, at: r.memory.at, d_sem: r.dSem, d_emo: r.dEmo, score: r.score })),
      });
    }
    if (result.memories.length === 0) return writeLine(io.stdout, `${options.character} recalls nothing for that.`);
    for (const line of recalledLines(options.character, result)) writeLine(io.stdout, line);
  }, { readOnly });
}

export interface EvalFlags extends MemoryModelFlags {
  character: string;
  card?: string;
  model?: string;
  evaluatorModel?: string;
  questionnaire?: string;
  strategy?: string;
  baseline?: string;
  labels?: string;
  seed?: string;
  json?: boolean;
}

/** `memory eval`: the same interview under the baseline and the emotional strategy, side by side. */
export async function memoryEval(io: CliIo, options: EvalFlags, command: Command): Promise<void> {
  const strategy = strategyOption(options.strategy ?? 'c-a', '--strategy');
  const baseline = options.baseline === 'none' ? 'none' : strategyOption(options.baseline ?? 'semantic', '--baseline', ', none');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const labels = options.labels ? parseLabels(options.labels) : undefined;
  await withStore(command, io, async (store) => {
    const result = await inCliTerms(() => evaluatePersonalityRecall({
      ...operationOptions(io, store, options), character: options.character, card: options.card, model: options.model, evaluatorModel: options.evaluatorModel,
      questionnaire: options.questionnaire, strategy, baseline, labels, seed, maxBytes: maxFileBytes(command, io),
      onCondition: ({ condition, character, questions }) => writeLine(io.stderr, `interviewing ${character} (${condition}): ${questions} questions`),
      onProgress: (done, total) => { if (done % 10 === 0 || done === total) writeLine(io.stderr, `  ${done}/${total}`); },
    }));
    if (options.json) {
      const { character, questionnaire, source, range, labels: used, conditions } = result;
      return printJson(io, { character, questionnaire, source, range, labels: used, conditions });
    }
    for (const line of personalityTable(result.conditions, result.labels, result.dimensions)) writeLine(io.stdout, line);
  });
}

/** `memory reembed`: a character's memories embedded again with another model. */
export async function memoryReembed(io: CliIo, options: MemoryModelFlags & { character: string }, command: Command): Promise<void> {
  await withStore(command, io, async (store) => {
    const { embedded, embeddingModel } = await reembedCharacterMemories({
      ...operationOptions(io, store, options), character: options.character, embeddingModel: options.embeddingModel!,
      onProgress: (done, total) => writeLine(io.stderr, `embedded ${done}/${total}`),
    });
    writeLine(io.stdout, `${embedded} memories of ${options.character} embedded with ${embeddingModel}`);
  });
}

/** `memory export`: a character's memories as JSONL, to stdout or a file. */
export async function memoryExport(io: CliIo, options: OwnerFlags & { character: string; out?: string }, command: Command): Promise<void> {
  const owners = ownerFilter(options);
  await readStore(command, io, async (store) => {
    const lines = await exportMemories({ store, character: options.character, owners });
    const text = lines.map((line) => `${line}\n`).join('');
    if (options.out) {
      await writeFile(resolve(io.cwd, options.out), text);
      writeLine(io.stderr, `${lines.length} memories written to ${options.out}`);
    } else io.stdout.write(text);
  });
}
