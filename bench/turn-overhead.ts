// Engine overhead per chat turn, excluding model time: 200 turns of history, a 50-entry lorebook,
// a real SQLite store on disk, and a model whose reply is ready before the engine asks for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openChatSession } from '../src/scene/chat-session.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { benchCharacter, instantModel, lorebook, percentile, seededRandom, turnReply, userLine } from './fixtures.ts';

const HISTORY_TURNS = 200;
const MEASURED_TURNS = 200;

const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-'));
const store = openSqliteStore(join(dir, 'dramatis.db'));
const random = seededRandom(7);
const session = await openChatSession({
  store, character: benchCharacter(lorebook(50)), model: instantModel(() => turnReply(random)),
  sessionId: 'bench', userName: 'Traveller', contextTokens: 1_000_000,
});
for (let i = 0; i < HISTORY_TURNS; i++) await session.send(userLine(random));

const turn: number[] = [];
const prepare: number[] = [];
for (let i = 0; i < MEASURED_TURNS; i++) {
  const text = userLine(random);
  const p0 = performance.now();
  session.preparePrompt([]);
  prepare.push(performance.now() - p0);
  const t0 = performance.now();
  await session.send(text);
  turn.push(performance.now() - t0);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const fmt = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(3)} ms, p99 ${percentile(sorted, 99).toFixed(3)} ms`;
};
console.log(`turn overhead (${HISTORY_TURNS}+ turns of history, 50-entry lorebook, ${MEASURED_TURNS} turns measured)`);
console.log(`  whole turn (prompt, lorebook, model stream handling, parse, SQLite transaction): ${fmt(turn)}`);
console.log(`  prompt building alone (perspective, history, lorebook, layout):                   ${fmt(prepare)}`);
