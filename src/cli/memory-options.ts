import { resolve } from 'node:path';
import { BIG_FIVE, type BigFiveDimension } from '../eval/index.ts';
import { EMOTIONS, STRATEGIES, type OwnerFilter, type Strategy } from '../memory-model/index.ts';
import { readInputText } from '../text/index.ts';
import { UsageError, type CliIo } from './io.ts';

// Parsers for the memory commands' option values; a bad value is a usage error (exit 2).

/** The memory flags shared by `memory import|search|eval|reembed`. */
export interface MemoryModelFlags {
  embeddingModel?: string;
  emotionModel?: string;
  baseUrl?: string;
  cache: boolean;
}

export interface OwnerFlags {
  owner?: string[];
  shared?: boolean;
}

/** `--owner U` (repeatable) and `--shared` as a filter; neither: undefined (every memory). */
export function ownerFilter(options: OwnerFlags): OwnerFilter | undefined {
  if (!options.owner?.length && !options.shared) return undefined;
  if (options.owner?.some((owner) => !owner.trim())) throw new UsageError('--owner needs a user name (use --shared for memories without one)');
  return [...(options.shared ? [null] : []), ...(options.owner ?? []).map((owner) => owner.trim())];
}

/** A recall strategy's name (`--strategy`, `--baseline`). */
export function strategyOption(value: string, flag: string, extra = ''): Strategy {
  if (!(STRATEGIES as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${STRATEGIES.join(', ')}${extra}, not '${value}'`);
  return value as Strategy;
}

/** `--weights w_sem,w_emo`. */
export function parseWeights(value: string): { semantic: number; emotion: number } {
  const [semantic, emotion, ...rest] = value.split(',').map((part) => Number(part.trim()));
  if (rest.length || ![semantic, emotion].every((w) => w !== undefined && Number.isFinite(w) && w >= 0)) {
    throw new UsageError(`--weights takes two non-negative numbers, w_sem,w_emo (e.g. 1,2), not '${value}'`);
  }
  return { semantic: semantic!, emotion: emotion! };
}

/** `--query-emotion`: eight scores from 1 to 10, in the order of EMOTIONS. */
export function parseEmotion(value: string): number[] {
  const scores = value.split(',').map((part) => Number(part.trim()));
  if (scores.length !== EMOTIONS.length || scores.some((score) => !Number.isFinite(score) || score < 1 || score > 10)) {
    throw new UsageError(`--query-emotion takes ${EMOTIONS.length} comma-separated scores from 1 to 10 (${EMOTIONS.join(', ')}), not '${value}'`);
  }
  return scores;
}

/** `--query-embedding`: a JSON array of numbers, or `@FILE` holding one. */
export async function parseEmbedding(value: string, io: CliIo, maxBytes: number | undefined): Promise<number[]> {
  const text = value.startsWith('@') ? await readInputText(resolve(io.cwd, value.slice(1)), { kind: 'data', maxBytes }) : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--query-embedding must be a JSON array of numbers (or @FILE holding one)');
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new UsageError('--query-embedding must be a JSON array of numbers (or @FILE holding one)');
  }
  return parsed as number[];
}

/** `--labels openness=0.8,neuroticism=0.3`: Big Five labels from 0 to 1. */
export function parseLabels(value: string): Partial<Record<BigFiveDimension, number>> {
  const labels: Partial<Record<BigFiveDimension, number>> = {};
  for (const pair of value.split(',')) {
    const [key, raw] = pair.split('=').map((part) => part.trim());
    const number = Number(raw);
    if (!(BIG_FIVE as readonly string[]).includes(key ?? '') || !Number.isFinite(number) || number < 0 || number > 1) {
      throw new UsageError(`--labels takes ${BIG_FIVE.join(', ')} each =0..1, comma-separated; '${pair}' is not one`);
    }
    labels[key as BigFiveDimension] = number;
  }
  return labels;
}
