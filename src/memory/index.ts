export { STRATEGIES, EMOTIONAL_STRATEGIES, DEFAULT_K, DEFAULT_POOL, rankMemories, smallest, euclideanDistances, emotionDistances, type Strategy, type Ranked, type RankOptions } from './retrieval.ts';
export { EmotionReply, emotionPrompt, parseEmotionReply, scoreEmotion } from './emotion.ts';
export { recall, type RecallOptions, type RecallQuery, type RecallResult, type Recalled, type Embed, type ScoreEmotion } from './recall.ts';
export { parseMemoryFile, readMemoryFile, importMemories, memoryLines, reembedMemories, MemoryFileError, type ReembedOptions, type MemoryFileEntry, type ImportOptions, type ImportResult } from './memory-file.ts';
