import { resolve } from 'node:path';
import { AgentMemory, DEFAULT_TURN_TIMEOUT_MS, LOCAL_TURN_TIMEOUT_MS, type OutputMode } from '../agent/index.ts';
import { assertLorebookUsable, lorebookKeyWarnings, readCharacterFile, readLorebookFile, type Character, type Lorebook } from '../character/index.ts';
import {
  createLanguageModel, createModelRuntime, formatModelSpec, resolveContextBudget, resolveModelSpec, type Env, type ModelRuntime,
} from '../llm/index.ts';
import type { Strategy } from '../memory/index.ts';
import { openChatSession, type ChatSession, type ChatTurn, type TurnOptions } from '../scene/index.ts';
import type { Store, UsageTotals } from '../store/index.ts';
import { readableId } from '../text/index.ts';
import { createMemoryModels, type MemoryModelSettings } from './memory-models.ts';
import { prepareModelSpec, type DownloadModel } from './model-preparation.ts';

/** A character read for a chat, with the extra lorebooks it is played with. */
export interface ChatCard {
  character: Character;
  lorebooks: Lorebook[];
  /** The card file's absolute path (kept with a new session). */
  path: string;
}

/**
 * Reads a card (JSON, PNG, CHARX) and extra lorebook files for a chat, refusing a lorebook that cannot be used;
 * lorebook keys that are skipped are warnings (`FILE: ...`).
 */
export async function readChatCard(card: string, options: { lorebooks?: readonly string[]; cwd?: string; maxBytes?: number; onWarning?: (warning: string) => void } = {}): Promise<ChatCard> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, card);
  const { character } = await readCharacterFile(path, { maxBytes: options.maxBytes });
  const warnSkipped = (book: Lorebook, file: string, base: string) => {
    for (const warning of lorebookKeyWarnings(book, base, ['unsupported'])) options.onWarning?.(`${file}: ${warning}`);
  };
  if (character.character_book) {
    assertLorebookUsable(character.character_book, card);
    warnSkipped(character.character_book, card, 'character_book');
  }
  const lorebooks: Lorebook[] = [];
  for (const file of options.lorebooks ?? []) {
    const { lorebook } = await readLorebookFile(resolve(cwd, file), { maxBytes: options.maxBytes });
    assertLorebookUsable(lorebook, file);
    warnSkipped(lorebook, file, '');
    lorebooks.push(lorebook);
  }
  return { character, lorebooks, path };
}

/** How a chat talks to its model. */
export interface ChatSettings {
  mode?: OutputMode;
  /** Prompt budget in tokens, the reply's reserve included (default: what the model can take). */
  contextTokens?: number;
  baseURL?: string;
  /** Use the response cache (default true). */
  cache?: boolean;
  /** Per model call attempt. */
  timeoutMs?: number;
  /** Time limit of one turn, its repair and retries included; 0 for none (default 300 s, 600 s for `local:` models). */
  turnTimeoutMs?: number;
  /** Retries of one model call. */
  retries?: number;
  /** Retries of a whole turn after a transient failure (default 0: the user sends again). */
  turnRetries?: number;
  turnRetryDelayMs?: number;
  temperature?: number;
}

/** Long-term memory in a chat: the character's shared memories and its user's are recalled each turn, and what it perceives is remembered. */
export interface ChatMemorySettings extends Omit<MemoryModelSettings, 'baseURL' | 'cache'> {
  strategy?: Strategy;
  /** Memories recalled per turn. */
  k?: number;
  /** The emotional cue: what was said (default) or the character's own last thought. */
  cue?: 'query' | 'mood';
  /** Remember this chat as shared memories, recalled in every user's sessions (default: only in this user's). */
  shared?: boolean;
}

export interface OpenChatOptions {
  store: Store;
  env: Env;
  /** The folder a relative `local:` model path is relative to (default: the process's). */
  cwd?: string;
  card: ChatCard;
  /** Model spec (default: DRAMATIS_MODEL, then local:default). */
  model?: string;
  /** Continue this stored session, or create it with this id (default: a new id from the character's name). */
  sessionId?: string;
  userName?: string;
  /** A new session's greeting: 0 the card's first message, n its alternate greeting n. */
  greeting?: number;
  settings?: ChatSettings;
  /** Memory on, with these settings; off when undefined. */
  memory?: ChatMemorySettings;
  runtime?: ModelRuntime;
  /** Downloads a Hub model before the chat opens (default: without progress). */
  download?: DownloadModel;
  /** Warnings of the model layer (a setting a provider ignores). */
  onWarning?: (warning: string) => void;
  /** Notes (a budget lowered to what the model can take). */
  onNote?: (note: string) => void;
}

/**
 * Opens a chat with a character: a stored session continues, a new one starts with the card's greeting (stored
 * with its first turn). The model is readied first (a `local:` path made absolute, a Hub model downloaded).
 * @example const session = await openChat({ store, env: process.env, card: await readChatCard('seraphina.png'), model: 'openai:gpt-4o-mini' })
 */
export async function openChat(options: OpenChatOptions): Promise<ChatSession> {
  const { store, env, card } = options;
  const settings = options.settings ?? {};
  const cwd = options.cwd ?? process.cwd();
  const spec = await prepareModelSpec(resolveModelSpec({ model: options.model, env }), { env, cwd, download: options.download });
  const budget = await resolveContextBudget(spec, { env, cwd, requested: settings.contextTokens });
  if (budget.note) options.onNote?.(budget.note);
  const turnTimeoutMs = settings.turnTimeoutMs ?? (spec.provider === 'local' ? LOCAL_TURN_TIMEOUT_MS : DEFAULT_TURN_TIMEOUT_MS);
  const sessionId = options.sessionId ?? readableId(card.character.name, 'chat');
  const model = createLanguageModel(spec, {
    baseURL: settings.baseURL, env, runtime: options.runtime ?? createModelRuntime({}), store, cache: settings.cache, episodeId: sessionId,
    onWarning: options.onWarning,
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retries === undefined ? {} : { retry: { maxRetries: settings.retries } }),
  });
  const memory = options.memory && new AgentMemory(card.character.name, {
    store: store.memories, strategy: options.memory.strategy, k: options.memory.k, cue: options.memory.cue, shared: options.memory.shared,
    ...await createMemoryModels({
      embeddingModel: options.memory.embeddingModel, emotionModel: options.memory.emotionModel, baseURL: settings.baseURL, cache: settings.cache,
      env, store, cwd, download: options.download, onWarning: options.onWarning,
    }),
  });
  return openChatSession({
    store, character: card.character, model, lorebooks: card.lorebooks, sessionId, greeting: options.greeting, mode: settings.mode,
    temperature: settings.temperature, turnTimeoutMs,
    turnRetry: {
      ...(settings.turnRetries === undefined ? {} : { retries: settings.turnRetries }),
      ...(settings.turnRetryDelayMs === undefined ? {} : { baseDelayMs: settings.turnRetryDelayMs }),
    },
    contextTokens: budget.contextTokens, countTokens: budget.countTokens, memory,
    userName: options.userName, meta: { card: card.path, model: formatModelSpec(spec) },
  });
}

export interface SendChatMessageOptions extends OpenChatOptions {
  message: string;
  /** Called when the session is open, before the message is sent (its id is known then). */
  onOpen?: (session: ChatSession) => void;
  /** Follows the turn: retries, repairs, the speech as it streams. */
  turn?: TurnOptions;
}

export interface ChatMessageResult {
  session: ChatSession;
  turn: ChatTurn;
  /** The session's token usage so far. */
  usage: UsageTotals;
}

/**
 * Sends one message in a chat (opened or continued as {@link openChat} does) and returns the stored turn with the
 * session's usage. A failed turn stores nothing.
 * @example const { turn } = await sendChatMessage({ store, env, card, sessionId: 's1', message: 'Where am I?' })
 */
export async function sendChatMessage(options: SendChatMessageOptions): Promise<ChatMessageResult> {
  const session = await openChat(options);
  options.onOpen?.(session);
  const turn = await session.send(options.message, options.turn);
  return { session, turn, usage: await options.store.usageTotals({ episodeId: session.id }) };
}
