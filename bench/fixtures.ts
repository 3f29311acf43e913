import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { Character, type Lorebook } from '../src/character/schema.ts';
import { seededGenerator } from '../src/eval/stats.ts';

/** Deterministic pseudo-random numbers (mulberry32), so every bench run sees the same texts. */
export const seededRandom = seededGenerator;

const words = ('the forest glade lantern river stone shadow wolf healer wound path village north ancient oak ' +
  'moon silver promise storm bridge mountain whisper herb fire night morning road traveller blade cloak ' +
  'tower bell harbour ship salt sea wind gull cliff secret letter keeper lamp oil smugglers guard').split(' ');

export function sentence(random: () => number, minWords: number, maxWords: number): string {
  const n = minWords + Math.floor(random() * (maxWords - minWords + 1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(words[Math.floor(random() * words.length)]);
  return `${out.join(' ')}.`;
}

/** The proper names a bench lorebook is keyed on; texts mention them now and then, as real chats do. */
export const loreNames = Array.from({ length: 50 }, (_, i) => `${words[i % words.length][0].toUpperCase()}${words[i % words.length].slice(1)}hold${i}`);

/** A 50-entry lorebook with three keys per entry (a name, a regex, a two-word phrase), like a mid-sized community world. */
export function lorebook(entries = 50): Lorebook {
  return {
    name: 'Bench world', extensions: {}, scan_depth: 4, token_budget: 1024,
    entries: Array.from({ length: entries }, (_, i) => ({
      keys: [loreNames[i], `/\\bkeep(er)?s? of ${i}\\b/i`, `old ${words[(i * 7) % words.length]} ${i}`],
      content: `${loreNames[i]}: ${'a place with a long history, its people and its quarrels. '.repeat(3)}`,
      extensions: {}, enabled: true, insertion_order: i, use_regex: false, id: i,
    })),
  };
}

/** A user line that names a lore entry about one time in four. */
export function userLine(random: () => number): string {
  const text = sentence(random, 10, 40);
  return random() < 0.25 ? `${text} What about ${loreNames[Math.floor(random() * loreNames.length)]}?` : text;
}

export function benchCharacter(book?: Lorebook): Character {
  return Character.parse({
    name: 'Seraphina', description: 'A guardian of the forest glade. '.repeat(20), personality: 'kind, protective, wise',
    scenario: 'The traveller wakes in her glade after a wolf attack.', first_mes: 'You are awake at last, {{user}}.',
    mes_example: '<START>\n{{user}}: Who are you?\n{{char}}: *smiles* I am Seraphina, the guardian of this glade.',
    creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '',
    character_version: '', extensions: {}, group_only_greetings: [], character_book: book,
    bigFive: { openness: 0.7, conscientiousness: 0.8, extraversion: 0.4, agreeableness: 0.9, neuroticism: 0.2 },
  });
}

const usage = { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } };

/** A model whose replies cost no time: its stream is complete before the engine reads it. */
export function instantModel(reply: () => string, summary = () => 'They talked about the forest and the road north.'): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doStream: async () => ({
      stream: simulateReadableStream({
        initialDelayInMs: null, chunkDelayInMs: null,
        chunks: [
          { type: 'text-start' as const, id: 't' },
          { type: 'text-delta' as const, id: 't', delta: reply() },
          { type: 'text-end' as const, id: 't' },
          { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage },
        ],
      }),
    }),
    doGenerate: async () => ({ content: [{ type: 'text' as const, text: summary() }], finishReason: { unified: 'stop' as const, raw: 'stop' }, usage, warnings: [] }),
  });
}

export function turnReply(random: () => number): string {
  return JSON.stringify({
    thought: { belief: sentence(random, 8, 14), intention: sentence(random, 6, 10), desire: sentence(random, 4, 8), emotion: 'calm', knowledge: sentence(random, 6, 10) },
    action: sentence(random, 4, 8),
    speech: `${sentence(random, 15, 40)} ${sentence(random, 10, 30)}`,
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
