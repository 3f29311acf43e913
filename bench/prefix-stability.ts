// Prefix stability over a 200-turn chat that overflows a 4,096-token budget: the mean share of each prompt
// that is an exact prefix of the next one, for Dramatis' block compaction and for "drop the oldest message".
import type { ModelMessage } from 'ai';
import { openChatSession } from '../src/scene/chat-session.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { countTokens } from '../src/text/tokens.ts';
import { benchCharacter, instantModel, lorebook, seededRandom, turnReply, userLine } from './fixtures.ts';

const TURNS = 200;
const BUDGET = 4096;
const REPLY_TOKENS = 512;

/** A prompt as a server's chat template would see it: one string, messages in order. */
const serialize = (messages: readonly ModelMessage[]) =>
  messages.map((m) => `<|${m.role}|>${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('');

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function meanPrefixShare(prompts: string[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < prompts.length; i++) sum += commonPrefix(prompts[i], prompts[i + 1]) / prompts[i].length;
  return sum / (prompts.length - 1);
}

const random = seededRandom(11);
const store = openSqliteStore(':memory:');
const model = instantModel(() => turnReply(random));
const session = await openChatSession({
  store, character: benchCharacter(lorebook(50)), model, sessionId: 'prefix', userName: 'Traveller',
  contextTokens: BUDGET, replyTokens: REPLY_TOKENS,
});
let compactions = 0;
for (let i = 0; i < TURNS; i++) await session.send(userLine(random), { onCompaction: () => { compactions += 1; } });
const blockPrompts = model.doStreamCalls.map((call) => serialize(call.prompt.map((m) => ({ role: m.role, content: JSON.stringify(m.content) }) as ModelMessage)));

// Baseline: the same conversation, trimmed to the same budget by dropping the oldest message each time it overflows.
const log = session.log;
const system = String(model.doStreamCalls[0].prompt[0].content);
const dropPrompts: string[] = [];
const history: ModelMessage[] = [];
for (const event of log) {
  if (event.kind === 'thought' || event.kind === 'action') continue;
  history.push({ role: event.actor === 'user' ? 'user' : 'assistant', content: event.text });
  if (event.actor !== 'user') continue;
  const tail = `Now take Seraphina's next turn: think, then act, then speak.`;
  const fixed = countTokens(system) + countTokens(tail) + REPLY_TOKENS;
  while (history.reduce((s, m) => s + countTokens(String(m.content)), 0) + fixed > BUDGET) history.shift();
  dropPrompts.push(serialize([{ role: 'system', content: system }, ...history, { role: 'user', content: tail }]));
}

const sizes = model.doStreamCalls.map((c) => countTokens(JSON.stringify(c.prompt)));
console.log(`prefix stability, ${TURNS}-turn chat, ${BUDGET}-token budget (${compactions} block compactions; prompt ~${Math.round(sizes.reduce((a, b) => a + b) / sizes.length)} tokens on average)`);
console.log(`  block compaction (Dramatis):  mean prefix share ${meanPrefixShare(blockPrompts).toFixed(3)}`);
console.log(`  drop the oldest message:      mean prefix share ${meanPrefixShare(dropPrompts).toFixed(3)}`);
await store.close();
