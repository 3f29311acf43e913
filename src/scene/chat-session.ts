import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, type ModelMessage } from 'ai';
import type { Character, Lorebook } from '../character/schema.ts';
import { activateLorebook, renderActivatedEntries } from '../character/lorebook-activation.ts';
import { renderMacros } from '../character/macros.ts';
import { buildCharacterSheet } from '../agent/character-sheet.ts';
import { blockTranscript, planCompaction, summaryPrompt, type CompactedBlock } from '../agent/compaction.ts';
import { AgentError } from '../agent/errors.ts';
import { generateTurn, type GeneratedTurn } from '../agent/generate-turn.ts';
import { historyMessages, type HistoryMessage } from '../agent/history.ts';
import { perspectiveOf } from '../agent/perspective.ts';
import { assemblePrompt, buildTail } from '../agent/prompt.ts';
import { thoughtText, type OutputMode, type TurnOutput } from '../agent/turn-output.ts';
import type { Episode, NewEvent, SceneEvent, Store } from '../store/types.ts';
import { countTokens as defaultCountTokens, type TokenCounter } from '../text/tokens.ts';

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
}

export interface TurnOptions {
  onSpeechDelta?: (delta: string, raw: string) => void;
  onRepair?: (reason: string) => void;
  onCompaction?: (block: CompactedBlock) => void;
  abortSignal?: AbortSignal;
}

export interface ChatTurn {
  output: TurnOutput;
  /** The stored events of this turn: the user's line, the thought, the action (if any), the speech. */
  events: SceneEvent[];
  repaired: boolean;
  /** Lorebook entries that were in this turn's prompt. */
  lore: { id: string | number | undefined; name: string | undefined }[];
}

export interface PreparedPrompt {
  messages: ModelMessage[];
  history: HistoryMessage[];
  lore: { id: string | number | undefined; name: string | undefined }[];
}

interface ChatMeta {
  character: string;
  userName: string;
  mode: OutputMode;
  compaction: CompactedBlock[];
}

const DEFAULT_CONTEXT_TOKENS = 8192;
const DEFAULT_REPLY_TOKENS = 1024;

/** Opens a stored chat session (creating it, with the card's greeting, when it does not exist). */
export async function openChatSession(options: ChatSessionOptions): Promise<ChatSession> {
  const { store, character } = options;
  const existing = options.sessionId ? await store.getEpisode(options.sessionId) : undefined;
  if (existing) {
    if (existing.kind !== 'chat') {
      throw new AgentError('agent/not-a-chat', `session '${existing.id}' is a ${existing.kind} episode, not a chat; pick another --session`);
    }
    const stored = existing.meta.character;
    if (typeof stored === 'string' && stored !== character.name) {
      throw new AgentError('agent/other-character', `session '${existing.id}' is a chat with ${stored}, not ${character.name}; pick another --session or the right card`);
    }
    return new ChatSession(options, existing, await store.listEvents(existing.id));
  }
  const userName = options.userName ?? 'User';
  const mode = options.mode ?? 'json';
  const meta: ChatMeta & Record<string, unknown> = { ...options.meta, character: character.name, userName, mode, compaction: [] };
  const episode = await store.createEpisode({ id: options.sessionId, kind: 'chat', title: `Chat with ${character.name}`, meta });
  const greeting = pickGreeting(character, options.greeting ?? 0);
  const events = greeting
    ? await store.appendEvents(episode.id, [{
      kind: 'speech', actor: character.name, visibility: 'all',
      text: renderMacros(greeting, { char: character.name, user: userName, pickSeed: episode.id }),
      data: { greeting: options.greeting ?? 0, turn: 'greeting' },
    }])
    : [];
  return new ChatSession(options, episode, events);
}

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
  private readonly episode: Episode;
  private readonly events: SceneEvent[];
  private readonly tokenCache = new Map<string, number>();
  private readonly countTokens: TokenCounter;
  private system: string;
  private systemTokens: number;
  private readonly meta: ChatMeta;

  constructor(private readonly options: ChatSessionOptions, episode: Episode, events: SceneEvent[]) {
    this.character = options.character;
    this.episode = episode;
    this.events = [...events];
    this.countTokens = options.countTokens ?? defaultCountTokens;
    const stored = episode.meta as Partial<ChatMeta>;
    this.meta = {
      character: this.character.name,
      userName: options.userName ?? stored.userName ?? 'User',
      mode: options.mode ?? stored.mode ?? 'json',
      compaction: stored.compaction ?? [],
    };
    this.system = buildCharacterSheet(this.character, { userName: this.meta.userName, mode: this.meta.mode, pickSeed: episode.id });
    this.systemTokens = this.countTokens(this.system);
  }

  get id(): string { return this.episode.id; }
  get userName(): string { return this.meta.userName; }
  get mode(): OutputMode { return this.meta.mode; }
  /** The stored log of this session. */
  get log(): readonly SceneEvent[] { return this.events; }
  get compaction(): readonly CompactedBlock[] { return this.meta.compaction; }

  /**
   * Builds the prompt the character would get if `pending` events were added now. Pure with respect to the
   * store: compaction is only planned here (see `send`), so a caller can measure the engine's own work.
   */
  preparePrompt(pending: SceneEvent[], blocks: readonly CompactedBlock[] = this.meta.compaction): PreparedPrompt {
    const name = this.character.name;
    const perspective = perspectiveOf([...this.events, ...pending], name);
    const lastCompacted = blocks.at(-1)?.throughSeq ?? 0;
    const history = historyMessages(perspective, { character: name, countTokens: this.countTokens, tokenCache: this.tokenCache })
      .filter((m) => m.seq > lastCompacted);
    const { text: lore, entries } = this.activateLore(history);
    const tail = buildTail({
      character: name,
      lore,
      postHistoryInstructions: this.character.post_history_instructions
        ? renderMacros(this.character.post_history_instructions, { char: name, user: this.meta.userName, pickSeed: this.id })
        : undefined,
    });
    return { messages: assemblePrompt({ system: this.system, blocks, history, tail }), history, lore: entries };
  }

  /** Sends the user's line and returns the character's turn; all of the turn's events are stored in one transaction. */
  async send(text: string, options: TurnOptions = {}): Promise<ChatTurn> {
    this.assertBudget();
    const name = this.character.name;
    const turn = randomUUID();
    const userEvent: SceneEvent = {
      id: randomUUID(), episodeId: this.id, seq: (this.events.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(),
      kind: 'speech', actor: 'user', text, visibility: 'all', data: { turn },
    };
    let attempt: Attempt;
    try {
      attempt = await this.attempt(userEvent, options);
    } catch (error) {
      if (this.meta.mode !== 'json' || !rejectsJsonSchema(error)) throw error;
      // The server cannot constrain output to a JSON schema: use the tagged-text format from now on.
      this.setMode('tagged');
      options.onRepair?.('the server does not support JSON-schema output; switched to the tagged-text format');
      attempt = await this.attempt(userEvent, options);
    }
    const { generated, prepared, blocks } = attempt;
    const { thought, action, speech } = generated.output;
    const newEvents: NewEvent[] = [
      { id: userEvent.id, kind: 'speech', actor: 'user', text, visibility: 'all', data: { turn } },
      { kind: 'thought', actor: name, text: thoughtText(thought), visibility: { only: [name] }, data: { turn, ...thought } },
      ...(action.trim() ? [{ kind: 'action' as const, actor: name, text: action.trim(), visibility: 'all' as const, data: { turn } }] : []),
      {
        kind: 'speech', actor: name, text: speech.trim(), visibility: 'all',
        data: { turn, ...(generated.repaired ? { repaired: true } : {}), ...(prepared.lore.length ? { lore: prepared.lore } : {}) },
      },
    ];
    const stored = await this.options.store.appendEvents(this.id, newEvents, { meta: { compaction: blocks, mode: this.meta.mode, userName: this.meta.userName } });
    this.events.push(...stored);
    this.meta.compaction = blocks;
    return { output: generated.output, events: stored, repaired: generated.repaired, lore: prepared.lore };
  }

  /** Plans and runs compaction if the history overflows, then asks the model for the turn. */
  private async attempt(userEvent: SceneEvent, options: TurnOptions): Promise<Attempt> {
    let blocks = [...this.meta.compaction];
    let prepared = this.preparePrompt([userEvent], blocks);
    const plan = planCompaction({
      history: prepared.history,
      blocks,
      contextTokens: this.contextTokens,
      fixedTokens: this.systemTokens + this.countTokens(String(prepared.messages.at(-1)?.content ?? '')) + this.replyTokens,
    });
    if (plan.block.length > 0 || plan.mergeSummaries) {
      blocks = await this.compact(blocks, plan.block, plan.mergeSummaries, options);
      prepared = this.preparePrompt([userEvent], blocks);
    }
    const generated = await generateTurn({
      model: this.options.model,
      messages: prepared.messages,
      mode: this.meta.mode,
      onSpeechDelta: options.onSpeechDelta,
      onRepair: options.onRepair,
      abortSignal: options.abortSignal,
      temperature: this.options.temperature,
      maxOutputTokens: this.replyTokens,
    });
    return { generated, prepared, blocks };
  }

  private setMode(mode: OutputMode): void {
    this.meta.mode = mode;
    this.system = buildCharacterSheet(this.character, { userName: this.meta.userName, mode, pickSeed: this.id });
    this.systemTokens = this.countTokens(this.system);
  }

  private get contextTokens(): number { return this.options.contextTokens ?? DEFAULT_CONTEXT_TOKENS; }
  private get replyTokens(): number { return Math.min(this.options.replyTokens ?? DEFAULT_REPLY_TOKENS, Math.floor(this.contextTokens / 4)); }

  private activateLore(history: HistoryMessage[]): { text: string; entries: ChatTurn['lore'] } {
    const books = [this.character.character_book, ...(this.options.lorebooks ?? [])].filter((b): b is Lorebook => b !== undefined);
    if (books.length === 0) return { text: '', entries: [] };
    const messages = history.map((m) => m.text);
    const macro = { char: this.character.name, user: this.meta.userName, pickSeed: this.id };
    const texts: string[] = [];
    const entries: ChatTurn['lore'] = [];
    for (const book of books) {
      const result = activateLorebook(book, { messages, countTokens: this.countTokens });
      const rendered = renderActivatedEntries(result);
      if (rendered.trim()) texts.push(renderMacros(rendered, macro));
      for (const a of result.activated) entries.push({ id: a.entry.id, name: a.entry.name ?? a.entry.comment });
    }
    return { text: texts.join('\n\n'), entries };
  }

  private async compact(blocks: CompactedBlock[], block: HistoryMessage[], merge: boolean, options: TurnOptions): Promise<CompactedBlock[]> {
    const name = this.character.name;
    let next = blocks;
    if (merge) {
      const merged = await this.summarize(next.map((b) => b.summary).join('\n\n'), options.abortSignal);
      next = [{ throughSeq: next.at(-1)!.throughSeq, summary: merged, tokens: this.countTokens(merged) }];
    }
    if (block.length > 0) {
      const summary = await this.summarize(blockTranscript(block, name, this.meta.userName), options.abortSignal);
      const added: CompactedBlock = { throughSeq: block.at(-1)!.seq, summary, tokens: this.countTokens(summary) };
      options.onCompaction?.(added);
      next = [...next, added];
    }
    return next;
  }

  private async summarize(transcript: string, abortSignal?: AbortSignal): Promise<string> {
    const result = await generateText({
      model: this.options.summaryModel ?? this.options.model,
      prompt: summaryPrompt(transcript, this.character.name),
      maxRetries: 0,
      abortSignal,
      maxOutputTokens: 400,
    });
    const summary = result.text.trim();
    if (!summary) throw new AgentError('agent/empty-summary', 'the model returned an empty summary while compacting history; try again or raise --context-tokens');
    return summary;
  }

  private assertBudget(): void {
    if (this.systemTokens + this.replyTokens >= this.contextTokens) {
      throw new AgentError('agent/context-too-small', `--context-tokens ${this.contextTokens} is too small: the character sheet alone takes ${this.systemTokens} tokens plus ${this.replyTokens} for the reply; raise it`);
    }
  }
}

interface Attempt { generated: GeneratedTurn; prepared: PreparedPrompt; blocks: CompactedBlock[] }

/** Whether a model call failed because the server does not accept a JSON-schema response format. */
function rejectsJsonSchema(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'llm/bad-request' && /response_format|json_schema|json schema|structured output|grammar/i.test(String(message));
}

