// Starts the fake OpenAI-compatible server in auto mode, for trying Dramatis offline:
//   npx tsx test/support/fake-llm/cli.ts --port 11435
//   DRAMATIS_BASE_URL=http://127.0.0.1:11435/v1 dramatis chat --model openai-compatible:fake ...
import { parseArgs } from 'node:util';
import { startFakeLlm } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11435' },
    host: { type: 'string', default: '127.0.0.1' },
    'latency-ms': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: tsx test/support/fake-llm/cli.ts [--port 11435] [--host 127.0.0.1] [--latency-ms 0]');
  console.log('Serves /v1/chat/completions, /v1/embeddings and /v1/models with deterministic offline replies.');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fake-llm: --port must be a port number, got "${values.port}"`);
  process.exit(2);
}

const fake = await startFakeLlm({ port, host: values.host, latencyMs: Number(values['latency-ms']) || 0 });
console.log(`fake-llm listening on ${fake.url}`);
console.log(`try: DRAMATIS_BASE_URL=${fake.url} dramatis chat --model openai-compatible:fake`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
