/** A value a result can be broken down by (ToMATO's `mental_state`, `order`, `false_belief`...). */
export type CategoryValue = string | number | boolean;

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One test item, as a loader read it from a benchmark's released data. */
export interface BenchItem {
  /** Unique within its dataset and stable across loads (the released id when there is one). */
  id: string;
  /** 1-based position of the record in its source file, for messages. */
  record: number;
  /** Values for the prompt template (`{{conversation}}`, `{{question}}`...). */
  vars: Record<string, string>;
  /** Ready chat messages, for data released as conversations (RoleMRC); the template's `{{messages}}` uses them. */
  messages?: ChatTurn[];
  /** Options shown to the model, in released order (multiple choice, candidate lists). */
  options?: string[];
  /** Index of the correct option in `options`. */
  answer?: number;
  /** A reference answer (open-ended tasks). */
  reference?: string;
  /** What results are broken down by. */
  categories: Record<string, CategoryValue>;
  /** Anything else a scorer needs (a death year, a moral level, a boundary side). */
  meta?: Record<string, unknown>;
}
