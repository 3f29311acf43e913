import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import {
  type AgentMemory, CharacterAgent, type CompactedBlock, retryTurn, transientTurnFailure, waitText, type RetryTurnOptions, thoughtText,
  type OutputMode, toModelPrompt,
} from '../agent/index.ts';
import { extractJsonObject, structuredText, toJsonSchema } from '../llm/index.ts';
import type { Episode, Store } from '../store/index.ts';
import type { NewEvent, SceneEvent } from '../events/index.ts';
import type { TokenCounter } from '../text/index.ts';
import { SceneError } from './errors.ts';
import { NARRATOR, NarratorAgent, type NarratorOutput } from './narrator.ts';
import { defaultScenarioKinds, findScenarioKind, type PrivateReport, type ScenarioKind } from './scenario-kinds.ts';
import { createSceneAgent, sceneRules } from './scene-agent.ts';
import type { Scene } from './scene-schema.ts';
import { seededInt } from './seeded-random.ts';
import { defaultTurnPolicies, findTurnPolicy, nextRoundRobin } from './turn-policies/index.ts';
import type { TurnChoice, TurnContext, TurnPolicy } from './turn-policy.ts';

/** Why an episode ended. */
export type EndReason = 'max-turns' | 'phrase' | 'narrator' | 'all-left';

/** Where an episode stands; stored in the episode's meta with every committed step, so a resume continues exactly. */
export interface SceneState {
  /** Committed steps (each step is one transaction). */
  step: number;
  started: boolean;
  narratorOpened: boolean;
  /** Character speech turns so far (what `turns.max` counts). */
  speechTurns: number;
  /** The character who acted last. */
  last?: string;
  /** Character turns since the narrator last acted. */
  sinceNarrator: number;
  left: string[];
  /** The narrator's pending choice of the next speaker. */
  next?: { speaker: string; reason: string };
  ended?: EndReason;
  /** The last round whose private reports are stored (kinds with reports: 0 is before the first round). */
  reported?: number;
}

export interface SceneModels {
  /** The model that plays this cast member. */
  character(name: string): LanguageModelV3;
  /** The narrator's model (required when the scene has a narrator). */
  narrator?: LanguageModelV3;
}

export interface SceneEpisodeOptions {
  store: Store;
  scene: Scene;
  /** Continue this episode if it exists, else create it with this id. */
  episodeId: string;
  models: SceneModels;
  /** The episode's seed: decides the natural policy's draws and is sent to the models as their sampling seed. */
  seed: number;
  mode?: OutputMode;
  /** The output mode to start a role with (e.g. `tagged` for a model already known to refuse JSON schemas). */
  modeFor?: (role: string) => OutputMode | undefined;
  contextTokens?: number;
  /** Token counter (share a memoized one across the episodes of a run: they count the same sheets). */
  countTokens?: TokenCounter;
  /**
   * A role's own budget and time limit (its model's context, counted with its tokenizer), over the shared
   * `contextTokens` and `countTokens`: the roles of a scene may be played by different models.
   */
  limitsFor?: (role: string) => RoleLimits | undefined;
  /** Extra settings recorded on a new episode (run id, model specs...). */
  meta?: Record<string, unknown>;
  /** Each character's long-term memory, if it has one: recalled into its turns, written after each step. */
  memory?: (character: string) => AgentMemory | undefined;
  /**
   * How a step whose model call failed transiently (a cut stream, a rate limit or server error that outlasted the
   * call's retries, a timeout, invalid structure twice) is tried again as a whole before the episode fails
   * (default: 3 retries, waits from 1 s doubling with jitter).
   */
  turnRetry?: Omit<RetryTurnOptions, 'abortSignal' | 'onRetry'>;
  /** The scenario kinds the scene's `kind` is found in (default: the shipped ones); give the scene reader the same list. */
  kinds?: readonly ScenarioKind[];
  /** The turn policies the scene's `turns.policy` is found in (default: the shipped ones); give the scene reader the same list. */
  policies?: readonly TurnPolicy[];
}

/** What one role's model can take: its prompt budget, how to count it, how long a turn may run. */
export interface RoleLimits {
  contextTokens?: number;
  countTokens?: TokenCounter;
  turnTimeoutMs?: number;
}

export interface StepOptions {
  abortSignal?: AbortSignal;
  /** Called with the events of each committed step. */
  onEvents?: (events: SceneEvent[]) => void;
  /** Called with each warning (also stored as a system event). */
  onWarning?: (warning: string) => void;
}

export interface EpisodeOutcome {
  episodeId: string;
  ended: EndReason;
  speechTurns: number;
  steps: number;
  /** Steps tried again after a transient failure, over the episode's whole life (resumes included). */
  turnRetries: number;
}

interface SceneMeta {
  scene: { title: string; file?: string; policy: string; cast: string[] };
  seed: number;
  state: SceneState;
  compaction: Record<string, CompactedBlock[]>;
  modes: Record<string, OutputMode>;
  /** Turn retries so far; stored with each step, and by the caller when the episode fails. */
  turnRetries?: number;
}

const initialState = (): SceneState => ({ step: 0, started: false, narratorOpened: false, speechTurns: 0, sinceNarrator: 0, left: [] });

/**
 * Opens a scene episode: creates it, or resumes a stored one from its last committed step.
 * @example
 * const episode = await openSceneEpisode({ store, scene, episodeId: 'ep1', models: { character: () => model, narrator: model }, seed: 7 });
 * const outcome = await episode.run();   // outcome.ended: 'max-turns' | 'phrase' | 'narrator' | 'all-left'
 */
export async function openSceneEpisode(options: SceneEpisodeOptions): Promise<SceneEpisode> {
  const { store, scene } = options;
  const existing = await store.getEpisode(options.episodeId);
  if (existing) {
    const stored = existing.meta.scene as SceneMeta['scene'] | undefined;
    if (existing.kind !== 'scene' || !stored) throw new SceneError('scene/invalid', `episode '${existing.id}' is not a scene episode`);
    if (stored.title !== scene.title) throw new SceneError('scene/invalid', `episode '${existing.id}' is an episode of "${stored.title}", not of "${scene.title}"`);
    const reopened = existing.status === 'failed' ? await store.updateEpisode(existing.id, { status: 'active' }) : existing;
    return new SceneEpisode(options, reopened, await store.listEvents(existing.id));
  }
  const meta: SceneMeta & Record<string, unknown> = {
    ...options.meta,
    scene: { title: scene.title, file: scene.file, policy: scene.turns.policy, cast: scene.cast.map((c) => c.name) },
    seed: options.seed,
    state: initialState(),
    compaction: {},
    modes: {},
  };
  const episode = await store.createEpisode({ id: options.episodeId, kind: 'scene', title: scene.title, meta });
  return new SceneEpisode(options, episode, []);
}

/** One episode of a scene, stepped one turn at a time; each step is committed before the next starts. */
export class SceneEpisode {
  private readonly scene: Scene;
  private readonly events: SceneEvent[];
  private readonly agents = new Map<string, CharacterAgent>();
  private readonly narrator?: NarratorAgent;
  private readonly policy: TurnPolicy;
  /** The kind's private reports at round boundaries, when it has them. */
  private readonly report?: PrivateReport;
  private state: SceneState;
  private readonly compaction: Record<string, CompactedBlock[]>;
  private retried: number;

  constructor(private readonly options: SceneEpisodeOptions, private readonly episode: Episode, events: SceneEvent[]) {
    this.scene = options.scene;
    this.events = [...events];
    const meta = episode.meta as Partial<SceneMeta>;
    this.state = { ...initialState(), ...meta.state };
    this.compaction = { ...meta.compaction };
    this.retried = meta.turnRetries ?? 0;
    const storedModes = meta.modes ?? {};
    const rules = sceneRules(this.scene, options.kinds ?? defaultScenarioKinds);
    const policies = options.policies ?? defaultTurnPolicies;
    const policy = findTurnPolicy(this.scene.turns.policy, policies);
    if (!policy) throw new SceneError('scene/policy', `"${this.scene.title}" takes turns by the policy "${this.scene.turns.policy}", which this episode was not given; known policies: ${policies.map((p) => p.name).join(', ')}`);
    this.policy = policy;
    this.report = findScenarioKind(this.scene.kind, options.kinds ?? defaultScenarioKinds)?.report;
    const sampling = this.scene.sampling;
    for (const member of this.scene.cast) {
      this.agents.set(member.name, createSceneAgent(this.scene, member.name, {
        model: options.models.character(member.name),
        mode: storedModes[member.name] ?? options.modeFor?.(member.name) ?? options.mode ?? 'json',
        seed: options.seed,
        rules,
        contextTokens: options.contextTokens,
        countTokens: options.countTokens,
        ...definedLimits(options.limitsFor?.(member.name)),
        memory: options.memory?.(member.name),
      }));
    }
    if (this.scene.narrator) {
      if (!options.models.narrator) throw new SceneError('scene/invalid', `"${this.scene.title}" has a narrator but no narrator model was given`);
      this.narrator = new NarratorAgent({
        scene: this.scene, setup: this.scene.narrator, model: options.models.narrator, rules,
        mode: storedModes[NARRATOR] ?? options.modeFor?.(NARRATOR) ?? options.mode ?? 'json',
        temperature: sampling.temperature, topP: sampling.topP, seed: options.seed, maxOutputTokens: sampling.maxOutputTokens,
        contextTokens: options.contextTokens,
        countTokens: options.countTokens,
        ...definedLimits(options.limitsFor?.(NARRATOR)),
      });
    }
  }

  get id(): string { return this.episode.id; }
  get log(): readonly SceneEvent[] { return this.events; }
  get done(): boolean { return this.state.ended !== undefined; }
  get current(): Readonly<SceneState> { return this.state; }
  /** Turn retries so far, failed attempts of a step that finally failed included (store them with the failure). */
  get turnRetries(): number { return this.retried; }
  /** The output mode of each role now (`tagged` after a server refused JSON-schema output). */
  get roleModes(): Record<string, OutputMode> { return this.currentModes(); }

  /** The character agent of a cast member (its prompts are built only from its perspective). */
  agent(name: string): CharacterAgent {
    const agent = this.agents.get(name);
    if (!agent) throw new SceneError('scene/unknown-name', `no cast member named '${name}' in "${this.scene.title}"`);
    return agent;
  }

  get narratorAgent(): NarratorAgent | undefined { return this.narrator; }

  /** Runs steps until the scene ends; returns how it ended. */
  async run(options: StepOptions = {}): Promise<EpisodeOutcome> {
    while (!this.done) await this.step(options);
    await this.options.store.updateEpisode(this.id, { status: 'done' });
    return { episodeId: this.id, ended: this.state.ended!, speechTurns: this.state.speechTurns, steps: this.state.step, turnRetries: this.retried };
  }

  /** Takes one step (the opening, a narrator turn, a character turn or a simultaneous round) and commits it. */
  async step(options: StepOptions = {}): Promise<SceneEvent[]> {
    if (this.done) return [];
    const state = this.state;
    if (!state.started) return this.commit(this.openingEvents(), { started: true }, options);
    const present = this.present();
    const { policy } = this;
    if (this.narrator && this.scene.narrator!.opens && !state.narratorOpened) {
      return this.narratorStep(present, { opening: true, direct: policy.narratorDirects }, options);
    }
    if (this.reportDue(state)) return this.reportStep(options);
    if (this.narrator && !policy.narratorDirects && state.sinceNarrator >= (this.scene.narrator!.every ?? present.length)) {
      return this.narratorStep(present, { opening: false, direct: false }, options);
    }
    const choice = this.checkedChoice(policy.next(this.turnContext(present)), present);
    if (choice.kind === 'narrator') return this.narratorStep(present, { opening: false, direct: true }, options);
    return this.characterStep(choice.names, options);
  }

  private present(): string[] {
    return this.scene.cast.map((c) => c.name).filter((name) => !this.state.left.includes(name));
  }

  /** What the turn policy decides from: the present cast, the order, the last speaker and line, the turns left, the seed and step. */
  private turnContext(present: readonly string[]): TurnContext {
    const { turns } = this.scene;
    const lastHeard = this.events.findLast((e) => (e.kind === 'speech' || e.kind === 'narration') && e.visibility === 'all');
    return {
      present: this.scene.cast.filter((c) => present.includes(c.name)).map((c) => ({ name: c.name, talkativeness: c.talkativeness })),
      order: turns.order,
      ...(this.state.last === undefined ? {} : { last: this.state.last }),
      ...(lastHeard === undefined ? {} : { lastHeard: lastHeard.text }),
      turnsLeft: turns.max - this.state.speechTurns,
      allowRepeat: turns.allowRepeat,
      narrator: this.narrator !== undefined,
      ...(this.state.next === undefined ? {} : { narratorChoice: this.state.next }),
      seed: this.options.seed,
      step: this.state.step,
    };
  }

  /** A policy's choice, refused when it names someone absent or twice, nobody, or a narrator the scene lacks (a plugin's bug). */
  private checkedChoice(choice: TurnChoice, present: readonly string[]): TurnChoice {
    const name = this.policy.name;
    if (choice.kind === 'narrator') {
      if (!this.narrator) throw new SceneError('scene/policy', `the turn policy "${name}" asked the narrator to pick a speaker, but "${this.scene.title}" has no narrator`);
      return choice;
    }
    const wrong = choice.names.find((n, i) => !present.includes(n) || choice.names.indexOf(n) !== i);
    if (choice.names.length === 0 || wrong !== undefined) {
      const what = choice.names.length === 0 ? 'nobody' : `"${wrong}", ${present.includes(wrong!) ? 'twice' : 'who is not present'}`;
      throw new SceneError('scene/policy', `the turn policy "${name}" picked ${what} at step ${this.state.step + 1} of "${this.scene.title}"; present: ${present.join(', ')}`);
    }
    return choice;
  }

  private openingEvents(): NewEvent[] {
    const { scene } = this;
    const events: NewEvent[] = [{
      kind: 'system', actor: 'system', visibility: 'all', text: `Scene "${scene.title}" begins.`,
      data: { scene: { title: scene.title, cast: scene.cast.map((c) => c.name), policy: scene.turns.policy, ...(scene.narrator ? { narrator: scene.narrator.name } : {}) } },
    }];
    if (scene.setting?.trim()) {
      events.push({ kind: 'narration', actor: NARRATOR, text: scene.setting.trim(), visibility: 'all', data: { turn: 't0', setting: true, ...this.narratorData() } });
    }
    for (const opening of scene.opening) {
      const visibility = opening.to?.length ? { only: opening.actor === NARRATOR ? opening.to : [opening.actor, ...opening.to.filter((n) => n !== opening.actor)] } : 'all' as const;
      events.push({
        kind: opening.kind, actor: opening.actor, text: opening.text, visibility,
        data: {
          turn: 't0', opening: true,
          ...(opening.actor === NARRATOR ? this.narratorData() : {}),
          ...(opening.to?.length && opening.actor === NARRATOR ? { private: true } : {}),
          ...(opening.to?.length && opening.actor !== NARRATOR ? { to: opening.to } : {}),
        },
      });
    }
    return events;
  }

  private narratorData(): Record<string, unknown> {
    return { narratorName: this.scene.narrator?.name ?? 'Narrator' };
  }

  private async narratorStep(present: string[], request: { opening: boolean; direct: boolean }, options: StepOptions): Promise<SceneEvent[]> {
    const narrator = this.narrator!;
    const turnId = `t${this.state.step + 1}`;
    const { value: result, retries } = await this.retrying(`the narrator's turn (${turnId})`, options, (attempt) =>
      narrator.act(this.events, { ...request, present, speechTurns: this.state.speechTurns, ...attempt }, this.compaction[NARRATOR] ?? []));
    const { output } = result;
    this.compaction[NARRATOR] = result.blocks;
    if (narrator.mode === 'tagged') this.textModeFor(narrator.model);
    const data = { turn: turnId, ...this.narratorData(), ...(result.repaired ? { repaired: true } : {}), ...(retries ? { retries } : {}) };
    const events: NewEvent[] = [];
    if (output.narration.trim()) events.push({ kind: 'narration', actor: NARRATOR, text: output.narration.trim(), visibility: 'all', data });
    for (const aside of output.private) {
      if (aside.text.trim()) events.push({ kind: 'narration', actor: NARRATOR, text: aside.text.trim(), visibility: { only: [...new Set(aside.to)] }, data: { ...data, private: true } });
    }
    let next = output.next;
    if (result.warning) {
      options.onWarning?.(result.warning);
      events.push({ kind: 'system', actor: 'system', text: result.warning, visibility: { only: [] }, data: { turn: turnId, warning: result.warning } });
      if (request.direct) {
        const speaker = nextRoundRobin(this.scene.turns.order, new Set(present), this.state.last) ?? present[0];
        next = { speaker, reason: 'round-robin fallback' };
      }
    }
    const end = output.end && this.scene.stop.narrator;
    if (next || end) {
      // The narrator's choice and its reason are for the narrator only: a reason may name a secret.
      events.push({
        kind: 'system', actor: NARRATOR, visibility: { only: [NARRATOR] },
        text: next ? `next: ${next.speaker} (${next.reason})` : 'the narrator ends the scene',
        data: { turn: turnId, ...this.narratorData(), ...(next ? { next } : {}), ...(end ? { end: true } : {}) },
      });
    }
    return this.commit(events, { narratorOpened: true, sinceNarrator: 0, next }, options, { narratorEnds: end, narrator: output });
  }

  /** Rounds every character has spoken in so far. */
  private completedRounds(state: SceneState): number {
    return Math.floor(state.speechTurns / Math.max(1, this.scene.cast.length));
  }

  /** Whether the kind's private reports for the rounds completed so far are still to be asked. */
  private reportDue(state: SceneState): boolean {
    return this.report !== undefined && (state.reported ?? -1) < this.completedRounds(state);
  }

  /** Every character present reports privately (its own model, its own perspective); one event each, only it sees it. */
  private async reportStep(options: StepOptions): Promise<SceneEvent[]> {
    const round = this.completedRounds(this.state);
    const turnId = `t${this.state.step + 1}`;
    const names = this.present();
    const { value: reports } = await this.retrying(`the private reports of round ${round} (${turnId})`, options, (attempt) =>
      Promise.all(names.map((name) => this.askReport(name, round, attempt))));
    const events: NewEvent[] = reports.map((report, i) => ({
      kind: 'report', actor: names[i], text: report.text, visibility: { only: [names[i]] }, data: { turn: turnId, ...report.data },
    }));
    return this.commit(events, { reported: round }, options);
  }

  /** One character's report: asked again once when the kind refuses it, then the episode fails. */
  private async askReport(name: string, round: number, attempt: { abortSignal: AbortSignal; seed: number }): Promise<{ text: string; data: Record<string, unknown> }> {
    const report = this.report!;
    const agent = this.agent(name);
    const earlier = this.events.filter((e) => e.kind === 'report' && e.actor === name);
    const { messages } = agent.preparePrompt(this.events, this.compaction[name] ?? [], { countTokens: false });
    const ask = report.ask(this.scene, round, earlier);
    const { sampling } = this.scene;
    let refused: string | undefined;
    for (let asked = 0; asked < 2; asked++) {
      const question: ModelMessage = { role: 'user', content: refused ? `${ask}
Your last report was refused: ${refused}. Report again.` : ask };
      const text = await structuredText(agent.model, {
        prompt: toModelPrompt([...messages, question]),
        schema: { json: toJsonSchema(report.schema(this.scene)), name: 'private_report' },
        temperature: sampling.temperature, topP: sampling.topP, maxOutputTokens: sampling.maxOutputTokens,
        seed: asked ? seededInt(attempt.seed, 'report', asked) : attempt.seed, abortSignal: attempt.abortSignal,
      });
      const extracted = extractJsonObject(text);
      const read = extracted.ok ? report.read(this.scene, extracted.value, round) : { ok: false as const, error: extracted.error };
      if (read.ok) return read;
      refused = read.error;
    }
    throw new SceneError('scene/report', `${name}'s private report for round ${round} was refused twice: ${refused}`);
  }

  private async characterStep(names: string[], options: StepOptions): Promise<SceneEvent[]> {
    const turnBase = this.state.step + 1;
    const round = Math.floor(this.state.speechTurns / Math.max(1, this.scene.cast.length)) + 1;
    const who = names.length > 1 ? `the round of ${names.join(', ')} (t${turnBase})` : `${names[0]}'s turn (t${turnBase})`;
    // All act on the same log: in a simultaneous round nobody sees the others' moves until they are revealed together.
    // A retry runs the whole round again: one failed act fails the step, and its siblings are cancelled.
    const { value: acts, retries } = await this.retrying(who, options, (attempt) =>
      Promise.all(names.map((name) => this.agent(name).act(this.events, this.compaction[name] ?? [], attempt))));
    const events: NewEvent[] = [];
    const left = [...this.state.left];
    names.forEach((name, i) => {
      const { generated, prepared, blocks, recalled } = acts[i];
      this.compaction[name] = blocks;
      if (this.agent(name).mode === 'tagged') this.textModeFor(this.agent(name).model);
      const turn = names.length > 1 ? `t${turnBase}.${i + 1}` : `t${turnBase}`;
      const { thought, action, speech } = generated.output;
      const to = generated.output.to && generated.output.to !== name && this.present().includes(generated.output.to) ? [generated.output.to] : undefined;
      const leaves = generated.output.leave === true && this.scene.stop.allLeave;
      const data = { turn, round, ...(names.length > 1 ? { simultaneous: true } : {}) };
      events.push({ kind: 'thought', actor: name, text: thoughtText(thought), visibility: { only: [name] }, data: { ...data, ...thought, ...(recalled.length ? { recalled } : {}) } });
      if (action.trim() || leaves) {
        events.push({ kind: 'action', actor: name, text: action.trim() || 'leaves the scene', visibility: 'all', data: { ...data, ...(leaves ? { left: true } : {}) } });
      }
      events.push({
        kind: 'speech', actor: name, text: speech.trim(), visibility: to ? { only: [name, ...to] } : 'all',
        data: {
          ...data, ...(to ? { to } : {}), ...(generated.repaired ? { repaired: true } : {}), ...(retries ? { retries } : {}), ...(prepared.lore.length ? { lore: prepared.lore } : {}),
        },
      });
      if (leaves) left.push(name);
    });
    const next = this.state.next && names.includes(this.state.next.speaker) ? undefined : this.state.next;
    return this.commit(events, {
      speechTurns: this.state.speechTurns + names.length, last: names.at(-1), sinceNarrator: this.state.sinceNarrator + names.length, left, next,
    }, options);
  }

  /** Appends a step's events and the new state in one transaction, ending the scene in it when a stop condition holds. */
  private async commit(events: NewEvent[], patch: Partial<SceneState>, options: StepOptions, extra: { narratorEnds?: boolean; narrator?: NarratorOutput } = {}): Promise<SceneEvent[]> {
    const state: SceneState = { ...this.state, ...patch, step: this.state.step + 1 };
    const ended = this.stopReason(events, state, extra.narratorEnds ?? false);
    if (ended) {
      state.ended = ended;
      events.push({ kind: 'system', actor: 'system', visibility: 'all', text: `The scene ends (${ended}).`, data: { end: { reason: ended } } });
    }
    const stored = await this.options.store.appendEvents(this.id, events, { meta: { state, compaction: this.compaction, modes: this.currentModes(), turnRetries: this.retried } });
    this.events.push(...stored);
    this.state = state;
    options.onEvents?.(stored);
    await this.remember(options);
    return stored;
  }

  /**
   * Runs a step's model work, from the start again after a transient failure (nothing is stored before it
   * succeeds). A retry after the model's own bad output samples with a new seed: the same seed could give the
   * same reply from a deterministic server.
   */
  private async retrying<T>(who: string, options: StepOptions, work: (attempt: { abortSignal: AbortSignal; seed: number }) => Promise<T>): Promise<{ value: T; retries: number }> {
    const { seed } = this.options;
    let retries = 0;
    try {
      return await retryTurn((attempt) => work({ abortSignal: attempt.signal, seed: attempt.resamples ? seededInt(seed, 'resample', attempt.resamples) : seed }), {
        ...this.options.turnRetry,
        abortSignal: options.abortSignal,
        onRetry: (event) => {
          retries = event.retry;
          this.retried++;
          options.onWarning?.(`${who} failed: ${event.reason} [${event.code}]; trying the turn again in ${waitText(event.delayMs)} (turn retry ${event.retry} of ${event.retries})`);
        },
      });
    } catch (error) {
      if (retries > 0 && !options.abortSignal?.aborted && transientTurnFailure(error)) {
        options.onWarning?.(`${who} failed again after ${retries} turn ${retries === 1 ? 'retry' : 'retries'}; the episode stops here (resume it later)`);
      }
      throw error;
    }
  }

  /**
   * After a committed step, each character with a memory stores what it perceived (its perspective only).
   * A failure is a warning: the step stays committed, and the next step remembers what this one missed.
   */
  private async remember(options: StepOptions): Promise<void> {
    for (const member of this.scene.cast) {
      const memory = this.options.memory?.(member.name);
      if (!memory) continue;
      await memory.remember(this.events, options.abortSignal, this.compaction[member.name] ?? []).catch((error: unknown) => {
        options.onWarning?.(`${member.name}'s memories of this step were not written: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /** A model refused JSON-schema output: every role it plays writes text from now on (no refusal per role). */
  private textModeFor(model: LanguageModelV3): void {
    for (const agent of this.agents.values()) if (agent.model === model && agent.mode !== 'tagged') agent.setMode('tagged');
    if (this.narrator?.model === model) this.narrator.useTextMode();
  }

  private currentModes(): Record<string, OutputMode> {
    const modes: Record<string, OutputMode> = {};
    for (const [name, agent] of this.agents) modes[name] = agent.mode;
    if (this.narrator) modes[NARRATOR] = this.narrator.mode;
    return modes;
  }

  private stopReason(events: NewEvent[], state: SceneState, narratorEnds: boolean): EndReason | undefined {
    const { stop, turns } = this.scene;
    const phrase = stop.phrase;
    if (state.started && phrase && events.some((e) => (e.kind === 'speech' || e.kind === 'narration') && e.text.includes(phrase) && !e.data?.opening)) return 'phrase';
    if (narratorEnds) return 'narrator';
    if (state.left.length >= this.scene.cast.length) return 'all-left';
    if (state.speechTurns >= turns.max && !this.reportDue(state)) return 'max-turns';
    return undefined;
  }
}

/** The limits a role sets (an undefined one leaves the shared value in place). */
function definedLimits(limits: RoleLimits | undefined): RoleLimits {
  return Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== undefined));
}
