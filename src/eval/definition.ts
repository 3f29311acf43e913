import { z } from 'zod';
import { AgentTemplates } from './agent-personas.ts';

/** A scorer by name, or by name with its options: `choice`, `{ name: rubric, dimensions: [...] }`. */
export const ScorerReference = z.union([
  z.string(),
  z.object({ name: z.string() }).catchall(z.unknown()),
]);
export type ScorerReference = z.infer<typeof ScorerReference>;

/**
 * A benchmark: where its items come from, how each is asked, how answers are scored.
 * Built-in benchmarks are values of this type; a YAML file with the same keys defines a new one.
 */
export const BenchmarkDefinition = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  dataset: z.object({
    /** A registered loader (`bench list`). */
    loader: z.string().min(1),
    /** The data file or folder; relative to the YAML file. `--data` overrides it. */
    path: z.string().optional(),
  }).strict(),
  /**
   * Templates: `{{name}}` is the item's `vars.name`; `{{options}}` the options as `A) text` lines in the order
   * shown (`{{options_bracketed}}`: `[A] text`); `{{letters}}` the option letters (`A, B, C or D`).
   * `{{fenced name}}` wraps any of them in the prompt's per-prompt fence as data, and `{{fence}}` is that fence's
   * tag, for the instruction that text between the markers is data. Without `user`, the item's own chat messages are sent.
   */
  prompt: z.object({
    system: z.string().optional(),
    user: z.string().optional(),
  }).strict().default({}),
  /**
   * Play every item through the character agent instead of the prompt templates: `true` uses the loader's built-in
   * persona (its research fields filled), an object gives the persona as templates (`bench run --agent` does the same
   * for one run). The agent's own turn format (thought, action, speech) replaces `responseSchema`.
   */
  agent: z.union([z.boolean(), AgentTemplates]).optional(),
  /** Asks for JSON with this JSON Schema (structured output) instead of free text. */
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  scorers: z.array(ScorerReference).min(1),
  /** Breakdowns: a category name, or a list of names crossed (`[mental_state, order, false_belief]`). */
  categories: z.array(z.union([z.string(), z.array(z.string()).min(1)])).default([]),
  /** The metric leaderboards sort by (default: the first scorer's first metric). */
  primaryMetric: z.string().optional(),
  /** The judge model for judged scorers (`--judge` overrides it); samples per item are the scorer's option. */
  judge: z.object({
    model: z.string().min(1),
    /** The judge's sampling temperature (default 0); several samples per item want some (0.7). */
    temperature: z.number().min(0).max(2).optional(),
  }).strict().optional(),
  /** The embedding model for scorers that compare texts by embedding (`--embedding-model` overrides it). */
  embedding: z.object({ model: z.string().min(1) }).strict().optional(),
  sampling: z.object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
  }).strict().default({}),
}).strict();
export type BenchmarkDefinition = z.infer<typeof BenchmarkDefinition>;
/** A definition as written (defaults not yet applied). */
export type BenchmarkDefinitionInput = z.input<typeof BenchmarkDefinition>;
