import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import { structuredText } from '../llm/index.ts';
import { z } from 'zod';
import { EMOTIONS } from '../memory-model/index.ts';

/** The scorer's answer: a short analysis and a 1–10 score per emotion, analysis first (as Emotional RAG asks). */
export const EmotionReply = z.object({
  emotions: z.array(z.object({
    analysis: z.string(),
    dim: z.enum(EMOTIONS),
    score: z.number().int().min(1).max(10),
  })),
});

const EMOTION_SCHEMA = z.toJSONSchema(EmotionReply);

/** The instruction of Emotional RAG's scorer, in English, for one character's line or memory. */
export function emotionPrompt(character: string): string {
  return [
    'You are a master of emotion analysis who carefully tells the emotional state of each character in a dialogue.',
    `Every character has 8 basic emotions: ${EMOTIONS.join(', ')}.`,
    `I will give you some text involving ${character}. Score how strongly ${character} expresses each of the 8 emotions,`,
    'from 1 (not expressed) to 10 (expressed most strongly). For each emotion give a short reason, then the score.',
    'Answer as JSON: {"emotions": [{"analysis": REASON, "dim": "joy", "score": SCORE}, ...]} with all 8 emotions,',
    'and nothing else. Give results that are as accurate as possible and match most people\'s intuition.',
  ].join('\n');
}

/**
 * The eight scores in a scorer's reply: `{"emotions": [...]}` or a bare list, as JSON, perhaps fenced or with
 * prose around it. A missing emotion scores 1, as in Emotional RAG; a reply with no readable scores gives
 * undefined (the memory stays without an emotion, still recalled by meaning or words).
 */
export function parseEmotionReply(text: string): number[] | undefined {
  const list = readList(text);
  if (!list) return undefined;
  const vector: number[] = EMOTIONS.map(() => 1);
  let found = 0;
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const { dim, score } = item as { dim?: unknown; score?: unknown };
    const index = typeof dim === 'string' ? EMOTIONS.indexOf(normaliseDim(dim)) : -1;
    const value = typeof score === 'string' ? Number(score) : score;
    if (index === -1 || typeof value !== 'number' || !Number.isFinite(value)) continue;
    vector[index] = Math.min(10, Math.max(1, value));
    found++;
  }
  return found > 0 ? vector : undefined;
}

function normaliseDim(dim: string): (typeof EMOTIONS)[number] {
  const lower = dim.trim().toLowerCase();
  return (lower === 'trust' ? 'acceptance' : lower) as (typeof EMOTIONS)[number];
}

function readList(text: string): unknown[] | undefined {
  const candidates = [text.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1), text.slice(text.indexOf('['), text.lastIndexOf(']') + 1)];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const value = JSON.parse(candidate) as unknown;
      if (Array.isArray(value)) return value;
      if (value && typeof value === 'object' && Array.isArray((value as { emotions?: unknown }).emotions)) return (value as { emotions: unknown[] }).emotions;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/**
 * Scores the emotion `character` expresses in `text` with a model, asking for JSON-schema output. A model error
 * is thrown (the caller may retry or resume); an unreadable answer gives undefined. Identical requests are
 * answered by the model's response cache when it has one, so a text is scored once.
 * @example const emotion = await scoreEmotion(model, { character: 'Seraphina', text: 'The forest burned.' })
 */
export async function scoreEmotion(
  model: LanguageModelV3,
  input: { character: string; text: string },
  options: { abortSignal?: AbortSignal } = {},
): Promise<number[] | undefined> {
  const text = await structuredText(model, {
    prompt: [
      { role: 'system', content: emotionPrompt(input.character) },
      { role: 'user', content: [{ type: 'text', text: input.text }] },
    ],
    schema: { json: EMOTION_SCHEMA as JSONSchema7, name: 'emotions' },
    temperature: 0,
    abortSignal: options.abortSignal,
  });
  return parseEmotionReply(text);
}
