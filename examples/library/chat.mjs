// A chat with a character, on the model DRAMATIS_MODEL names (local:default when none is set), in a store in memory.
//   DRAMATIS_MODEL=openai:gpt-4o-mini OPENAI_API_KEY=... node examples/library/chat.mjs
//   (offline: npm run fake-llm, then DRAMATIS_MODEL=openai-compatible:fake DRAMATIS_BASE_URL=http://127.0.0.1:11435/v1)
import { defineCharacter, openChatSession } from 'dramatis';

const character = defineCharacter({
  name: 'Mirela',
  description: 'The keeper of the Tuzla lighthouse in 1897, widowed, guarded, quick to anger.',
  first_mes: 'Who climbs my stairs at this hour?',
  secrets: ['She signals the smugglers from the lamp room.'],
});
const chat = await openChatSession({ character, userName: 'Ann' });
console.log(`${character.name}: ${chat.log[0]?.text}`);
for (const line of ['May I come in out of the storm?', 'Why is the lamp dark on the east side?']) {
  const turn = await chat.send(line);
  console.log(`Ann: ${line}`);
  console.log(`  (${character.name} intends: ${turn.output.thought.intention})`);
  console.log(`${character.name}: ${turn.output.speech}`);
}
