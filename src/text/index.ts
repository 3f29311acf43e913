export { countTokens, memoizedCounter, MESSAGE_FRAMING_TOKENS, type TokenCounter } from './tokens.ts';
export {
  readInputText, readInputBytes, decodeInputText, formatMiB, DEFAULT_MAX_FILE_BYTES, type InputProblem, type InputFailure,
} from './input-file.ts';
export { describeJsonError } from './json-error.ts';
export { readableId } from './readable-id.ts';
export { fenceNonce, fenceTag, fenceText, fenceMarkers } from './fence.ts';
export { parseYamlWithLines, issueMessage, objectKeysAt, type Path, type Locate } from './yaml-source.ts';
