// The largest request against its budget when a long stored chat is continued: 2,000 turns written through the
// store, then one turn with `--context-tokens 8192` (issue 13 saw one 438,258-character summary request, ~110k
// tokens). Every request the engine makes (the summaries, their merges, the turn) is recorded and measured with
// the engine's token counter plus each message's framing; the model is instant, so only the requests count.
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { openChatSession } from '../src/scene/chat-session.ts';
import { openSqliteStore } from '../src/store/index.ts';
import type { NewEvent } from '../src/events/index.ts';
import * as tokens from '../src/text/tokens.ts';
import { benchCharacter, instantModel, seededRandom, sentence, turnReply } from './fixtures.ts';

const TURNS = 2000;
const BUDGET = 8192;
// Each message's framing; older code charged none (read this way so the script runs on it too).
const FRAMING = (tokens as { MESSAGE_FRAMING_TOKENS?: number }).MESSAGE_FRAMING_TOKENS ?? 8;

const random = seededRandom(13);
const store = openSqliteStore(':memory:');
const character = benchCharacter();
const opened = await openChatSession({ store, character, model: instantModel(() => turnReply(random)), sessionId: 'long', userName: 'Traveller' });
const events: NewEvent[] = [];
let characters = 0;
for (let index = 0; index < TURNS; index++) {
  const turn = `t${index}`;
  const line = sentence(random, 8, 20);
  const speech = sentence(random, 12, 28);
  characters += line.length + speech.length;
  events.push(
    { kind: 'speech', actor: 'user', visibility: 'all', text: line, data: { turn } },
    { kind: 'speech', actor: character.name, visibility: 'all', text: speech, data: { turn } },
  );
}
await store.appendEvents(opened.id, events);

const model = instantModel(() => turnReply(random), () => `They talked about ${sentence(random, 40, 80)}`);
const session = await openChatSession({ store, character, model, sessionId: 'long', userName: 'Traveller', contextTokens: BUDGET });
const started = performance.now();
await session.send('And what happens tonight?');
const elapsed = performance.now() - started;

const textOf = (call: LanguageModelV3CallOptions) => call.prompt.map((message) => (typeof message.content === 'string'
  ? message.content
  : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')));
const measure = (call: LanguageModelV3CallOptions) => {
  const texts = textOf(call);
  return {
    tokens: texts.reduce((sum, text) => sum + tokens.countTokens(text) + FRAMING, 0) + (call.maxOutputTokens ?? 0),
    characters: texts.reduce((sum, text) => sum + text.length, 0),
  };
};
const summaries = model.doGenerateCalls.map(measure);
const turn = model.doStreamCalls.map(measure);
const largest = [...summaries, ...turn].reduce((a, b) => (b.tokens > a.tokens ? b : a));
console.log(`compaction budget: a ${TURNS}-turn chat (${characters.toLocaleString('en')} characters of history) continued with --context-tokens ${BUDGET}`);
console.log(`  summary requests ${summaries.length}, turn requests ${turn.length}, ${elapsed.toFixed(0)} ms with an instant model`);
console.log(`  largest request ${largest.tokens.toLocaleString('en')} tokens (prompt + reply reserve; ${largest.characters.toLocaleString('en')} characters) against a budget of ${BUDGET.toLocaleString('en')}: ${largest.tokens <= BUDGET ? 'fits' : 'OVER'}`);
console.log(`  compacted into ${session.compaction.length} summar${session.compaction.length === 1 ? 'y' : 'ies'}`);
store.close();
