import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { readCharacterFile, assertLorebookUsable, lorebookKeyWarnings, readLorebookFile, type Lorebook } from '../character/index.ts';
import {
  completedAction, completedThought, DEFAULT_TURN_TIMEOUT_MS, LOCAL_TURN_TIMEOUT_MS, waitText, type TurnRetryEvent, AgentMemory,
} from '../agent/index.ts';
import { createLanguageModel, createModelRuntime, formatModelSpec, resolveContextBudget, resolveModelSpec } from '../llm/index.ts';
import { openChatSession, type ChatSession, type ChatTurn } from '../scene/index.ts';
import type { Store } from '../store/index.ts';
import { STRATEGIES, type Strategy } from '../memory/index.ts';
import { formatEvent, formatThought } from './format.ts';
import { memoryModels } from './memory-models.ts';
import { prepareModel } from './local-models.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { readableId } from '../text/index.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { withStore } from './store-option.ts';
import { collect, nonNegativeInt, parseMode, positiveInt, positiveNumber } from './option-values.ts';

interface ChatOptions {
  model?: string;
  baseUrl?: string;
  message?: string;
  session?: string;
  userName?: string;
  greeting?: string;
  showThoughts?: boolean;
  lorebook?: string[];
  contextTokens?: string;
  cache: boolean;
  outputMode?: string;
  timeout?: string;
  turnTimeout?: string;
  turnRetries?: string;
  turnRetryDelay?: string;
  retries?: string;
  temperature?: string;
  json?: boolean;
  memory?: boolean;
  memoryStrategy?: string;
  memoryK?: string;
  embeddingModel?: string;
  emotionModel?: string;
  memoryCue?: string;
  memoryShared?: boolean;
}


export function registerChatCommand(program: Command, io: CliIo): void {
  program.command('chat')
    .description('Chat with a character that thinks before it speaks (interactive, or one-shot with --message)')
    .argument('<card>', 'character card: JSON, PNG or CHARX (V1, V2 or V3)')
    .option('-m, --model <spec>', 'model as provider:model, e.g. openai:gpt-4o-mini, ollama:qwen2.5:7b, openai-compatible:NAME, local:./model.gguf (or DRAMATIS_MODEL; default local:default, downloaded once)')
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--message <text>', 'send one message, print the reply and exit')
    .option('--session <id>', 'continue this stored session, or create it with this id')
    .option('--user-name <name>', 'your name in the role-play ({{user}}); default "User"')
    .option('--greeting <n>', 'open a new session with alternate greeting n (0 = the card\'s first message)')
    .option('--show-thoughts', "show the character's private thoughts")
    .option('--lorebook <file>', 'extra lorebook / world info JSON (repeatable)', collect)
    .option('--context-tokens <n>', "prompt budget in tokens, the reply's reserve included; older history is summarised in blocks (default: what the model can take: a local model's context, a known window, else 8192)")
    .option('--no-cache', 'bypass the response cache')
    .option('--output-mode <mode>', 'json (JSON-schema output) or tagged (for models without JSON-schema support)')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--turn-timeout <seconds>', `time limit of one turn, its repair and retries included; 0 for none (default ${DEFAULT_TURN_TIMEOUT_MS / 1000}, ${LOCAL_TURN_TIMEOUT_MS / 1000} for local: models)`)
    .option('--retries <n>', 'retries after a rate limit, server error, timeout or network error (default 4)')
    .option('--turn-retries <n>', 'retries of the whole turn after a failure the call could not get past (a cut stream, a rate limit or server error past --retries, invalid output twice); nothing is stored in between (default 0: the turn fails and you send again)')
    .option('--turn-retry-delay <seconds>', 'first wait before a turn retry, doubling each time, with jitter (default 1)')
    .option('--temperature <t>', 'sampling temperature')
    .option('--json', 'with --message: print the turn\'s events as JSON')
    .option('--memory', "long-term memory: recall the character's shared memories and yours each turn, and remember what it perceives for your sessions (implied by the memory options)")
    .option('--memory-strategy <s>', `how memories are recalled: ${STRATEGIES.join(', ')} (default semantic with --embedding-model, else lexical)`)
    .option('--memory-k <n>', 'memories recalled per turn (default 10)')
    .option('--embedding-model <spec>', 'embeds memories and queries, e.g. openai:text-embedding-3-small, ollama:nomic-embed-text')
    .option('--emotion-model <spec>', "scores memories' and queries' emotions for the emotional strategies")
    .option('--memory-cue <cue>', "the emotional cue: query (what was said; default) or mood (the character's own last thought)")
    .option('--memory-shared', "remember this chat as shared memories, recalled in every user's sessions (default: only in sessions of --user-name)")
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ dramatis chat card.png                      # the in-process default model (local:default)',
      '  $ dramatis chat card.png --model ollama:qwen2.5:7b',
      '  $ dramatis chat card.png --model local:./small.gguf --context-tokens 2048 --turn-timeout 120',
      '  $ dramatis chat card.png --memory-strategy emotion-first --embedding-model openai:text-embedding-3-small --emotion-model openai:gpt-4o-mini',
      '  $ dramatis chat card.png --memory --user-name Ann        # remembered for Ann\'s sessions only; add --memory-shared to share',
      '  $ dramatis chat card.png --model openai-compatible:my-model --base-url http://127.0.0.1:8000/v1 \\',
      '      --message "Where am I?" --session s1 --show-thoughts',
      '',
      'Interactive commands: /thoughts (toggle thoughts), /exit. Ctrl-C cancels a reply (nothing is stored).',
    ].join('\n'))
    .action(async (cardPath: string, options: ChatOptions, command: Command) => {
      if (options.message !== undefined && !options.message.trim()) throw new UsageError('--message needs some text to say');
      const mode = parseMode(options.outputMode);
      const contextTokens = positiveInt(options.contextTokens, '--context-tokens');
      const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
      const turnTimeoutSeconds = options.turnTimeout === undefined ? undefined : positiveNumber(options.turnTimeout, '--turn-timeout', true);
      const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
      const turnRetries = options.turnRetries === undefined ? undefined : nonNegativeInt(options.turnRetries, '--turn-retries');
      const turnRetryDelaySeconds = positiveNumber(options.turnRetryDelay, '--turn-retry-delay', true);
      const greeting = options.greeting === undefined ? undefined : nonNegativeInt(options.greeting, '--greeting');
      const temperature = options.temperature === undefined ? undefined : positiveNumber(options.temperature, '--temperature', true);
      const maxBytes = maxFileBytes(command, io);
      const loaded = await readCharacterFile(resolve(io.cwd, cardPath), { maxBytes });
      const skipped = (book: Lorebook, file: string, base: string) => {
        for (const warning of lorebookKeyWarnings(book, base, ['unsupported'])) writeLine(io.stderr, `warning: ${file}: ${warning}`);
      };
      if (loaded.character.character_book) {
        assertLorebookUsable(loaded.character.character_book, cardPath);
        skipped(loaded.character.character_book, cardPath, 'character_book');
      }
      const lorebooks: Lorebook[] = [];
      for (const file of options.lorebook ?? []) {
        const { lorebook } = await readLorebookFile(resolve(io.cwd, file), { maxBytes });
        assertLorebookUsable(lorebook, file);
        skipped(lorebook, file, '');
        lorebooks.push(lorebook);
      }
      await withStore(command, io, async (store) => {
        // After the card is read and the store opened: neither a broken card nor a bad store should wait for a model download.
        const spec = await prepareModel(resolveModelSpec({ model: options.model, env: io.env }), io);
        const budget = await resolveContextBudget(spec, { env: io.env, cwd: io.cwd, requested: contextTokens });
        if (budget.note) writeLine(io.stderr, `note: ${budget.note}`);
        const turnTimeoutMs = turnTimeoutSeconds !== undefined ? turnTimeoutSeconds * 1000 : spec.provider === 'local' ? LOCAL_TURN_TIMEOUT_MS : DEFAULT_TURN_TIMEOUT_MS;
        const sessionId = options.session ?? readableId(loaded.character.name, 'chat');
        const runtime = createModelRuntime({});
        const model = createLanguageModel(spec, {
          baseURL: options.baseUrl, env: io.env, runtime, store, cache: options.cache, episodeId: sessionId,
          onWarning: (message) => writeLine(io.stderr, `warning: ${message}`),
          ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}),
          ...(retries === undefined ? {} : { retry: { maxRetries: retries } }),
        });
        const session = await openChatSession({
          store, character: loaded.character, model, lorebooks, sessionId, greeting, mode, temperature, turnTimeoutMs,
          turnRetry: { ...(turnRetries === undefined ? {} : { retries: turnRetries }), ...(turnRetryDelaySeconds === undefined ? {} : { baseDelayMs: turnRetryDelaySeconds * 1000 }) },
          contextTokens: budget.contextTokens, countTokens: budget.countTokens,
          memory: await chatMemory(options, loaded.character.name, io, store),
          userName: options.userName, meta: { card: resolve(io.cwd, cardPath), model: formatModelSpec(spec) },
        });
        if (options.message !== undefined) {
          await oneShot(session, options, io, store);
        } else {
          await interactive(session, options, io);
        }
      });
    });
}

/** The character's memory when any memory option is given; the session makes it its user's (`ChatSession`). */
async function chatMemory(options: ChatOptions, character: string, io: CliIo, store: Store): Promise<AgentMemory | undefined> {
  const wanted = options.memory || options.memoryStrategy || options.memoryK || options.embeddingModel || options.emotionModel || options.memoryCue || options.memoryShared;
  if (options.memoryCue !== undefined && options.memoryCue !== 'query' && options.memoryCue !== 'mood') {
    throw new UsageError(`--memory-cue must be query or mood, not '${options.memoryCue}'`);
  }
  if (!wanted) return undefined;
  if (options.memoryStrategy !== undefined && !(STRATEGIES as readonly string[]).includes(options.memoryStrategy)) {
    throw new UsageError(`--memory-strategy must be one of ${STRATEGIES.join(', ')}, not '${options.memoryStrategy}'`);
  }
  const models = await memoryModels({ embeddingModel: options.embeddingModel, emotionModel: options.emotionModel, baseUrl: options.baseUrl, cache: options.cache }, io, store);
  return new AgentMemory(character, {
    store: store.memories, strategy: options.memoryStrategy as Strategy | undefined, k: positiveInt(options.memoryK, '--memory-k'), ...models,
    cue: options.memoryCue as 'query' | 'mood' | undefined, shared: options.memoryShared,
  });
}

async function oneShot(session: ChatSession, options: ChatOptions, io: CliIo, store: Store): Promise<void> {
  if (!options.session) writeLine(io.stderr, `session: ${session.id} (continue with --session ${session.id})`);
  const turn = await session.send(options.message!, { onTurnRetry: (event) => warnTurnRetry(event, io) });
  reportMemory(turn, io);
  if (options.json) {
    printJson(io, {
      session: session.id, events: turn.events, lore: turn.lore, recalled: turn.recalled, repaired: turn.repaired, usage: await store.usageTotals({ episodeId: session.id }),
    });
    return;
  }
  printTurn(turn, session, Boolean(options.showThoughts), io);
}

/** Memory notes a user should see: what could not be remembered. */
function reportMemory(turn: ChatTurn, io: CliIo): void {
  if (turn.memoryError) writeLine(io.stderr, `note: this turn's memories were not written (${turn.memoryError}); the next turn tries again`);
}

function printTurn(turn: ChatTurn, session: ChatSession, showThoughts: boolean, io: CliIo): void {
  for (const event of turn.events) {
    if (event.actor === 'user') continue;
    const line = formatEvent(event, { userName: session.userName, showThoughts });
    if (line) writeLine(io.stdout, line);
  }
}

async function interactive(session: ChatSession, options: ChatOptions, io: CliIo): Promise<void> {
  let showThoughts = Boolean(options.showThoughts);
  const name = session.character.name;
  const recent = session.log.slice(-6);
  if (session.log.length > recent.length) writeLine(io.stdout, `(continuing session ${session.id}; earlier turns: dramatis sessions show ${session.id})`);
  for (const event of recent) {
    const line = formatEvent(event, { userName: session.userName, showThoughts });
    if (line) writeLine(io.stdout, line);
  }
  writeLine(io.stderr, `(session ${session.id} — /thoughts toggles thoughts, /exit quits, Ctrl-C cancels a reply)`);

  const terminal = Boolean(io.stdin.isTTY && io.stdout.isTTY);
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal });
  // Piped input gets no prompts, so a script's output is only the conversation.
  const prompt = () => { if (terminal) rl.prompt(); };
  let current: AbortController | undefined;
  const interrupt = () => {
    if (current) current.abort();
    else rl.close();
  };
  rl.on('SIGINT', interrupt);
  const removeInterrupt = io.onInterrupt(interrupt);
  rl.setPrompt(`${session.userName}> `);
  try {
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      if (line === '/thoughts') {
        showThoughts = !showThoughts;
        writeLine(io.stderr, `(thoughts ${showThoughts ? 'shown' : 'hidden'})`);
      } else if (line) {
        current = new AbortController();
        await streamTurn(session, line, showThoughts, current.signal, io, name);
        current = undefined;
      }
      prompt();
    }
  } finally {
    removeInterrupt();
    rl.close();
  }
}

function warnTurnRetry(event: TurnRetryEvent, io: CliIo): void {
  writeLine(io.stderr, `warning: the turn failed: ${event.reason} [${event.code}]; trying it again in ${waitText(event.delayMs)} (turn retry ${event.retry} of ${event.retries})`);
}

async function streamTurn(session: ChatSession, text: string, showThoughts: boolean, signal: AbortSignal, io: CliIo, name: string): Promise<void> {
  let started = false;
  try {
    const turn = await session.send(text, {
      abortSignal: signal,
      onSpeechDelta: (delta, raw) => {
        if (!started) {
          const thought = showThoughts ? completedThought(raw, session.mode) : undefined;
          if (thought) writeLine(io.stdout, formatThought(name, thought));
          const action = completedAction(raw, session.mode);
          io.stdout.write(`${name}: ${action ? `*${action.replace(/^\*+|\*+$/g, '')}* ` : ''}`);
          started = true;
        }
        io.stdout.write(delta);
      },
      onRepair: () => {
        if (started) writeLine(io.stdout, ' [invalid reply, asking again]');
        started = false;
      },
      onRebuild: () => {
        if (started) writeLine(io.stdout, ' [another chat continued this session meanwhile; answering again]');
        started = false;
      },
      onTurnRetry: (event) => {
        if (started) writeLine(io.stdout, ' [the reply broke off; asking again]');
        started = false;
        warnTurnRetry(event, io);
      },
      onCompaction: (block) => writeLine(io.stderr, `(compacted older history into a summary of ${block.tokens} tokens)`),
    });
    if (started) writeLine(io.stdout);
    else printTurn(turn, session, showThoughts, io);
    reportMemory(turn, io);
  } catch (error) {
    if (started) writeLine(io.stdout);
    const code = (error as { code?: string }).code;
    const message = code === 'agent/aborted' ? 'cancelled; nothing was stored' : `${(error as Error).message}${code ? ` [${code}]` : ''} — nothing was stored, try again`;
    writeLine(io.stderr, `(${message})`);
  }
}

