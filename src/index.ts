/**
 * Dramatis: role-playing language agents.
 * @example
 * const store = openStore('.dramatis/dramatis.db');
 * const { character } = await readCharacterFile('seraphina.png');
 * const model = createLanguageModel('openai:gpt-4o-mini', { env: process.env, runtime: createModelRuntime(), store });
 * const chat = await openChatSession({ store, character, model, userName: 'Ann' });
 * const turn = await chat.send('Where am I?');   // turn.output.thought, turn.output.speech
 */
export * from './character/index.ts';
export * from './agent/index.ts';
export * from './scene/index.ts';
export * from './llm/index.ts';
export * from './memory/index.ts';
export * from './store/index.ts';
export * from './events/index.ts';
export * from './memory-model/index.ts';
export * from './eval/index.ts';
export { countTokens, type TokenCounter } from './text/index.ts';
export * from './run/index.ts';
