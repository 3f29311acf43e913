// A benchmark run and its leaderboard: here the repository's judge-agreement benchmark (the model rates role-play
// replies; its ratings are compared with human labels).
//   DRAMATIS_MODEL=... node examples/library/benchmark.mjs
import { fileURLToPath } from 'node:url';
import { runBenchmark } from 'dramatis';

const benchmark = fileURLToPath(new URL('../bench/judge-agreement.yaml', import.meta.url));
const { summary } = await runBenchmark(benchmark, { limit: 6 });
for (const model of summary.models) {
  const metric = model.metrics[summary.primaryMetric];
  console.log(`${model.model}: ${summary.primaryMetric} ${metric?.value?.toFixed(3)} on ${model.items} items (${model.invalid} invalid)`);
}
