import type { z } from 'zod';

/** One question put to a judge model. */
export interface JudgeRequest<T> {
  /** What to judge and how (the rubric), addressed to the judge. */
  task: string;
  /**
   * What the candidates answer (the question, the character profile, the reference answer), by label. It comes from
   * the item's data file, so it is fenced as data like the candidates.
   */
  context?: Record<string, string>;
  /**
   * Texts under evaluation, by label (`response`, or `A` and `B`). Each is isolated in the prompt so that
   * instructions inside it are read as data, never followed.
   */
  candidates: Record<string, string>;
  /** The structured verdict; the judge writes its critique before its scores (put a `critique` field first). */
  schema: z.ZodType<T>;
  signal?: AbortSignal;
  /** Sampling seed (several samples use several seeds). */
  seed?: number;
}

export interface JudgeVerdict<T> {
  /** The parsed verdict; undefined when the reply was malformed twice (the item is then unjudged). */
  verdict?: T;
  /** The accepted reply, or the last malformed one. */
  raw: string;
  /** True when the first reply was malformed and the repair request succeeded. */
  repaired: boolean;
  /** Why the verdict is missing. */
  error?: string;
}

/** A model used as a judge: asks for a structured verdict, repairs a malformed one once. */
export interface Judge {
  /** The judge model's spec, for reports. */
  readonly model: string;
  ask<T>(request: JudgeRequest<T>): Promise<JudgeVerdict<T>>;
}
