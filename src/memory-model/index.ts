export { MEMORY_KINDS, EMOTIONS, visibleTo, type MemoryKind, type Emotion, type OwnerFilter, type Memory, type NewMemory } from './memory.ts';
export { STRATEGIES, type Strategy } from './recall-strategy.ts';
