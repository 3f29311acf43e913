// A scene: one episode stepped to its end, then a run of several episodes with its summary. The scene file names
// its own default model; DRAMATIS_MODEL, when set, plays every role instead.
//   DRAMATIS_MODEL=... node examples/library/scene.mjs
import { fileURLToPath } from 'node:url';
import { openSceneEpisode, renderSceneTranscript, runScene } from 'dramatis';

const lighthouse = fileURLToPath(new URL('../scenes/lighthouse.yaml', import.meta.url));

const model = process.env.DRAMATIS_MODEL;
const episode = await openSceneEpisode({ scene: lighthouse, model });
const outcome = await episode.run();
console.log(renderSceneTranscript(episode.log).split('\n').slice(0, 6).join('\n'));
console.log(`episode ended: ${outcome.ended} after ${outcome.speechTurns} speech turns`);

const { summary } = await runScene(lighthouse, { models: model ? [model] : undefined, episodes: 3, concurrency: 3 });
console.log(`run ${summary.run}: ${summary.episodes.done} of ${summary.episodes.total} episodes done, ${summary.usage.calls} model calls`);
