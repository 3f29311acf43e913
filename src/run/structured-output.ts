import { dialectFor, parseModelSpec, type Env, type SchemaDialect, type StructuredOutputMode } from '../llm/index.ts';
import type { Run, Store } from '../store/index.ts';

/** How one model of a run answered structured requests: its schema dialect, and JSON schema or text. */
export interface ModelOutputMode {
  model: string;
  dialect: SchemaDialect;
  mode: StructuredOutputMode;
}

/**
 * The models of a run whose servers refused JSON-schema output, kept in the run's meta (`structuredOutput`), so a
 * resume starts them in text at once and the summary can say which mode each model used.
 */
export class RunOutputModes {
  private readonly text: Set<string>;
  private saving: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store, private readonly run: Run) {
    const stored = (run.meta.structuredOutput ?? {}) as Record<string, StructuredOutputMode>;
    this.text = new Set(Object.entries(stored).filter(([, mode]) => mode === 'text').map(([model]) => model));
  }

  /** `text` for a model known to refuse JSON schemas, else undefined (the default: a schema). */
  modeOf(model: string): StructuredOutputMode | undefined {
    return this.text.has(model) ? 'text' : undefined;
  }

  /** Records that a model's server refused JSON-schema output; stored with the run once. */
  refused(model: string): void {
    if (this.text.has(model)) return;
    this.text.add(model);
    const structuredOutput = Object.fromEntries([...this.text].map((name) => [name, 'text']));
    this.saving = this.saving.then(() => this.store.updateRun(this.run.id, { meta: { structuredOutput } })).catch(() => {});
  }

  /** Waits for the records to be stored. */
  async flush(): Promise<void> {
    await this.saving;
  }
}

/** Each model's dialect and mode in a run, for its summary. */
export function runOutputModes(run: Run, models: readonly string[], options: { env: Env; baseURL?: string }): ModelOutputMode[] {
  const stored = (run.meta.structuredOutput ?? {}) as Record<string, StructuredOutputMode>;
  return [...new Set(models)].map((model) => ({
    model,
    dialect: dialectFor(parseModelSpec(model), { baseURL: options.baseURL, env: options.env }),
    mode: stored[model] ?? 'schema',
  }));
}

/** One line: `openai:gpt-4o-mini JSON schema (openai dialect); openai-compatible:x text (its server refused JSON schemas)`. */
export function describeOutputModes(modes: readonly { model: string; dialect: string; mode: StructuredOutputMode }[]): string {
  return modes.map(({ model, dialect, mode }) => (mode === 'text'
    ? `${model} text (its server refused JSON schemas)`
    : `${model} JSON schema (${dialect} dialect)`)).join('; ');
}
