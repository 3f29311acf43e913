export { STRATEGIES, EMOTIONAL_STRATEGIES, DEFAULT_K, DEFAULT_POOL, rankMemories, smallest, euclideanDistances, emotionDistances, type Strategy, type Ranked, type RankOptions } from './retrieval.ts';
export { EmotionReply, emotionPrompt, parseEmotionReply, scoreEmotion } from './emotion.ts';
