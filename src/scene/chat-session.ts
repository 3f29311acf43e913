import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type Character, type Lorebook, renderMacros } from '../character/index.ts';
import {
  CharacterAgent, type ActOptions, type LoreHit, type PreparedPrompt, type CompactedBlock, type AgentMemory, type RecalledRecord, AgentError,
  thoughtText, type OutputMode, type TurnOutput, retryTurn, type RetryTurnOptions, type TurnRetryEvent,
} from '../agent/index.ts';
import type { Episode, Store } from '../store/index.ts';
import type { NewEvent, SceneEvent } from '../events/index.ts';
import type { TokenCounter } from '../text/index.ts';

export type { PreparedPrompt } from '../agent/index.ts';

export interface ChatSessionOptions {
  store: Store;
  character: Character;
  model: LanguageModelV3;
  /** Model used to summarize compacted history; defaults to `model`. */
  summaryModel?: LanguageModelV3;
  /** Extra lorebooks (e.g. `--lorebook FILE`), scanned together with the card's own book. */
  lorebooks?: Lorebook[];
  /** Continue this session if it exists, or create it with this id. */
  sessionId?: string;
  userName?: string;
  /** 0 = the card's first_mes, n = alternate_greetings[n - 1]. Only used when the session is new. */
  greeting?: number;
  /** Context budget in tokens for the whole prompt (system, history, tail and the reply). */
  contextTokens?: number;
  /** Tokens kept free for the reply. */
  replyTokens?: number;
  mode?: OutputMode;
  countTokens?: TokenCounter;
  /** Extra settings recorded on a new session (card path, model spec...). */
  meta?: Record<string, unknown>;
  temperature?: number;
  /** Sampling seed sent with every call (a reproducible chat with a model that honours seeds). */
  seed?: number;
  /**
   * The character's long-term memory: recalled into every turn, and written from what it perceives. Unless it
   * has an owner, it is this session's user's: what the chat writes is recalled in that user's sessions only.
   */
  memory?: AgentMemory;
  /** Time limit of one turn's generation, its repair included (default 300 000 ms; 0 for none). */
  turnTimeoutMs?: number;
  /**
   * Whole-turn retries after a transient failure (a cut stream, a rate limit or server error past the call's
   * retries, a timeout, invalid output twice). Off by default in a chat: its user is there to send again.
   */
  turnRetry?: Omit<RetryTurnOptions, 'abortSignal' | 'onRetry'>;
}

export interface TurnOptions extends ActOptions {
  /** Called before a turn is tried again after a transient failure (see `turnRetry`); nothing was stored. */
  onTurnRetry?: (event: TurnRetryEvent) => void;
  /** Called when the session changed while the model answered (another chat continued it): the turn is asked again on the new history. */
  onRebuild?: () => void;
}

export interface ChatTurn {
  output: TurnOutput;
  /** The stored events of this turn: the user's line, the thought, the action (if any), the speech. */
  events: SceneEvent[];
  repaired: boolean;
  /** Lorebook entries that were in this turn's prompt. */
  lore: LoreHit[];
  /** Memories recalled into this turn's prompt (also on the thought event, `data.recalled`). */
  recalled: RecalledRecord[];
  /** Why this turn's memories could not be written (the turn itself is stored; the next turn tries again). */
  memoryError?: string;
}

interface ChatMeta {
  character: string;
  userName: string;
  mode: OutputMode;
  compaction: CompactedBlock[];
}

/**
 * Opens a stored chat session, or starts a new one with the card's greeting. A new session is stored with its
 * first committed turn (greeting included, in one transaction): a first turn that fails leaves nothing behind.
 */
export async function openChatSession(options: ChatSessionOptions): Promise<ChatSession> {
  const { store, character } = options;
  const existing = options.sessionId ? await store.getEpisode(options.sessionId) : undefined;
  if (existing) {
    checkSession(existing, character);
    return new ChatSession(options, existing, await store.listEvents(existing.id), true);
  }
  const userName = options.userName ?? 'User';
  const mode = options.mode ?? 'json';
  const meta: ChatMeta & Record<string, unknown> = { ...options.meta, character: character.name, userName, mode, compaction: [] };
  const now = new Date().toISOString();
  const episode: Episode = {
    id: options.sessionId ?? randomUUID(), kind: 'chat', title: `Chat with ${character.name}`, status: 'active', createdAt: now, updatedAt: now, meta,
  };
  const greeting = pickGreeting(character, options.greeting ?? 0);
  const events: SceneEvent[] = greeting
    ? [{
      id: randomUUID(), episodeId: episode.id, seq: 1, at: now, kind: 'speech', actor: character.name, visibility: 'all',
      text: renderMacros(greeting, { char: character.name, user: userName, pickSeed: episode.id }),
      data: { greeting: options.greeting ?? 0, turn: 'greeting' },
    }]
    : [];
  return new ChatSession(options, episode, events, false);
}

/** A stored episode can be continued as this character's chat. */
function checkSession(episode: Episode, character: Character): void {
  if (episode.kind !== 'chat') {
    throw new AgentError('agent/not-a-chat', `session '${episode.id}' is a ${episode.kind} episode, not a chat; pick another --session`);
  }
  const stored = episode.meta.character;
  if (typeof stored === 'string' && stored !== character.name) {
    throw new AgentError('agent/other-character', `session '${episode.id}' is a chat with ${stored}, not ${character.name}; pick another --session or the right card`);
  }
}

const isConflict = (error: unknown) => (error as { code?: unknown })?.code === 'store/conflict';

function pickGreeting(character: Character, index: number): string | undefined {
  if (index === 0) return character.first_mes.trim() ? character.first_mes : undefined;
  const greeting = character.alternate_greetings[index - 1];
  if (greeting === undefined) {
    throw new AgentError('agent/no-greeting', `${character.name} has ${character.alternate_greetings.length} alternate greeting(s); --greeting must be 0..${character.alternate_greetings.length}`);
  }
  return greeting;
}

/** A chat between a user and one character: an episode whose cast is that character and the user. */
export class ChatSession {
  readonly character: Character;
  private episode: Episode;
  private events: SceneEvent[];
  private readonly agent: CharacterAgent;
  private readonly meta: ChatMeta;
  private readonly memory?: AgentMemory;

  /** `stored`: the episode is in the store (a new session is stored with its first turn). */
  constructor(private readonly options: ChatSessionOptions, episode: Episode, events: SceneEvent[], private stored: boolean) {
    this.character = options.character;
    this.episode = episode;
    this.events = [...events];
    const saved = episode.meta as Partial<ChatMeta>;
    this.meta = {
      character: this.character.name,
      userName: options.userName ?? saved.userName ?? 'User',
      mode: options.mode ?? saved.mode ?? 'json',
      compaction: saved.compaction ?? [],
    };
    this.memory = options.memory?.forUser(this.meta.userName);
    this.agent = new CharacterAgent({
      character: this.character, model: options.model, summaryModel: options.summaryModel, lorebooks: options.lorebooks,
      userName: this.meta.userName, mode: this.meta.mode, pickSeed: episode.id, contextTokens: options.contextTokens,
      replyTokens: options.replyTokens, countTokens: options.countTokens, temperature: options.temperature, seed: options.seed, memory: this.memory,
      turnTimeoutMs: options.turnTimeoutMs,
    });
  }

  get id(): string { return this.episode.id; }
  get userName(): string { return this.meta.userName; }
  get mode(): OutputMode { return this.agent.mode; }
  /** The stored log of this session. */
  get log(): readonly SceneEvent[] { return this.events; }
  get compaction(): readonly CompactedBlock[] { return this.meta.compaction; }

  /**
   * Builds the prompt the character would get if `pending` events were added now. Pure with respect to the
   * store: compaction is only planned here (see `send`), so a caller can measure the engine's own work.
   */
  preparePrompt(pending: SceneEvent[], blocks: readonly CompactedBlock[] = this.meta.compaction): PreparedPrompt {
    return this.agent.preparePrompt([...this.events, ...pending], blocks);
  }

  /**
   * Sends the user's line and returns the character's turn; all of the turn's events are stored in one
   * transaction, and only if the log still ends where this turn's prompt was built. If another chat continued the
   * session meanwhile, the history is reloaded and the turn asked again, once; then it fails with
   * `agent/session-changed`, storing nothing.
   */
  async send(text: string, options: TurnOptions = {}): Promise<ChatTurn> {
    try {
      return await this.attempt(text, options);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    await this.reload();
    options.onRebuild?.();
    try {
      return await this.attempt(text, options);
    } catch (error) {
      if (!isConflict(error)) throw error;
      throw new AgentError(
        'agent/session-changed',
        `session '${this.id}' changed twice while ${this.character.name} was answering (another chat is continuing it); nothing of this turn was stored — let the other chat finish, then send it again`,
        { cause: error },
      );
    }
  }

  /** Reads the session's log and compaction state again from the store. */
  private async reload(): Promise<void> {
    const episode = await this.options.store.getEpisode(this.id);
    if (!episode) {
      if (!this.stored) return;
      throw new AgentError('agent/session-gone', `session '${this.id}' was deleted while ${this.character.name} was answering; nothing was stored`);
    }
    checkSession(episode, this.character);
    this.episode = episode;
    this.events = await this.options.store.listEvents(this.id);
    this.stored = true;
    this.meta.compaction = (episode.meta as Partial<ChatMeta>).compaction ?? [];
  }

  private async attempt(text: string, options: TurnOptions): Promise<ChatTurn> {
    const name = this.character.name;
    const turn = randomUUID();
    const history = this.events;
    const userEvent: SceneEvent = {
      id: randomUUID(), episodeId: this.id, seq: (history.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(),
      kind: 'speech', actor: 'user', text, visibility: 'all', data: { turn },
    };
    // A chat sends no sampling seed and never caches an invalid reply: a retried turn draws a new sample by itself.
    const { value: act } = await retryTurn((attempt) => this.agent.act([...history, userEvent], this.meta.compaction, { ...options, abortSignal: attempt.signal }), {
      retries: 0, ...this.options.turnRetry, abortSignal: options.abortSignal, onRetry: options.onTurnRetry,
    });
    const { generated, prepared, blocks, recalled } = act;
    const { thought, action, speech } = generated.output;
    const newEvents: NewEvent[] = [
      { id: userEvent.id, kind: 'speech', actor: 'user', text, visibility: 'all', data: { turn } },
      // What it recalled is the character's own business: recorded on its private thought.
      { kind: 'thought', actor: name, text: thoughtText(thought), visibility: { only: [name] }, data: { turn, ...thought, ...(recalled.length ? { recalled } : {}) } },
      ...(action.trim() ? [{ kind: 'action' as const, actor: name, text: action.trim(), visibility: 'all' as const, data: { turn } }] : []),
      {
        kind: 'speech', actor: name, text: speech.trim(), visibility: 'all',
        data: { turn, ...(generated.repaired ? { repaired: true } : {}), ...(prepared.lore.length ? { lore: prepared.lore } : {}) },
      },
    ];
    const meta = { compaction: blocks, mode: this.agent.mode, userName: this.meta.userName };
    // A new session is created with its greeting and first turn; a stored one is appended to only if its log
    // still ends with the event this prompt was built on (checked under the store's write lock).
    const unsaved = this.stored ? [] : history.map(({ episodeId: _episodeId, seq: _seq, ...event }): NewEvent => event);
    const written = await this.options.store.appendEvents(this.id, [...unsaved, ...newEvents], this.stored
      ? { meta, afterSeq: history.at(-1)?.seq ?? 0 }
      : { meta, create: { kind: 'chat', title: this.episode.title, meta: this.episode.meta } });
    const stored = written.slice(unsaved.length);
    this.events = this.stored ? [...history, ...stored] : written;
    this.stored = true;
    this.meta.compaction = blocks;
    this.meta.mode = this.agent.mode;
    // After the turn is stored: a failure here loses no turn, and the next turn remembers what this one missed.
    let memoryError: string | undefined;
    await this.memory?.remember(this.events, options.abortSignal, blocks).catch((error: unknown) => {
      memoryError = error instanceof Error ? error.message : String(error);
    });
    return { output: generated.output, events: stored, repaired: generated.repaired, lore: prepared.lore, recalled, ...(memoryError ? { memoryError } : {}) };
  }
}
