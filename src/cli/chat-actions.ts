/** What `dramatis chat` does (loaded only when a chat starts: see chat-command.ts). */
import type { Command } from 'commander';
import { STRATEGIES, type Strategy } from '../memory-model/index.ts';
import { openChat, readChatCard, sendChatMessage, type ChatMemorySettings, type ChatSettings, type OpenChatOptions } from '../run/index.ts';
import { chatInteractive } from './chat-interactive.ts';
import { printTurn, reportMemory, warnTurnRetry } from './chat-format.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';
import { nonNegativeInt, parseMode, positiveInt, positiveNumber } from './option-values.ts';
import { withStore } from './store-option.ts';

// A chat may load a local model: main releases it when the command ends.
export { disposeLocalModels as afterCommand } from '../llm/index.ts';

export interface ChatFlags {
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

/** `chat CARD`: one message with --message, else an interactive chat. */
export async function chat(io: CliIo, cardPath: string, options: ChatFlags, command: Command): Promise<void> {
  if (options.message !== undefined && !options.message.trim()) throw new UsageError('--message needs some text to say');
  const settings = chatSettings(options);
  const memory = chatMemory(options);
  const greeting = options.greeting === undefined ? undefined : nonNegativeInt(options.greeting, '--greeting');
  const maxBytes = maxFileBytes(command, io);
  const warn = (warning: string) => writeLine(io.stderr, `warning: ${warning}`);
  const card = await readChatCard(cardPath, { lorebooks: options.lorebook, cwd: io.cwd, maxBytes, onWarning: warn });
  // After the card is read and the store opened: neither a broken card nor a bad store should wait for a model download.
  await withStore(command, io, async (store) => {
    const chatOptions: OpenChatOptions = {
      store, env: io.env, cwd: io.cwd, card, model: options.model, sessionId: options.session, userName: options.userName, greeting, settings, memory,
      download: (modelId) => downloadWithProgress(modelId, io), onWarning: warn, onNote: (note) => writeLine(io.stderr, `note: ${note}`),
    };
    if (options.message === undefined) return chatInteractive(await openChat(chatOptions), Boolean(options.showThoughts), io);
    const { session, turn, usage } = await sendChatMessage({
      ...chatOptions, message: options.message,
      onOpen: (opened) => { if (!options.session) writeLine(io.stderr, `session: ${opened.id} (continue with --session ${opened.id})`); },
      turn: { onTurnRetry: (event) => warnTurnRetry(event, io) },
    });
    reportMemory(turn, io);
    if (options.json) {
      return printJson(io, { session: session.id, events: turn.events, lore: turn.lore, recalled: turn.recalled, repaired: turn.repaired, usage });
    }
    printTurn(turn, session, Boolean(options.showThoughts), io);
  });
}

function chatSettings(options: ChatFlags): ChatSettings {
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const turnTimeoutSeconds = options.turnTimeout === undefined ? undefined : positiveNumber(options.turnTimeout, '--turn-timeout', true);
  const turnRetryDelaySeconds = positiveNumber(options.turnRetryDelay, '--turn-retry-delay', true);
  return {
    mode: parseMode(options.outputMode),
    contextTokens: positiveInt(options.contextTokens, '--context-tokens'),
    baseURL: options.baseUrl,
    cache: options.cache,
    ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    ...(turnTimeoutSeconds === undefined ? {} : { turnTimeoutMs: turnTimeoutSeconds * 1000 }),
    retries: options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries'),
    turnRetries: options.turnRetries === undefined ? undefined : nonNegativeInt(options.turnRetries, '--turn-retries'),
    ...(turnRetryDelaySeconds === undefined ? {} : { turnRetryDelayMs: turnRetryDelaySeconds * 1000 }),
    temperature: options.temperature === undefined ? undefined : positiveNumber(options.temperature, '--temperature', true),
  };
}

/** The character's memory when any memory option is given; the session makes it its user's. */
function chatMemory(options: ChatFlags): ChatMemorySettings | undefined {
  if (options.memoryCue !== undefined && options.memoryCue !== 'query' && options.memoryCue !== 'mood') {
    throw new UsageError(`--memory-cue must be query or mood, not '${options.memoryCue}'`);
  }
  const wanted = options.memory || options.memoryStrategy || options.memoryK || options.embeddingModel || options.emotionModel || options.memoryCue || options.memoryShared;
  if (!wanted) return undefined;
  if (options.memoryStrategy !== undefined && !(STRATEGIES as readonly string[]).includes(options.memoryStrategy)) {
    throw new UsageError(`--memory-strategy must be one of ${STRATEGIES.join(', ')}, not '${options.memoryStrategy}'`);
  }
  return {
    strategy: options.memoryStrategy as Strategy | undefined, k: positiveInt(options.memoryK, '--memory-k'), embeddingModel: options.embeddingModel,
    emotionModel: options.emotionModel, cue: options.memoryCue as 'query' | 'mood' | undefined, shared: options.memoryShared,
  };
}
