// A ToMATO set and a PersonaEval set built from a 20-episode scene run: the scene runs against the fake server with
// scripted thoughts (three characters, 12 turns an episode), a fake judge sets the false-belief flags, and the
// script prints the figures `bench build` prints: items per mental state and order, the share with a false-belief
// flag, the gold letters, and the time each build took (the judge's calls included).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPersonaEvalFromScenes, buildTomatoFromScenes, readRunScene, startSceneRun } from '../src/run/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { startFakeLlm } from '../test/support/fake-llm/index.ts';
import { scriptedThoughts } from '../test/support/scripted-thoughts.ts';

const CAST = ['Ana', 'Ben', 'Cleo'];
const EPISODES = 20;
const dir = mkdtempSync(join(tmpdir(), 'dramatis-built-sets-'));
writeFileSync(join(dir, 'storm.yaml'), `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
${CAST.map((name) => `  - character: { name: ${name}, description: ${name} of the lighthouse. }`).join('\n')}
turns: { policy: round-robin, max: 12 }
seed: 7
`);
const fake = await startFakeLlm({ handler: scriptedThoughts(new Map(), CAST) });
const store = openSqliteStore(join(dir, 'dramatis.db'));
const settings = { baseURL: fake.url, retries: 0, cache: false };
try {
  const started = performance.now();
  const scene = await startSceneRun({
    store, env: {}, ...(await readRunScene('storm.yaml', { cwd: dir })), models: ['openai-compatible:fake'], episodes: EPISODES, runId: 'storm', cwd: dir, settings, concurrency: 8,
  });
  console.log(`scene run: ${scene.summary.episodes.done}/${EPISODES} episodes in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  const tomato = await buildTomatoFromScenes({ store, from: 'storm', out: join(dir, 'storm-tomato.json'), judge: 'openai-compatible:fake', env: {}, settings, seed: 1 });
  const s = tomato.summary;
  const second = Object.entries(s.byStateAndOrder).filter(([key]) => key.endsWith('2')).reduce((sum, [, n]) => sum + n, 0);
  console.log(`\nToMATO set: ${s.items} items from ${s.episodes} episodes, built in ${(tomato.durationMs / 1000).toFixed(2)} s (judge calls included)`);
  for (const [key, n] of Object.entries(s.byStateAndOrder)) console.log(`  ${key.padEnd(16)} ${String(n).padStart(5)}`);
  const fb = s.falseBelief!;
  console.log(`  false belief: ${fb.true} true of ${second} second-order (${((100 * fb.true) / second).toFixed(1)}%; ${((100 * fb.true) / s.items).toFixed(1)}% of all), ${fb.false} false, ${fb.unknown} undecided`);
  console.log(`  gold letters: ${Object.entries(s.goldLetters).map(([letter, n]) => `${letter} ${n} (${((100 * n) / s.items).toFixed(1)}%)`).join(', ')}`);
  console.log(`  skipped: ${JSON.stringify(s.skipped)}`);

  const unjudged = await buildTomatoFromScenes({ store, from: 'storm', out: join(dir, 'storm-tomato-unjudged.json'), seed: 1 });
  console.log(`  without a judge: ${unjudged.summary.items} items in ${(unjudged.durationMs / 1000).toFixed(2)} s`);

  const persona = await buildPersonaEvalFromScenes({ store, from: 'storm', out: join(dir, 'storm.csv'), seed: 1 });
  const p = persona.summary;
  console.log(`\nPersonaEval set: ${p.items} items from ${p.episodes} episodes, built in ${(persona.durationMs / 1000).toFixed(2)} s`);
  console.log(`  gold letters: ${Object.entries(p.goldLetters).map(([letter, n]) => `${letter} ${n}`).join(', ')}; skipped: ${JSON.stringify(p.skipped)}`);
} finally {
  store.close();
  await fake.close();
}
