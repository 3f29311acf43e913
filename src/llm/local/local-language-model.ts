import type {
  JSONSchema7,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { ChatHistoryItem, LlamaChatResponse, LlamaGrammar } from 'node-llama-cpp';
import { LlmError } from '../errors.ts';
import { ensureLocalModel, type EnsureModelOptions } from './catalog.ts';
import { toGrammarSchema } from './grammar-schema.ts';
import { localModelHost, type LocalModelHost, type LocalRuntimeSettings, type Slot } from './llama-host.ts';

/** Sampling temperature when a call names none (llama.cpp's own default, 0, repeats itself in role-play). */
export const LOCAL_DEFAULT_TEMPERATURE = 0.7;

export interface LocalLanguageModelOptions extends Omit<EnsureModelOptions, 'signal'> {
  settings?: LocalRuntimeSettings;
}

/**
 * An in-process llama.cpp model (node-llama-cpp) as an AI SDK language model: text, streaming, and JSON output
 * constrained by a grammar made from the call's JSON Schema, so structured replies always parse.
 *
 * The file is found (or downloaded) and loaded on the first call, once per process. Each context sequence keeps
 * what it last evaluated, and a call goes to the idle sequence sharing the longest prompt prefix, so the stable
 * part of a prompt is evaluated once per session, not on every turn. Usage reports the reused prompt tokens as
 * `inputTokens.cacheRead`.
 * @example const model = createLocalLanguageModel('./models/tiny.gguf', { env: process.env });
 */
export function createLocalLanguageModel(modelId: string, options: LocalLanguageModelOptions): LanguageModelV3 {
  return new LocalLanguageModel(modelId, options);
}

class LocalLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';
  readonly supportedUrls = {};
  private hostPromise?: Promise<LocalModelHost>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(readonly modelId: string, private readonly options: LocalLanguageModelOptions) {}

  private host(): Promise<LocalModelHost> {
    this.hostPromise ??= (async () => {
      const path = await ensureLocalModel(this.modelId, this.options);
      return localModelHost(path, this.options.settings ?? {}, `local:${this.modelId}`);
    })().catch((error: unknown) => {
      this.hostPromise = undefined;
      throw error;
    });
    return this.hostPromise;
  }

  async doGenerate(call: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const prepared = await this.prepare(call);
    const outcome = await this.generate(prepared, call);
    const content: LanguageModelV3Content[] = [];
    if (outcome.reasoning) content.push({ type: 'reasoning', text: outcome.reasoning });
    content.push({ type: 'text', text: outcome.text });
    return {
      content,
      finishReason: outcome.finishReason,
      usage: outcome.usage,
      warnings: prepared.warnings,
      response: { modelId: this.modelId, timestamp: new Date() },
      providerMetadata: { local: { reusedPromptTokens: outcome.usage.inputTokens.cacheRead ?? 0 } },
    };
  }

  async doStream(call: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const prepared = await this.prepare(call);
    // A reader that cancels the stream stops the generation and frees its sequence for the next call.
    const stop = new AbortController();
    const signal = call.abortSignal ? AbortSignal.any([call.abortSignal, stop.signal]) : stop.signal;
    let textStarted = false;
    let reasoningStarted = false;
    let open = true;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start: (controller) => {
        const send = (part: LanguageModelV3StreamPart) => { if (open) controller.enqueue(part); };
        send({ type: 'stream-start', warnings: prepared.warnings });
        send({ type: 'response-metadata', modelId: this.modelId, timestamp: new Date() });
        const emit = (kind: 'text' | 'reasoning', delta: string) => {
          if (!delta) return;
          if (kind === 'text' && !textStarted) { textStarted = true; send({ type: 'text-start', id: 'text' }); }
          if (kind === 'reasoning' && !reasoningStarted) { reasoningStarted = true; send({ type: 'reasoning-start', id: 'reasoning' }); }
          send(kind === 'text' ? { type: 'text-delta', id: 'text', delta } : { type: 'reasoning-delta', id: 'reasoning', delta });
        };
        this.generate(prepared, { ...call, abortSignal: signal }, emit).then((outcome) => {
          if (reasoningStarted) send({ type: 'reasoning-end', id: 'reasoning' });
          if (textStarted) send({ type: 'text-end', id: 'text' });
          send({
            type: 'finish', finishReason: outcome.finishReason, usage: outcome.usage,
            providerMetadata: { local: { reusedPromptTokens: outcome.usage.inputTokens.cacheRead ?? 0 } },
          });
        }, (error: unknown) => send({ type: 'error', error })).finally(() => {
          if (open) controller.close();
          open = false;
        });
      },
      cancel: () => {
        open = false;
        stop.abort(new Error('the stream was cancelled'));
      },
    });
    return { stream };
  }

  private async prepare(call: LanguageModelV3CallOptions): Promise<Prepared> {
    const host = await this.host();
    const warnings: SharedV3Warning[] = [];
    const history = toChatHistory(call.prompt, warnings);
    if (call.tools?.length) warnings.push({ type: 'unsupported', feature: 'tools', details: 'local models answer in text or JSON; tools are ignored' });
    let grammar: LlamaGrammar | undefined;
    if (call.responseFormat?.type === 'json') grammar = await this.grammarFor(host, call.responseFormat.schema, warnings);
    return { host, history, grammar, warnings };
  }

  private grammarFor(host: LocalModelHost, schema: JSONSchema7 | undefined, warnings: SharedV3Warning[]): Promise<LlamaGrammar> {
    if (!schema) return host.llama.getGrammarFor('json');
    const converted = toGrammarSchema(schema);
    if (converted.dropped.length > 0) {
      warnings.push({ type: 'unsupported', feature: 'JSON Schema keywords', details: `not enforced by the grammar: ${converted.dropped.join(', ')}` });
    }
    const key = JSON.stringify(converted.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // The schema is built at run time, so its literal type (which the method infers from) is unknown.
      grammar = host.llama.createGrammarForJsonSchema(converted.schema as never);
      grammar.catch(() => this.grammars.delete(key));
      if (this.grammars.size >= 64) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private async generate(prepared: Prepared, call: LanguageModelV3CallOptions, emit?: (kind: 'text' | 'reasoning', delta: string) => void): Promise<Outcome> {
    const { host, history, grammar } = prepared;
    const promptKey = JSON.stringify(history);
    const slot = await host.acquire(promptKey, call.abortSignal);
    try {
      if (this.options.settings?.reusePrefix === false) await slot.sequence.clearHistory();
      const before = slot.sequence.tokenMeter.getState();
      let reasoning = '';
      const response = await slot.chat.generateResponse(history, {
        signal: call.abortSignal,
        stopOnAbortSignal: false,
        maxTokens: call.maxOutputTokens,
        temperature: call.temperature ?? LOCAL_DEFAULT_TEMPERATURE,
        topP: call.topP,
        topK: call.topK,
        seed: call.seed,
        grammar,
        customStopTriggers: call.stopSequences?.length ? call.stopSequences : undefined,
        ...(call.presencePenalty !== undefined || call.frequencyPenalty !== undefined
          ? { repeatPenalty: { presencePenalty: call.presencePenalty, frequencyPenalty: call.frequencyPenalty } }
          : {}),
        onResponseChunk: (chunk) => {
          if (chunk.type === 'segment') {
            if (chunk.segmentType === 'thought') { reasoning += chunk.text; emit?.('reasoning', chunk.text); }
          } else emit?.('text', chunk.text);
        },
      });
      slot.lastPrompt = JSON.stringify([...history, { type: 'model', response: [response.response] }]);
      return { text: response.response, reasoning, finishReason: finishReasonOf(response), usage: usageOf(slot, before) };
    } catch (error) {
      // What the sequence holds is unknown after a failure: no prefix is promised to the next call.
      slot.lastPrompt = '';
      if (call.abortSignal?.aborted) throw call.abortSignal.reason ?? error;
      throw contextOverflow(error, `local:${this.modelId}`, host.context.contextSize) ?? error;
    } finally {
      host.release(slot);
    }
  }
}

interface Prepared {
  host: LocalModelHost;
  history: ChatHistoryItem[];
  grammar?: LlamaGrammar;
  warnings: SharedV3Warning[];
}

interface Outcome {
  text: string;
  reasoning: string;
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
}

/** The AI SDK prompt as node-llama-cpp chat history; a final assistant message is continued, not answered. */
export function toChatHistory(prompt: LanguageModelV3CallOptions['prompt'], warnings: SharedV3Warning[] = []): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const unsupported = new Set<string>();
  for (const message of prompt) {
    if (message.role === 'system') {
      history.push({ type: 'system', text: message.content });
    } else if (message.role === 'user') {
      const texts: string[] = [];
      for (const part of message.content) {
        if (part.type === 'text') texts.push(part.text);
        else unsupported.add(`${part.type} parts`);
      }
      history.push({ type: 'user', text: texts.join('\n') });
    } else if (message.role === 'assistant') {
      const texts: string[] = [];
      for (const part of message.content) {
        if (part.type === 'text') texts.push(part.text);
        else if (part.type !== 'reasoning') unsupported.add(`${part.type} parts`);
      }
      history.push({ type: 'model', response: [texts.join('')] });
    } else {
      unsupported.add('tool messages');
    }
  }
  for (const feature of unsupported) warnings.push({ type: 'unsupported', feature, details: 'local models read text only; dropped from the prompt' });
  return history;
}

/**
 * llama.cpp's failures when a prompt and its reply outgrow the context ("Failed to compress chat history for context
 * shift...", "The context size is too small...") as an error that says which numbers to change. The engine's budget
 * keeps prompts within the context, so this only happens when the budget was set around it.
 */
export function contextOverflow(error: unknown, spec: string, contextSize: number): LlmError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/context shift|context size is too small|too long prompt/i.test(message)) return undefined;
  return new LlmError(
    'llm/context-overflow',
    `${spec}: the prompt and its reply do not fit in the model's ${contextSize}-token context (llama.cpp: ${message.split('. ')[0]}). ` +
      `Leave --context-tokens unset (the budget then follows the model's context) or set it at most ${contextSize}, ` +
      'or give the model a longer context with DRAMATIS_LOCAL_CONTEXT (up to what it was trained for)',
    { model: spec, cause: error },
  );
}

function finishReasonOf(response: LlamaChatResponse): LanguageModelV3FinishReason {
  const raw = response.metadata.stopReason;
  if (raw === 'maxTokens') return { unified: 'length', raw };
  if (raw === 'abort') return { unified: 'other', raw };
  return { unified: 'stop', raw };
}

/** Token counts from the sequence's meter: what was evaluated anew, and what the kept prefix saved. */
function usageOf(slot: Slot, before: { usedInputTokens: number; usedOutputTokens: number }): LanguageModelV3Usage {
  const after = slot.sequence.tokenMeter.getState();
  const output = after.usedOutputTokens - before.usedOutputTokens;
  const evaluated = after.usedInputTokens - before.usedInputTokens;
  const prompt = Math.max(evaluated, slot.sequence.contextTokens.length - output);
  return {
    inputTokens: { total: prompt, noCache: evaluated, cacheRead: prompt - evaluated, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}
