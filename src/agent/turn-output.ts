import { z } from 'zod';
import { extractJsonObject, stripReasoning } from '../llm/index.ts';

const thoughtField = (what: string) => z.string().describe(what);

/** The hidden mental state a character verbalizes before it acts (belief, intention, desire, emotion, knowledge). */
export const Thought = z.object({
  belief: thoughtField('What you believe is true right now about the situation and the others.'),
  intention: thoughtField('What you intend to do with this reply.'),
  desire: thoughtField('What you want, deep down.'),
  emotion: thoughtField('What you feel right now.'),
  knowledge: thoughtField('What you know that matters here, and what you do not or cannot know.'),
});
export type Thought = z.infer<typeof Thought>;

/** One turn of a character, in the order the model must produce it: think, then act, then speak. */
export const TurnOutput = z.object({
  thought: Thought,
  action: z.string().describe('A short physical action in third person, or an empty string for none.'),
  // minLength in the JSON Schema: servers and local grammars that enforce schemas never produce an empty speech.
  speech: z.string().min(1).describe('Exactly what you say aloud, in character. Never empty.'),
});
export type TurnOutput = z.infer<typeof TurnOutput>;

export type OutputMode = 'json' | 'tagged';

/** What a character in a scene may add to its turn: whisper to one other, or leave the scene. */
export interface SceneMoves {
  /** Cast members this character may whisper to (never empty in a scene of two or more). */
  whisperTo: string[];
  /** Whether the character may leave the scene. */
  canLeave: boolean;
}

/** A turn with the scene moves: `to` is '' (everyone hears) or one name (a whisper only they hear). */
export interface SceneTurnOutput extends TurnOutput {
  to: string;
  leave: boolean;
}

/** The zod schema of a turn, with the scene moves when a scene allows them. */
export function turnSchema(moves?: SceneMoves): z.ZodType<TurnOutput | SceneTurnOutput> {
  if (!moves) return TurnOutput;
  return TurnOutput.extend({
    to: z.enum(['', ...moves.whisperTo]).describe('"" to speak to everyone present, or one name to whisper to: only that person hears the speech.'),
    leave: z.boolean().describe(moves.canLeave ? 'true if your character leaves the scene with this turn, else false.' : 'Always false.'),
  });
}

/** A thought as `key: value` lines: the text of a stored thought event, and how UIs show one while it streams. */
export function thoughtText(thought: Thought): string {
  return Object.entries(thought).map(([key, value]) => `${key}: ${value}`).join('\n');
}

const thoughtKeys = Object.keys(Thought.shape) as (keyof Thought)[];

/** A parsed turn: `to` and `leave` are present when the turn was asked with scene moves. */
export type ParsedTurn = TurnOutput & { to?: string; leave?: boolean };

export type ParseResult = { ok: true; output: ParsedTurn } | { ok: false; error: string };

/** Parses a JSON-mode reply (see `extractJsonObject`) against the turn schema. */
export function parseJsonOutput(raw: string, schema: z.ZodType<TurnOutput> = TurnOutput): ParseResult {
  const extracted = extractJsonObject(raw);
  return extracted.ok ? validate(extracted.value, schema) : extracted;
}

/** Parses a tagged-text reply: <thought> with `key: value` lines, optional <action>, and <speech> (and <to>, <leave> in scenes). */
export function parseTaggedOutput(raw: string, schema: z.ZodType<TurnOutput> = TurnOutput): ParseResult {
  const text = stripReasoning(raw);
  const tag = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)(?:</${name}>|$)`, 'i').exec(text)?.[1]?.trim();
  const thoughtText = tag('thought') ?? '';
  const thought: Record<string, string> = {};
  for (const key of thoughtKeys) {
    const inner = tag(key);
    const line = new RegExp(`^\\s*${key}\\s*:\\s*(.*)$`, 'im').exec(thoughtText)?.[1];
    thought[key] = (inner ?? line ?? '').trim();
  }
  const speech = tag('speech');
  if (speech === undefined) return { ok: false, error: 'the reply has no <speech>…</speech> part' };
  const moves = schema === TurnOutput ? {} : { to: tag('to') ?? '', leave: /^(yes|true)$/i.test(tag('leave') ?? '') };
  return validate({ thought, action: tag('action') ?? '', speech, ...moves }, schema);
}

function validate(value: unknown, schema: z.ZodType<TurnOutput>): ParseResult {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, error: `the reply does not match the turn schema (${problems.join('; ')})` };
  }
  if (parsed.data.speech.trim() === '') return { ok: false, error: 'the reply has an empty speech' };
  return { ok: true, output: parsed.data };
}

/** Format instructions for the system prompt, per output mode (with the scene moves when given). */
export function outputInstructions(mode: OutputMode, moves?: SceneMoves): string {
  const sceneRules = moves ? [
    `To whisper, set "to" to one name (${moves.whisperTo.join(', ')}): only that person hears your speech, though others may see you whisper. Otherwise "to" is "".`,
    moves.canLeave ? 'Set "leave" to true only when your character walks out of the scene for good; else false.' : '"leave" is always false.',
  ] : [];
  if (mode === 'json') {
    const keys = moves ? ', "action": "...", "speech": "...", "to": "", "leave": false}' : ', "action": "...", "speech": "..."}';
    return [
      'Reply with one JSON object and nothing else, with the keys in this order:',
      `{"thought": {"belief": "...", "intention": "...", "desire": "...", "emotion": "...", "knowledge": "..."}${keys}`,
      'The thought is private: nobody else ever sees it. "action" is a short physical action in third person, or "" for none. "speech" is exactly what you say aloud.',
      ...sceneRules,
    ].join('\n');
  }
  return [
    'Reply in exactly this tagged format and nothing else:',
    '<thought>',
    'belief: ...', 'intention: ...', 'desire: ...', 'emotion: ...', 'knowledge: ...',
    '</thought>',
    '<action>a short physical action in third person, or leave empty</action>',
    '<speech>exactly what you say aloud</speech>',
    ...(moves ? ['<to>a name to whisper to, or leave empty</to>', '<leave>yes or no</leave>'] : []),
    'The thought is private: nobody else ever sees it.',
    ...sceneRules.map((rule) => rule.replace(/"to"/g, '<to>').replace(/"leave" to true/, '<leave> to yes').replace(/"leave" is always false/, '<leave> is always no').replace(/; else false/, '; else no').replace(/Otherwise <to> is ""/, 'Otherwise leave <to> empty')),
  ].join('\n');
}
