import { writeFile } from 'node:fs/promises';
import { readInputText } from '../text/index.ts';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  STRATEGIES, importMemories, memoryLines, readMemoryFile, recall, reembedMemories, type Strategy,
} from '../memory/index.ts';
import { EMOTIONS, type Memory, type OwnerFilter } from '../memory-model/index.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import type { EvalFlags } from './memory-eval.ts';
import { memoryModels, type MemoryModelFlags } from './memory-models.ts';
import { collect, positiveInt, positiveNumber } from './option-values.ts';
import { readStore, withStore } from './store-option.ts';
import { maxFileBytes } from './file-limit-option.ts';

export function registerMemoryCommands(program: Command, io: CliIo): void {
  const memory = program.command('memory').description("Characters' long-term memories: import, list, search (Emotional RAG), export");

  memory.command('import')
    .description('Import memories from JSONL: one {"text", "kind"?, "at"?, "emotion"?, "embedding"?, "character"?, "owner"?} per line')
    .argument('<file>', 'a JSONL file')
    .option('--character <name>', 'the character of lines that name none')
    .option('--owner <user>', "the owner of lines that name none: recalled only in that user's chats (default: shared, recalled in every session)")
    .option('--embedding-model <spec>', 'embed lines that bring no embedding, e.g. openai:text-embedding-3-small, ollama:nomic-embed-text')
    .option('--emotion-model <spec>', "score the emotion of lines that bring none (Plutchik's eight, 1–10), e.g. openai:gpt-4o-mini")
    .option('--base-url <url>', 'API base URL for openai-compatible models (or DRAMATIS_BASE_URL)')
    .option('--batch-size <n>', 'lines stored per transaction (default 64): a failure keeps whole batches, and the same command resumes')
    .option('--no-cache', 'bypass the response and embedding cache')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory import memories.jsonl --character Seraphina\n  $ dramatis memory import m.jsonl --character Seraphina --embedding-model ollama:nomic-embed-text --emotion-model ollama:qwen2.5:7b\n  $ dramatis memory import ann.jsonl --character Seraphina --owner Ann     # only Ann\'s chats recall these')
    .action(async (file: string, options: MemoryModelFlags & { character?: string; owner?: string; batchSize?: string }, command: Command) => {
      const batchSize = positiveInt(options.batchSize, '--batch-size');
      if (options.owner !== undefined && !options.owner.trim()) throw new UsageError('--owner needs a user name (leave it out for shared memories)');
      const path = resolve(io.cwd, file);
      const entries = await readMemoryFile(path, { character: options.character, owner: options.owner?.trim(), source: file, maxBytes: maxFileBytes(command, io) });
      await withStore(command, io, async (store) => {
        const models = await memoryModels(options, io, store);
        const result = await importMemories({
          store: store.memories, entries, embed: models.embed, embeddingModel: models.embeddingModel, scoreEmotion: models.scoreEmotion, batchSize,
          onProgress: (progress) => writeLine(io.stderr, `imported ${progress.done}/${progress.total}`),
        });
        const characters = [...new Set(entries.map((entry) => entry.character))].join(', ');
        writeLine(io.stdout, `${result.added} memories added for ${characters || 'nobody'} (${result.skipped} already there)`);
      });
    });

  memory.command('list')
    .description("List a character's memories with their owners (or, without --character, who has memories)")
    .option('--character <name>', 'whose memories')
    .option('--owner <user>', "only this user's memories (repeatable)", collect)
    .option('--shared', 'only shared memories (no owner; with --owner: those too)')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory list\n  $ dramatis memory list --character Mirela --owner Ann --shared     # what Ann\'s chats can recall')
    .action(async (options: OwnerFlags & { character?: string; limit?: string; json?: boolean }, command: Command) => {
      const limit = positiveInt(options.limit, '--limit');
      const owners = ownerFilter(options);
      if (owners && !options.character) throw new UsageError("--owner and --shared filter a character's memories: add --character NAME");
      await readStore(command, io, async (store) => {
        if (!options.character) {
          const characters = await store.memories.characters();
          if (options.json) return printJson(io, characters);
          if (characters.length === 0) return writeLine(io.stdout, 'No memories yet. Import some with: dramatis memory import FILE --character NAME');
          for (const c of characters) {
            writeLine(io.stdout, `${c.character}: ${c.count} memories, ${c.embedded} embedded${c.dimension ? ` (${c.dimension} dimensions${c.embeddingModel ? `, ${c.embeddingModel}` : ''})` : ''}`);
          }
          return;
        }
        const memories = await store.memories.list(options.character, { limit, owners });
        if (options.json) return printJson(io, memories.map(({ embedding: _embedding, ...rest }) => rest));
        if (memories.length === 0) return writeLine(io.stdout, `${options.character} has no memories${owners ? ' of those owners' : ''}.`);
        const width = Math.max(...memories.map((m) => ownerLabel(m).length));
        for (const m of memories) {
          writeLine(io.stdout, `${String(m.seq).padStart(4)}  ${m.kind.padEnd(10)}  ${ownerLabel(m).padEnd(width)}  ${m.at.slice(0, 19)}  ${emotionSummary(m.emotion).padEnd(16)}  ${oneLine(m.text, 90)}`);
        }
      });
    });

  memory.command('search')
    .description("Recall a character's memories for a query, ranked by a strategy of Emotional RAG")
    .requiredOption('--character <name>', 'whose memories')
    .requiredOption('--query <text>', 'what is happening now')
    .option('--strategy <s>', `${STRATEGIES.join(', ')} (default: semantic with an embedding model, else lexical)`)
    .option('--k <n>', 'how many (default 10)')
    .option('--pool <n>', 'first-stage pool of semantic-first and emotion-first (default 20)')
    .option('--embedding-model <spec>', "embeds the query (use the memories' own model)")
    .option('--emotion-model <spec>', "scores the query's emotion for the emotional strategies")
    .option('--query-emotion <scores>', `the query's emotion instead: 8 comma-separated scores 1–10 (${EMOTIONS.join(', ')})`)
    .option('--query-embedding <json>', 'the query embedding instead: a JSON array, or @FILE holding one')
    .option('--weights <sem,emo>', 'extension: c-a ranks by w_sem·d_sem + w_emo·d_emo (the paper: 1,1)')
    .option('--half-life <days>', 'extension: older memories rank lower, a score gaining up to 0.5 with this half-life')
    .option('--owner <user>', "search this user's memories (repeatable; default: every memory)", collect)
    .option('--shared', 'search shared memories (with --owner U: what U\'s chats recall)')
    .option('--base-url <url>', 'API base URL for openai-compatible models (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the response and embedding cache')
    .option('--json', 'print the ranked memories with ids, owners, texts, d_sem, d_emo and score as JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory search --character Seraphina --query "the forest burned" --strategy c-a --k 10 --json \\\n      --embedding-model ollama:nomic-embed-text --emotion-model ollama:qwen2.5:7b\n  $ dramatis memory search --character Seraphina --query "my bank" --owner Ann --shared     # as Ann\'s chat recalls')
    .action(async (options: MemoryModelFlags & OwnerFlags & {
      character: string; query: string; strategy?: string; k?: string; pool?: string; queryEmotion?: string; queryEmbedding?: string; weights?: string; halfLife?: string; json?: boolean;
    }, command: Command) => {
      if (options.strategy !== undefined && !(STRATEGIES as readonly string[]).includes(options.strategy)) {
        throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, not '${options.strategy}'`);
      }
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
        const models = await memoryModels(options, io, store);
        const result = await recall({
          store: store.memories, character: options.character, owners, query: { text: options.query, emotion, embedding },
          strategy: options.strategy as Strategy | undefined, k, pool, embed: models.embed, scoreEmotion: models.scoreEmotion, weights, recencyHalfLifeDays,
        });
        for (const note of result.notes) writeLine(io.stderr, `note: ${note}`);
        if (options.json) {
          return printJson(io, {
            character: options.character, query: options.query, requested: result.requested, strategy: result.strategy, queryEmotion: result.queryEmotion,
            memories: result.memories.map((r) => ({ rank: r.rank, id: r.memory.id, owner: r.memory.owner, text: r.memory.text, kind: r.memory.kind, at: r.memory.at, d_sem: r.dSem, d_emo: r.dEmo, score: r.score })),
          });
        }
        if (result.memories.length === 0) return writeLine(io.stdout, `${options.character} recalls nothing for that.`);
        writeLine(io.stdout, `${options.character}, ${result.strategy}:`);
        for (const r of result.memories) {
          const distances = [r.dSem === undefined ? '' : `d_sem ${r.dSem.toFixed(3)}`, r.dEmo === undefined ? '' : `d_emo ${r.dEmo.toFixed(3)}`].filter(Boolean).join('  ');
          const owner = r.memory.owner === undefined ? '' : `[${r.memory.owner}] `;
          writeLine(io.stdout, `${String(r.rank).padStart(3)}. ${r.score.toFixed(4)}  ${distances ? `${distances}  ` : ''}${owner}${oneLine(r.memory.text, 80)}`);
        }
      }, { readOnly });
    });

  memory.command('eval')
    .description("Interview a character with a personality questionnaire, with and without emotional recall, and compare with its Big Five labels")
    .requiredOption('--character <name>', 'whose memories to recall')
    .option('--card <file>', "the character's card (its sheet, and its bigFive labels); without it, a character with only a name")
    .option('-m, --model <spec>', 'plays the character (or DRAMATIS_MODEL; default local:default)')
    .option('--evaluator-model <spec>', 'rates the answers (default: --model)')
    .option('--questionnaire <name>', 'bfi (the public-domain IPIP-50 Big Five items; default), or a questionnaire JSON file such as your BFI-44')
    .option('--strategy <s>', `the emotional recall to test (default c-a): ${STRATEGIES.join(', ')}`)
    .option('--baseline <s>', 'the condition to compare with: semantic (default), lexical, or none (no memory)')
    .option('--labels <pairs>', 'Big Five labels 0–1 instead of the card\'s, e.g. openness=0.8,neuroticism=0.3')
    .option('--embedding-model <spec>', "embeds queries (the memories' own model)")
    .option('--emotion-model <spec>', "scores the questions' emotions (default: --model)")
    .option('--base-url <url>', 'API base URL for openai-compatible models (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the response cache')
    .option('--seed <n>', 'sampling seed')
    .option('--json', 'print both conditions and the alignment as JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis memory eval --character Seraphina --card seraphina.png --questionnaire bfi --model openai:gpt-4o-mini \\\n      --embedding-model openai:text-embedding-3-small --strategy c-a')
    .action(async (options: MemoryModelFlags & EvalFlags, command: Command) => {
      const { runPersonalityEval } = await import('./memory-eval.ts');
      await withStore(command, io, (store) => runPersonalityEval(options, io, store, maxFileBytes(command, io)));
    });

  memory.command('reembed')
    .description("Re-embed a character's memories with another embedding model (resumable: run it again after a failure)")
    .requiredOption('--character <name>', 'whose memories')
    .requiredOption('--embedding-model <spec>', 'the new embedding model')
    .option('--base-url <url>', 'API base URL for openai-compatible models (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the embedding cache')
    .action(async (options: MemoryModelFlags & { character: string }, command: Command) => {
      await withStore(command, io, async (store) => {
        const models = await memoryModels(options, io, store);
        const { embedded } = await reembedMemories({
          store: store.memories, character: options.character, embed: models.embed!, embeddingModel: models.embeddingModel!,
          onProgress: (done, total) => writeLine(io.stderr, `embedded ${done}/${total}`),
        });
        writeLine(io.stdout, `${embedded} memories of ${options.character} embedded with ${models.embeddingModel}`);
      });
    });

  memory.command('export')
    .description("Write a character's memories as JSONL (owners, embeddings and emotions included), to stdout or --out")
    .requiredOption('--character <name>', 'whose memories')
    .option('--owner <user>', "only this user's memories (repeatable)", collect)
    .option('--shared', 'only shared memories (no owner; with --owner: those too)')
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory export --character Mirela --out mirela.jsonl\n  $ dramatis memory export --character Mirela --owner Ann     # what Ann\'s chats wrote')
    .action(async (options: OwnerFlags & { character: string; out?: string }, command: Command) => {
      const owners = ownerFilter(options);
      await readStore(command, io, async (store) => {
        const lines = memoryLines(await store.memories.list(options.character, { embeddings: true, owners }));
        const text = lines.map((line) => `${line}\n`).join('');
        if (options.out) {
          await writeFile(resolve(io.cwd, options.out), text);
          writeLine(io.stderr, `${lines.length} memories written to ${options.out}`);
        } else io.stdout.write(text);
      });
    });
}

interface OwnerFlags {
  owner?: string[];
  shared?: boolean;
}

/** `--owner U` (repeatable) and `--shared` as a filter; neither: undefined (every memory). */
function ownerFilter(options: OwnerFlags): OwnerFilter | undefined {
  if (!options.owner?.length && !options.shared) return undefined;
  if (options.owner?.some((owner) => !owner.trim())) throw new UsageError('--owner needs a user name (use --shared for memories without one)');
  return [...(options.shared ? [null] : []), ...(options.owner ?? []).map((owner) => owner.trim())];
}

/** The owner column of `memory list`: the user's name, or (shared). */
function ownerLabel(memory: Memory): string {
  return memory.owner ?? '(shared)';
}

function parseWeights(value: string): { semantic: number; emotion: number } {
  const [semantic, emotion, ...rest] = value.split(',').map((part) => Number(part.trim()));
  if (rest.length || ![semantic, emotion].every((w) => w !== undefined && Number.isFinite(w) && w >= 0)) {
    throw new UsageError(`--weights takes two non-negative numbers, w_sem,w_emo (e.g. 1,2), not '${value}'`);
  }
  return { semantic: semantic!, emotion: emotion! };
}

function parseEmotion(value: string): number[] {
  const scores = value.split(',').map((part) => Number(part.trim()));
  if (scores.length !== EMOTIONS.length || scores.some((score) => !Number.isFinite(score) || score < 1 || score > 10)) {
    throw new UsageError(`--query-emotion takes ${EMOTIONS.length} comma-separated scores from 1 to 10 (${EMOTIONS.join(', ')}), not '${value}'`);
  }
  return scores;
}

async function parseEmbedding(value: string, io: CliIo, maxBytes: number | undefined): Promise<number[]> {
  const text = value.startsWith('@') ? await readInputText(resolve(io.cwd, value.slice(1)), { kind: 'data', maxBytes }) : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--query-embedding must be a JSON array of numbers (or @FILE holding one)');
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new UsageError('--query-embedding must be a JSON array of numbers (or @FILE holding one)');
  }
  return parsed as number[];
}

/** The strongest emotions of a memory, e.g. "fear 9 sadness 8". */
function emotionSummary(emotion: number[] | undefined): string {
  if (!emotion) return '-';
  return EMOTIONS.map((name, i) => [name, emotion[i]!] as const).filter(([, score]) => score > 1).sort((a, b) => b[1] - a[1]).slice(0, 2)
    .map(([name, score]) => `${name} ${score}`).join(' ') || 'calm';
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
