/**
 * How memories are ranked for recall, as in the Emotional RAG code (Huang et al., 2024): `d_sem` is the Euclidean
 * distance between embeddings, `d_emo` is 1 − the cosine similarity of emotion vectors, smaller is better.
 * - `semantic`: the k smallest d_sem (the paper's plain RAG); `lexical`: BM25 over the texts.
 * - `c-a`: the k smallest d_sem + d_emo; `c-m`: the k smallest d_sem × d_emo.
 * - `semantic-first` (the paper's S-C): the pool smallest d_sem, re-ranked by d_emo, keep k.
 * - `emotion-first` (the paper's S-S): the pool smallest d_emo, re-ranked by d_sem, keep k.
 * The names live with the memory model (not with the ranking in memory/) so that a front end can list them
 * without loading the recall machinery.
 */
export const STRATEGIES = ['semantic', 'lexical', 'c-a', 'c-m', 'semantic-first', 'emotion-first'] as const;
export type Strategy = (typeof STRATEGIES)[number];
