export * from './schema.ts';
export { CardError, formatFieldPath, type CardErrorCode } from './errors.ts';
export { readCharacterFile, parseCharacterBytes, parseCharacterJson, type ParseCharacterOptions } from './card-parse.ts';
export { toCardJson, toCardJsonText } from './card-export.ts';
export { writeCharacterFile, type WriteCharacterOptions } from './card-write.ts';
export { readCardPng, writeCardPng, isPng } from './png.ts';
export { readCharx, writeCharx, isZip } from './charx.ts';
export { readLorebookFile, parseLorebookJson, toLorebookJson, type LoadedLorebook, type LorebookFormat } from './lorebook-file.ts';
export {
  activateLorebook, renderActivatedEntries, lorebookEntryPosition, assertLorebookUsable, lorebookKeyWarnings,
  type ActivationInput, type ActivationResult, type ActivatedEntry, type LorebookError, type SelectiveLogic, type LorebookPosition,
} from './lorebook-activation.ts';
export { renderMacros, type MacroContext } from './macros.ts';
export { inspectCharacter, formatInspection, type CardInspection } from './inspect.ts';
export { defineCharacter, CharacterFields } from './define-character.ts';
