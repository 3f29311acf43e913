import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import { type Character, type Lorebook, activateLorebook, renderActivatedEntries, renderMacros } from '../character/index.ts';
import { type SceneEvent, perspectiveOf } from '../events/index.ts';
import { countTokens as defaultCountTokens, type TokenCounter } from '../text/index.ts';
import { noteStructuredOutputRefused, rejectsJsonSchema, structuredOutputRefused } from '../llm/index.ts';
import { buildCharacterSheet, type SceneContext } from './character-sheet.ts';
import { compactHistory, shorten } from './compact-history.ts';
import { blockTranscript, historyTokens, MESSAGE_OVERHEAD_TOKENS, planCompaction, summaryTokens, type CompactedBlock } from './compaction.ts';
import type { RecallResult } from '../memory/index.ts';
import type { AgentMemory, RecalledRecord } from './agent-memory.ts';
import { AgentError } from './errors.ts';
import { generateTurn, REPAIR_REQUEST_TOKENS, type GeneratedTurn } from './generate-turn.ts';
import { DEFAULT_TURN_TIMEOUT_MS, withTurnDeadline } from './turn-deadline.ts';
import { historyMessages, type HistoryMessage } from './history.ts';
import { assemblePrompt, buildTail, OPENING_LINE, SUMMARY_HEADER } from './prompt.ts';
import type { OutputMode } from './turn-output.ts';

export interface CharacterAgentOptions {
  character: Character;
  model: LanguageModelV3;
  /** Model used to summarize compacted history; defaults to `model`. */
  summaryModel?: LanguageModelV3;
  /** Extra lorebooks, scanned together with the card's own book. */
  lorebooks?: Lorebook[];
  /** Who `{{user}}` is: the chat's user, or in a scene the other characters. */
  userName: string;
  mode: OutputMode;
  /** Seed for `{{pick}}` so the sheet is identical on every turn. */
  pickSeed: string;
  /** Private setup given by a scene (secrets, goals, notes) on top of the card's own. */
  privateSetup?: { secrets?: string[]; goals?: string[]; notes?: string[] };
  scene?: SceneContext;
  /** Context budget in tokens for the whole prompt (system, history, tail and the reply). */
  contextTokens?: number;
  /** Tokens kept free for the reply. */
  replyTokens?: number;
  countTokens?: TokenCounter;
  temperature?: number;
  topP?: number;
  /** Sampling seed sent with every call. */
  seed?: number;
  /** The character's long-term memory: recalled into each turn's volatile tail. */
  memory?: AgentMemory;
  /** Time limit of one turn's generation, its repair included (default 300 000 ms; 0 for none). */
  turnTimeoutMs?: number;
}

export interface ActOptions {
  onSpeechDelta?: (delta: string, raw: string) => void;
  onRepair?: (reason: string) => void;
  onCompaction?: (block: CompactedBlock) => void;
  abortSignal?: AbortSignal;
  /** Sampling seed for this turn only (a retried turn draws a new sample); default: the agent's `seed`. */
  seed?: number;
}

export type LoreHit = { id: string | number | undefined; name: string | undefined };

export interface PreparedPrompt {
  messages: ModelMessage[];
  history: HistoryMessage[];
  lore: LoreHit[];
}

/** One turn's outcome: the model's output, the prompt it answered, and the compaction state after it. */
export interface Act {
  generated: GeneratedTurn;
  prepared: PreparedPrompt;
  blocks: CompactedBlock[];
  /** The memories recalled into this turn's prompt, best first (empty without a memory). */
  recalled: RecalledRecord[];
}

/** The budget when neither the caller nor the model says (see `modelContextWindow` in `src/llm`). */
export const DEFAULT_CONTEXT_TOKENS = 8192;
const DEFAULT_REPLY_TOKENS = 1024;
/** Compactions one turn may run before its prompt must fit. */
const MAX_COMPACTION_ROUNDS = 3;
/** Recalled memories take at most this share of what the sheet and the reply leave of the budget. */
const MEMORY_SHARE = 0.25;


/**
 * One character taking turns: perspective → prompt (stable sheet, compacted history, volatile tail) →
 * structured turn. It holds no log: callers pass the episode's events and store what comes back, so a
 * chat and a scene share this one code path (DESIGN.md §1).
 */
export class CharacterAgent {
  readonly character: Character;
  private readonly tokenCache = new Map<string, number>();
  private readonly countTokens: TokenCounter;
  private currentMode: OutputMode;
  private system = '';
  private systemTokens = 0;

  constructor(private readonly options: CharacterAgentOptions) {
    this.character = options.character;
    this.countTokens = options.countTokens ?? defaultCountTokens;
    // A server this process already found refusing JSON-schema output is asked in the tagged format at once.
    this.currentMode = options.mode === 'json' && structuredOutputRefused(options.model) ? 'tagged' : options.mode;
    this.buildSystem();
  }

  get name(): string { return this.character.name; }
  get model(): LanguageModelV3 { return this.options.model; }
  get mode(): OutputMode { return this.currentMode; }
  /** The fixed system prompt (character sheet and rules). */
  get systemPrompt(): string { return this.system; }

  /**
   * Builds the prompt for the character's next turn from `log` (the whole episode: only its perspective is
   * used). Pure: compaction is only planned in `act`, so a caller can measure the engine's own work.
   */
  preparePrompt(log: readonly SceneEvent[], blocks: readonly CompactedBlock[], options: { countTokens?: boolean; memories?: string } = {}): PreparedPrompt {
    const name = this.name;
    const perspective = perspectiveOf(log, name);
    const lastCompacted = blocks.at(-1)?.throughSeq ?? 0;
    const countTokens = options.countTokens === false ? undefined : this.countTokens;
    const history = historyMessages(perspective, { character: name, countTokens, tokenCache: countTokens && this.tokenCache })
      .filter((m) => m.seq > lastCompacted);
    const { text: lore, entries } = this.activateLore(history);
    const post = this.character.post_history_instructions;
    const tail = buildTail({
      character: name,
      lore,
      memories: options.memories,
      postHistoryInstructions: post ? renderMacros(post, { char: name, user: this.options.userName, pickSeed: this.options.pickSeed }) : undefined,
    });
    return { messages: assemblePrompt({ system: this.system, blocks, history, tail }), history, lore: entries };
  }

  /**
   * Takes the character's turn on `log`: compacts history if it overflows, then asks the model. When the
   * server rejects JSON-schema output, switches to the tagged format (see `mode`) and asks again.
   */
  async act(log: readonly SceneEvent[], blocks: readonly CompactedBlock[], options: ActOptions = {}): Promise<Act> {
    this.assertBudget();
    const recalled = this.fitRecalled(await this.options.memory?.recall(log, options.abortSignal));
    const memory = { text: renderRecalled(recalled), recalled: recordsOf(recalled) };
    try {
      return await this.attempt(log, blocks, options, memory);
    } catch (error) {
      if (this.currentMode !== 'json' || !rejectsJsonSchema(error)) throw error;
      noteStructuredOutputRefused(this.options.model);
      this.setMode('tagged');
      options.onRepair?.('the server does not support JSON-schema output; switched to the tagged-text format');
      return this.attempt(log, blocks, options, memory);
    }
  }

  /** Switches the output format (the sheet's format instructions change with it). */
  setMode(mode: OutputMode): void {
    this.currentMode = mode;
    this.buildSystem();
  }

  private buildSystem(): void {
    this.system = buildCharacterSheet(this.character, {
      userName: this.options.userName, mode: this.currentMode, pickSeed: this.options.pickSeed,
      privateSetup: this.options.privateSetup, scene: this.options.scene,
    });
    this.systemTokens = this.countTokens(this.system);
  }

  private async attempt(log: readonly SceneEvent[], current: readonly CompactedBlock[], options: ActOptions, memory: RecalledMemory): Promise<Act> {
    let blocks = [...current];
    // A token is at least one byte: a prompt whose bytes (and framing) fit the budget fits, with no need to count its tokens.
    let prepared = this.preparePrompt(log, blocks, { countTokens: false, memories: memory.text });
    // A model's own counter charges its template's extra framing even for an empty text.
    const framing = (prepared.messages.length + 1) * (MESSAGE_OVERHEAD_TOKENS + this.countTokens('') + 1) + 1;
    const bytes = promptBytes(prepared) + framing;
    if (bytes + this.replyTokens <= this.contextTokens) return this.generate(prepared, blocks, options, memory, this.contextTokens - this.replyTokens - bytes);
    prepared = this.preparePrompt(log, blocks, { memories: memory.text });
    // The sheet, the tail, an opening line and the reply's opening, each framed as a message (a model's own counter
    // adds its template's extra framing to each text it counts), and a start token: one account plans and checks.
    const fixedOf = (p: PreparedPrompt) => this.systemTokens + this.countTokens(String(p.messages.at(-1)?.content ?? '')) + this.countTokens(OPENING_LINE)
      + this.countTokens('') + 4 * MESSAGE_OVERHEAD_TOKENS + 1;
    const summaryHeaderTokens = this.countTokens(SUMMARY_HEADER);
    let fixedTokens = fixedOf(prepared);
    let promptTokens = fixedTokens + summaryTokens(blocks, summaryHeaderTokens) + historyTokens(prepared.history);
    // A new summary may itself overflow a tight budget: compact again (a few rounds at most) until the prompt fits.
    for (let round = 0; round === 0 || (round < MAX_COMPACTION_ROUNDS && promptTokens + this.replyTokens > this.contextTokens); round++) {
      const plan = planCompaction({ history: prepared.history, blocks, contextTokens: this.contextTokens, fixedTokens: fixedTokens + this.replyTokens, summaryHeaderTokens });
      if (plan.block.length === 0 && !plan.mergeSummaries) break;
      blocks = await compactHistory(blocks, plan, {
        model: this.options.summaryModel ?? this.options.model, who: this.name, countTokens: this.countTokens, seed: this.options.seed, contextTokens: this.contextTokens,
        transcript: (block) => blockTranscript(block, this.name, this.options.userName), abortSignal: options.abortSignal, onBlock: options.onCompaction,
      });
      prepared = this.preparePrompt(log, blocks, { memories: memory.text });
      fixedTokens = fixedOf(prepared);
      promptTokens = fixedTokens + summaryTokens(blocks, summaryHeaderTokens) + historyTokens(prepared.history);
    }
    if (promptTokens + this.replyTokens > this.contextTokens) {
      throw new AgentError('agent/prompt-too-large',
        `${this.name}'s prompt needs ${promptTokens} tokens plus ${this.replyTokens} for the reply, more than the context budget of ${this.contextTokens} ` +
          `even after compacting the history (the newest message alone takes ${prepared.history.at(-1)?.tokens ?? 0}): send a shorter message or raise the budget (--context-tokens)`);
    }
    return this.generate(prepared, blocks, options, memory, this.contextTokens - this.replyTokens - promptTokens);
  }

  /** `room`: tokens the prompt leaves free besides the reply's reserve, for a repair request to repeat the invalid reply in. */
  private async generate(prepared: PreparedPrompt, blocks: CompactedBlock[], options: ActOptions, memory: RecalledMemory, room: number): Promise<Act> {
    const generated = await withTurnDeadline(this.options.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS, options.abortSignal, this.name, (abortSignal) => generateTurn({
      model: this.options.model,
      messages: prepared.messages,
      mode: this.currentMode,
      moves: this.options.scene?.moves,
      onSpeechDelta: options.onSpeechDelta,
      onRepair: options.onRepair,
      abortSignal,
      temperature: this.options.temperature,
      topP: this.options.topP,
      seed: options.seed ?? this.options.seed,
      maxOutputTokens: this.replyTokens,
      // A repair request repeats the invalid reply: it is cut to what the budget leaves (the reply reserve at most).
      repairEcho: (reply) => shorten(reply, Math.max(16, Math.min(this.replyTokens, room - REPAIR_REQUEST_TOKENS)), this.countTokens),
    }));
    return { generated, prepared, blocks, recalled: memory.recalled };
  }

  private get contextTokens(): number { return this.options.contextTokens ?? DEFAULT_CONTEXT_TOKENS; }
  private get replyTokens(): number { return Math.min(this.options.replyTokens ?? DEFAULT_REPLY_TOKENS, Math.floor(this.contextTokens / 4)); }

  private activateLore(history: HistoryMessage[]): { text: string; entries: LoreHit[] } {
    const books = [this.character.character_book, ...(this.options.lorebooks ?? [])].filter((b): b is Lorebook => b !== undefined);
    if (books.length === 0) return { text: '', entries: [] };
    const messages = history.map((m) => m.text);
    const macro = { char: this.name, user: this.options.userName, pickSeed: this.options.pickSeed };
    const texts: string[] = [];
    const entries: LoreHit[] = [];
    for (const book of books) {
      const result = activateLorebook(book, { messages, countTokens: this.countTokens });
      const rendered = renderActivatedEntries(result);
      if (rendered.trim()) texts.push(renderMacros(rendered, macro));
      for (const a of result.activated) entries.push({ id: a.entry.id, name: a.entry.name ?? a.entry.comment });
    }
    return { text: texts.join('\n\n'), entries };
  }

  /**
   * The recalled memories that fit a quarter of what the sheet and the reply leave of the budget, best first: the
   * tail is rebuilt every turn and must not crowd out the history it sits after.
   */
  private fitRecalled(result: RecallResult | undefined): RecallResult | undefined {
    if (!result?.memories.length) return result;
    let room = Math.floor((this.contextTokens - this.systemTokens - this.replyTokens) * MEMORY_SHARE);
    const memories = [];
    for (const recalled of result.memories) {
      room -= this.countTokens(recalled.memory.text) + 2;
      if (room < 0) break;
      memories.push(recalled);
    }
    return { ...result, memories };
  }

  private assertBudget(): void {
    if (this.systemTokens + MESSAGE_OVERHEAD_TOKENS + this.replyTokens >= this.contextTokens) {
      throw new AgentError('agent/context-too-small',
        `${this.name}'s character sheet takes ${this.systemTokens} tokens and the reply needs ${this.replyTokens}, ` +
          `which leaves nothing of the context budget of ${this.contextTokens} tokens: use a model with a longer context ` +
          '(for a local model, DRAMATIS_LOCAL_CONTEXT up to what it was trained for), raise --context-tokens if the model takes more, or shorten the card',
        { details: { sheetTokens: this.systemTokens, replyTokens: this.replyTokens, contextTokens: this.contextTokens } });
    }
  }
}

interface RecalledMemory {
  text: string;
  recalled: RecalledRecord[];
}

/** Recalled memories as the tail shows them: one per item, oldest first, so the story reads in order. */
function renderRecalled(result: RecallResult | undefined): string {
  if (!result?.memories.length) return '';
  return [...result.memories]
    .sort((a, b) => (a.memory.at < b.memory.at ? -1 : a.memory.at > b.memory.at ? 1 : a.memory.seq - b.memory.seq))
    .map((recalled) => `- ${recalled.memory.text.replace(/\n/g, '\n  ')}`)
    .join('\n');
}

function recordsOf(result: RecallResult | undefined): RecalledRecord[] {
  return (result?.memories ?? []).map((recalled) => ({
    id: recalled.memory.id, score: recalled.score, ...(recalled.dSem === undefined ? {} : { dSem: recalled.dSem }), ...(recalled.dEmo === undefined ? {} : { dEmo: recalled.dEmo }),
  }));
}

function promptBytes(prepared: PreparedPrompt): number {
  let bytes = 0;
  for (const message of prepared.messages) bytes += Buffer.byteLength(typeof message.content === 'string' ? message.content : JSON.stringify(message.content));
  return bytes;
}
