import { describeSillyTavernExport } from '../character/sillytavern-export-suite.ts';
import { describeRealData, sharedData } from '../support/real-data.ts';

// SillyTavern's default card and world info, as released (../shared/data/cards/README.md).
describeRealData('the real Seraphina card (SillyTavern V2 PNG) and Eldoria.json', () => {
  describeSillyTavernExport('Seraphina', {
    cardPath: sharedData('cards', 'default_Seraphina.png'),
    worldPath: sharedData('cards', 'Eldoria.json'),
    name: 'Seraphina',
    creator: 'OtisAlejandro',
    characterVersion: '1.0.0',
    imageBytes: 529_612,
    copiedPictureBytes: 400_000,
    textFields: ['description', 'first_mes', 'creator_notes'],
    extensions: { talkativeness: '0.5', fav: false, world: 'Eldoria' },
    topLevel: {
      avatar: 'none', chat: 'Seraphina - 2023-5-12 @21h 32m 29s 224ms', create_date: '2023-5-12 @21h 32m 29s 228ms',
      talkativeness: '0.5', fav: false, creatorcomment: 'ST Default Bot contest winner: roleplay bots category',
    },
    book: {
      name: 'Eldoria',
      firstEntryKeys: ['eldoria', 'wood', 'forest', 'magical forest'],
      secondEntryKeys: ['shadowfang', 'beast', 'monster', 'monsters', 'beasts'],
      leadingKeys: ['eldoria', 'shadowfang', 'glade', 'power'],
    },
    activation: {
      messages: ['*You wake up in a glade.*', 'Tell me about the forest.'],
      matchedKeys: ['wood', 'forest'],
      renderedText: 'Eldoria is here, all of the woods.',
    },
    recursion: { messages: ['What is Eldoria?'] },
  });
});
