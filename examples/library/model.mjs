// A model by its spec, with the engine's retries, cache, limits and schema dialect, used with the AI SDK directly.
//   DRAMATIS_MODEL=... node examples/library/model.mjs
import { generateText } from 'ai';
import { createLanguageModel, describeModel } from 'dramatis';

const spec = process.env.DRAMATIS_MODEL ?? 'local:default';
const info = await describeModel(spec, { env: process.env });
console.log(`${info.spec}: ${info.dialect} dialect, context ${info.contextWindow?.tokens ?? 'unknown'}`);
const { text } = await generateText({ model: createLanguageModel(spec), prompt: 'Say hello to the keeper of the lighthouse.' });
console.log(text);
