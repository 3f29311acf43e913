export { startFakeLlm } from './server.ts';
export { autoContent, autoText, instanceOf } from './auto-reply.ts';
export { hashedEmbedding } from './embeddings.ts';
export { parseFaultRates, randomFaults, RANDOM_FAULT_KINDS, type FakeFaultRates, type RandomFaultKind } from './random-faults.ts';
export type {
  FakeEmbeddingReply, FakeFault, FakeLlm, FakeLlmOptions, FakeReply, FakeRequest, FakeRequestBody, FakeToolCall, FakeUsage, JsonSchema,
} from './types.ts';
export { anthropicRefusal, geminiRefusal, openAiStrictRefusal, FAKE_SCHEMA_DIALECTS, type FakeSchemaDialect, type SchemaRefusal } from './schema-dialects.ts';
