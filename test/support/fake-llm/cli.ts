// Starts the fake OpenAI-compatible server in auto mode, for trying Dramatis offline:
//   npx tsx test/support/fake-llm/cli.ts --port 11435
//   DRAMATIS_BASE_URL=http://127.0.0.1:11435/v1 dramatis chat --model openai-compatible:fake ...
import { parseArgs } from 'node:util';
import { parseFaultRates, type FakeFaultRates } from './random-faults.ts';
import { FAKE_SCHEMA_DIALECTS, type FakeSchemaDialect } from './schema-dialects.ts';
import { startFakeLlm } from './server.ts';

const usage = [
  'usage: tsx test/support/fake-llm/cli.ts [--port 11435] [--host 127.0.0.1] [--latency-ms 0] [--faults LIST] [--faults-seed N] [--dialect D]',
  'Serves /v1/chat/completions, /v1/embeddings and /v1/models with deterministic offline replies.',
  '',
  '  --faults LIST     random faults on chat completions (streamed and not), NAME:RATE separated by commas;',
  '                    each rate is the chance (0-1) that one request gets it:',
  '                      429      rate limited, with retry-after-ms: 50',
  '                      500      server error, with retry-after-ms: 50',
  '                      trunc    the reply breaks off halfway (a cut stream, or a cut JSON body)',
  '                      badjson  content that is not valid JSON although JSON was asked for',
  '                      hang     no answer until the client gives up',
  '  --faults-seed N   seed of the fault draws (default 0); the same seed and requests meet the same faults',
  '  --dialect D       structured-output schemas /v1/chat/completions accepts: any (default, as llama.cpp or vLLM),',
  '                    openai-strict (refused like OpenAI\'s strict mode, with its 400) or gemini (like Gemini\'s',
  '                    OpenAI-compatible endpoint); /v1/messages always refuses what Anthropic refuses',
  '',
  'Example:',
  '  $ npx tsx test/support/fake-llm/cli.ts --port 11435 --faults 429:0.3,500:0.1,trunc:0.05,badjson:0.1 --faults-seed 1',
  '  $ npx tsx test/support/fake-llm/cli.ts --port 11436 --dialect openai-strict',
].join('\n');

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '11435' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string', default: '0' },
      faults: { type: 'string' },
      'faults-seed': { type: 'string' },
      dialect: { type: 'string', default: 'any' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`fake-llm: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fake-llm: --port must be a port number, got "${values.port}"`);
  process.exit(2);
}
let faults: FakeFaultRates | undefined;
try {
  if (values['faults-seed'] !== undefined && values.faults === undefined) throw new Error('--faults-seed needs --faults');
  const seed = values['faults-seed'] === undefined ? 0 : Number(values['faults-seed']);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--faults-seed must be a whole number, got "${values['faults-seed']}"`);
  if (values.faults !== undefined) faults = { ...parseFaultRates(values.faults), seed };
} catch (error) {
  console.error(`fake-llm: ${(error as Error).message}`);
  process.exit(2);
}
if (!(FAKE_SCHEMA_DIALECTS as readonly string[]).includes(values.dialect)) {
  console.error(`fake-llm: --dialect must be one of ${FAKE_SCHEMA_DIALECTS.join(', ')}, got "${values.dialect}"`);
  process.exit(2);
}
const dialect = values.dialect as FakeSchemaDialect;

const fake = await startFakeLlm({ port, host: values.host, latencyMs: Number(values['latency-ms']) || 0, faults, dialect });
console.log(`fake-llm listening on ${fake.url}${faults ? ` with faults ${values.faults} (seed ${faults.seed})` : ''}${dialect === 'any' ? '' : ` (${dialect} schemas)`}`);
console.log(`try: DRAMATIS_BASE_URL=${fake.url} dramatis chat --model openai-compatible:fake`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
