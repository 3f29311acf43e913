import os from 'node:os';
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { LlmError } from '../errors.ts';
import { formatBytes } from './download.ts';
import { checkGgufFile, type GgufHeader } from './gguf.ts';

type NodeLlamaCpp = typeof import('node-llama-cpp');

/** How a local model runs; every field has a default, and `DRAMATIS_LOCAL_*` variables set them from outside. */
export interface LocalRuntimeSettings {
  /** Tokens per sequence: the prompt and the reply together (default min(8192, the model's trained context)). */
  contextSize?: number;
  /**
   * Context sequences kept warm (default 1). Each keeps its own prompt prefix between calls, so a scene with
   * three characters keeps all three warm with 3; each costs one context's worth of memory.
   */
  sequences?: number;
  /** CPU threads (default: llama.cpp's choice, the machine's math cores). */
  threads?: number;
  /** `auto` (default) uses CUDA, Vulkan or Metal when a build for it is installed, else the CPU; false forces the CPU. */
  gpu?: 'auto' | 'cuda' | 'vulkan' | 'metal' | false;
  /** False evaluates every prompt from its first token, as a server without a prompt cache does (for measuring). */
  reusePrefix?: boolean;
}

/** Settings from `DRAMATIS_LOCAL_CONTEXT`, `_SEQUENCES`, `_THREADS` and `_GPU`; explicit settings win. */
export function localSettingsFrom(env: Readonly<Record<string, string | undefined>>, explicit: LocalRuntimeSettings = {}): LocalRuntimeSettings {
  const integer = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new LlmError('llm/bad-spec', `${name} must be a positive whole number, got "${raw}"`);
    return value;
  };
  const gpuRaw = env.DRAMATIS_LOCAL_GPU?.trim().toLowerCase();
  let gpu: LocalRuntimeSettings['gpu'];
  if (gpuRaw) {
    if (gpuRaw === 'false' || gpuRaw === 'cpu' || gpuRaw === 'off') gpu = false;
    else if (gpuRaw === 'auto' || gpuRaw === 'cuda' || gpuRaw === 'vulkan' || gpuRaw === 'metal') gpu = gpuRaw;
    else throw new LlmError('llm/bad-spec', `DRAMATIS_LOCAL_GPU must be auto, cuda, vulkan, metal or cpu, got "${gpuRaw}"`);
  }
  return {
    contextSize: explicit.contextSize ?? integer('DRAMATIS_LOCAL_CONTEXT'),
    sequences: explicit.sequences ?? integer('DRAMATIS_LOCAL_SEQUENCES'),
    threads: explicit.threads ?? integer('DRAMATIS_LOCAL_THREADS'),
    gpu: explicit.gpu ?? gpu,
    reusePrefix: explicit.reusePrefix,
  };
}

/** The context a local model runs with: `DRAMATIS_LOCAL_CONTEXT` (or the setting), else 8,192, never more than it was trained for. */
export function localContextSize(trainedContext: number | undefined, settings: Pick<LocalRuntimeSettings, 'contextSize'>): number {
  const wanted = settings.contextSize ?? DEFAULT_LOCAL_CONTEXT;
  return trainedContext && trainedContext > 0 ? Math.min(wanted, trainedContext) : wanted;
}

/** The context a local model runs with when nothing says otherwise (and the model was trained for at least as much). */
export const DEFAULT_LOCAL_CONTEXT = 8192;

/** One context sequence with the chat that drives it, and the prompt it last evaluated. */
export interface Slot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  /** The rendered prompt of the last call, to find the slot sharing the longest prefix with the next one. */
  lastPrompt: string;
  lastUsed: number;
  busy: boolean;
}

/** A loaded model and its warm sequences. */
export interface LocalModelHost {
  binding: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Waits for an idle sequence, choosing the one whose last prompt shares the longest prefix with `prompt`. */
  acquire(prompt: string, signal?: AbortSignal): Promise<Slot>;
  release(slot: Slot): void;
  dispose(): Promise<void>;
}

let bindingPromise: Promise<NodeLlamaCpp> | undefined;
const llamas = new Map<string, Promise<Llama>>();
const hosts = new Map<string, Promise<LocalModelHost>>();

/**
 * Imports node-llama-cpp once; an install without it gets a message saying how to add it.
 * `importer` replaces the import (tests); it is not remembered.
 */
export function loadBinding(importer?: () => Promise<NodeLlamaCpp>): Promise<NodeLlamaCpp> {
  if (importer) return importer().catch((error: unknown) => { throw runtimeMissing(error); });
  bindingPromise ??= import('node-llama-cpp').catch((error: unknown) => {
    bindingPromise = undefined;
    throw runtimeMissing(error);
  });
  return bindingPromise;
}

function runtimeMissing(error: unknown): LlmError {
  return new LlmError(
      'llm/local-runtime-missing',
      'local models need node-llama-cpp, which is not installed here (it is an optional dependency; ' +
        `npm skips it where it cannot install: ${(error as Error).message.split('\n')[0]}). ` +
        'Install it with `npm install -E node-llama-cpp@3.21.1`, or use a model server instead: ' +
        '--model ollama:NAME, --model openai-compatible:NAME with --base-url, or an API key with --model openai:gpt-4o-mini',
      { cause: error },
    );
}

async function llamaFor(binding: NodeLlamaCpp, gpu: LocalRuntimeSettings['gpu']): Promise<Llama> {
  const key = String(gpu ?? 'auto');
  let llama = llamas.get(key);
  if (!llama) {
    llama = binding.getLlama({ gpu: gpu ?? 'auto', build: 'never', logLevel: binding.LlamaLogLevel.error, progressLogs: false }).catch((error: unknown) => {
      llamas.delete(key);
      throw new LlmError(
        'llm/local-runtime-missing',
        `node-llama-cpp has no prebuilt llama.cpp binary for ${process.platform}-${process.arch}${gpu ? ` with ${gpu}` : ''} ` +
          `(${(error as Error).message.split('\n')[0]}). Build one with \`npx --no node-llama-cpp source download\`` +
          `${gpu && gpu !== 'auto' ? ` --gpu ${gpu}` : ''}, or set DRAMATIS_LOCAL_GPU=cpu`,
        { cause: error },
      );
    });
    llamas.set(key, llama);
  }
  return llama;
}

/**
 * The loaded model at `path` with its context: loaded once per process and settings, shared by every model
 * object naming the same file.
 */
export function localModelHost(path: string, settings: LocalRuntimeSettings, spec: string): Promise<LocalModelHost> {
  // reusePrefix is a per-call choice, not a property of the loaded model.
  const key = JSON.stringify([path, settings.contextSize, settings.sequences, settings.threads, settings.gpu]);
  let host = hosts.get(key);
  if (!host) {
    host = openHost(path, settings, spec).catch((error: unknown) => {
      hosts.delete(key);
      throw error;
    });
    hosts.set(key, host);
  }
  return host;
}

const vocabularies = new Map<string, Promise<{ model: LlamaModel; framing: number }>>();

/**
 * Counts tokens as the model at `path` does, from its vocabulary alone (llama.cpp's vocab-only load: no weights
 * are read), so that prompt budgets hold for byte-level and other vocabularies far from OpenAI's. A text is counted
 * as a message's content: with what the model's chat template puts around a message beyond the
 * `includedFraming` tokens the engine already charges per message.
 * @example const count = await localTokenCounter('./model.gguf', {}, 8); count('Hello there') // 3
 */
export async function localTokenCounter(path: string, settings: Pick<LocalRuntimeSettings, 'gpu'>, includedFraming = 0): Promise<(text: string) => number> {
  let vocabulary = vocabularies.get(path);
  if (!vocabulary) {
    vocabulary = (async () => {
      const binding = await loadBinding();
      const llama = await llamaFor(binding, settings.gpu);
      const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
      return { model, framing: messageFraming(binding, model) };
    })().catch((error: unknown) => {
      vocabularies.delete(path);
      throw error;
    });
    vocabularies.set(path, vocabulary);
  }
  const { model, framing } = await vocabulary;
  const extra = Math.max(0, framing - includedFraming);
  return (text) => (text.length === 0 ? extra : model.tokenize(text, false).length + extra);
}

/** Tokens the model's chat template adds around one message (the mean of a user and a model message, rounded up). */
function messageFraming(binding: NodeLlamaCpp, model: LlamaModel): number {
  try {
    const wrapper = binding.resolveChatWrapper(model);
    const render = (history: ChatHistoryItem[]) => wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
    const base: ChatHistoryItem[] = [{ type: 'system', text: 'a' }, { type: 'user', text: 'b' }, { type: 'model', response: ['c'] }];
    const more: ChatHistoryItem[] = [...base, { type: 'user', text: 'd' }, { type: 'model', response: ['e'] }];
    const contents = model.tokenize('d', false).length + model.tokenize('e', false).length;
    return Math.ceil((render(more) - render(base) - contents) / 2);
  } catch {
    // A template node-llama-cpp cannot render: the usual ChatML-like framing, generously.
    return 12;
  }
}

/** Unloads every local model of this process (tests, and a CLI before it exits). */
export async function disposeLocalModels(): Promise<void> {
  const open = [...hosts.values()];
  hosts.clear();
  const loadedVocabularies = [...vocabularies.values()];
  vocabularies.clear();
  await Promise.allSettled(loadedVocabularies.map(async (vocabulary) => (await vocabulary).model.dispose()));
  await Promise.allSettled(open.map(async (host) => (await host).dispose()));
  const runtimes = [...llamas.values()];
  llamas.clear();
  await Promise.allSettled(runtimes.map(async (llama) => (await llama).dispose()));
}

async function openHost(path: string, settings: LocalRuntimeSettings, spec: string): Promise<LocalModelHost> {
  const header = await checkGgufFile(path);
  const binding = await loadBinding();
  const llama = await llamaFor(binding, settings.gpu);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw loadFailure(error, binding, spec, `load ${path}`);
  }
  const contextSize = localContextSize(header.contextLength ?? model.trainContextSize, settings);
  const sequences = settings.sequences ?? 1;
  const tooLarge = (needed: number | undefined, cause?: unknown) => new LlmError(
    'llm/not-enough-memory',
    `${spec}: a context of ${contextSize} tokens × ${sequences} sequence${sequences === 1 ? '' : 's'} needs about ` +
      `${needed === undefined ? 'more memory' : formatBytes(needed)} beside the model, and this machine has ${formatBytes(os.freemem())} ` +
      'free: set DRAMATIS_LOCAL_CONTEXT lower (e.g. 4096) or DRAMATIS_LOCAL_SEQUENCES=1, or use a smaller model',
    { model: spec, cause },
  );
  // Checked before llama.cpp allocates: on a CPU it may not refuse a context larger than memory, and the
  // kernel then kills the process.
  const needed = kvCacheBytes(header, contextSize * sequences);
  if (needed !== undefined && needed > os.freemem()) {
    await model.dispose().catch(() => {});
    throw tooLarge(needed);
  }
  let context: LlamaContext;
  try {
    context = await model.createContext({ contextSize, sequences, ...(settings.threads ? { threads: settings.threads } : {}) });
  } catch (error) {
    await model.dispose().catch(() => {});
    if (error instanceof binding.InsufficientMemoryError) throw tooLarge(needed, error);
    throw loadFailure(error, binding, spec, `create a ${contextSize}-token context for ${path}`);
  }
  return createHost(binding, llama, model, context);
}

/**
 * The KV cache of `tokens` positions at 16 bits: layers × KV heads × (key + value width) × 2 bytes per token.
 * An upper bound for sliding-window models; undefined when the header lacks the sizes.
 */
export function kvCacheBytes(header: GgufHeader, tokens: number): number | undefined {
  const arch = header.architecture;
  const number = (key: string) => {
    const value = header.metadata[`${arch}.${key}`];
    return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
  };
  const layers = number('block_count');
  const embedding = number('embedding_length');
  const heads = number('attention.head_count');
  const kvHeads = number('attention.head_count_kv') ?? heads;
  if (!layers || !embedding || !heads || !kvHeads) return undefined;
  const keyWidth = number('attention.key_length') ?? embedding / heads;
  const valueWidth = number('attention.value_length') ?? embedding / heads;
  return tokens * layers * kvHeads * (keyWidth + valueWidth) * 2;
}

function loadFailure(error: unknown, binding: NodeLlamaCpp, spec: string, what: string): LlmError {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof binding.InsufficientMemoryError) {
    return new LlmError('llm/not-enough-memory', `${spec}: not enough memory to ${what} (${message}); ${formatBytes(os.freemem())} free`, { model: spec, cause: error });
  }
  return new LlmError('llm/bad-model-file', `${spec}: llama.cpp could not ${what}: ${message}`, { model: spec, cause: error });
}

function createHost(binding: NodeLlamaCpp, llama: Llama, model: LlamaModel, context: LlamaContext): LocalModelHost {
  const slots: Slot[] = [];
  for (let index = 0; index < context.totalSequences; index++) {
    const sequence = context.getSequence();
    slots.push({ sequence, chat: new binding.LlamaChat({ contextSequence: sequence }), lastPrompt: '', lastUsed: 0, busy: false });
  }
  const waiting: (() => void)[] = [];
  let clock = 0;
  return {
    binding, llama, model, context,
    async acquire(prompt, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const idle = slots.filter((slot) => !slot.busy);
        if (idle.length > 0) {
          const slot = bestSlot(idle, prompt);
          slot.busy = true;
          slot.lastUsed = ++clock;
          return slot;
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    release(slot) {
      slot.busy = false;
      // Every waiter looks again: one woken alone might have been cancelled meanwhile and pass the turn to no one.
      for (const wake of waiting.splice(0)) wake();
    },
    async dispose() {
      await context.dispose().catch(() => {});
      await model.dispose().catch(() => {});
    },
  };
}

/** A slot is reused for its prefix only if the new prompt keeps at least this share of what it holds. */
const MIN_KEPT_SHARE = 0.5;

/**
 * The idle slot whose last prompt the new one mostly continues (the longest shared prefix, if it keeps at least
 * half of that slot's prompt), else the one used longest ago, so another conversation's warm prefix survives.
 */
function bestSlot(idle: Slot[], prompt: string): Slot {
  let best: Slot | undefined;
  let bestShared = 0;
  for (const slot of idle) {
    const shared = sharedPrefix(slot.lastPrompt, prompt);
    if (slot.lastPrompt && shared >= slot.lastPrompt.length * MIN_KEPT_SHARE && shared > bestShared) {
      best = slot;
      bestShared = shared;
    }
  }
  return best ?? idle.reduce((oldest, slot) => (slot.lastUsed < oldest.lastUsed ? slot : oldest));
}

function sharedPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}
