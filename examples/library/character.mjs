// A character from a few fields, and one read from a card file; both are the same `Character` type.
//   node examples/library/character.mjs
import { fileURLToPath } from 'node:url';
import { defineCharacter, inspectCharacter, readCharacterFile } from 'dramatis';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

const ilie = defineCharacter({
  name: 'Ilie',
  description: 'A fisherman of Constanța who rows supplies out to the lighthouse, 1897.',
  personality: 'cheerful, superstitious, loyal to Mirela',
  secrets: ['He carries the smugglers\' letters hidden in the bread.'],
  alignment: 'flawed',
  knowledge: { era: 'the Black Sea coast in 1897', limits: ['He cannot read.'] },
});
console.log(`${ilie.name}: ${ilie.description} (alignment ${ilie.alignment}, ${ilie.secrets.length} secret)`);

const card = await readCharacterFile(here('../cards/mirela.png'));
const inspection = inspectCharacter(card);
console.log(`${card.character.name}: a ${inspection.spec.toUpperCase()} card (${inspection.format}), ${inspection.totalTokens} tokens, lorebook of ${inspection.lorebook?.entryCount ?? 0} entries`);
