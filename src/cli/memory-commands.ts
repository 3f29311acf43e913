import type { Command } from 'commander';
import { EMOTIONS, STRATEGIES } from '../memory-model/index.ts';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';
import { collect } from './option-values.ts';

// The memory commands' options and help. Their actions (memory-actions.ts) load the memory code and the models
// when a command runs, so that `--help` and the other commands start without them.
const actions = () => import('./memory-actions.ts');

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
    .action(lazyAction(io, actions, 'memoryImport'));

  memory.command('list')
    .description("List a character's memories with their owners (or, without --character, who has memories)")
    .option('--character <name>', 'whose memories')
    .option('--owner <user>', "only this user's memories (repeatable)", collect)
    .option('--shared', 'only shared memories (no owner; with --owner: those too)')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory list\n  $ dramatis memory list --character Mirela --owner Ann --shared     # what Ann\'s chats can recall')
    .action(lazyAction(io, actions, 'memoryList'));

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
    .action(lazyAction(io, actions, 'memorySearch'));

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
    .action(lazyAction(io, actions, 'memoryEval'));

  memory.command('reembed')
    .description("Re-embed a character's memories with another embedding model (resumable: run it again after a failure)")
    .requiredOption('--character <name>', 'whose memories')
    .requiredOption('--embedding-model <spec>', 'the new embedding model')
    .option('--base-url <url>', 'API base URL for openai-compatible models (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the embedding cache')
    .action(lazyAction(io, actions, 'memoryReembed'));

  memory.command('export')
    .description("Write a character's memories as JSONL (owners, embeddings and emotions included), to stdout or --out")
    .requiredOption('--character <name>', 'whose memories')
    .option('--owner <user>', "only this user's memories (repeatable)", collect)
    .option('--shared', 'only shared memories (no owner; with --owner: those too)')
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', '\nExamples:\n  $ dramatis memory export --character Mirela --out mirela.jsonl\n  $ dramatis memory export --character Mirela --owner Ann     # what Ann\'s chats wrote')
    .action(lazyAction(io, actions, 'memoryExport'));
}
