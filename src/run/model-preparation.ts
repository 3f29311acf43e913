import { ensureLocalModel, formatModelSpec, parseLocalModelId, parseModelSpec, type Env, type ModelSpec } from '../llm/index.ts';

/** Downloads a Hub model (`local:default`, `local:hf:OWNER/REPO/FILE.gguf`) into the cache unless it is there; a front end shows the progress. */
export type DownloadModel = (modelId: string) => Promise<unknown>;

export interface PrepareModelsOptions {
  env: Env;
  /** The folder relative `local:` paths are relative to. */
  cwd: string;
  /** Downloads a Hub model; by default without progress (`ensureLocalModel`). */
  download?: DownloadModel;
}

/**
 * Readies the `local:` models among `specs` before an operation stores anything: a relative path becomes
 * absolute (a stored run or session must not depend on where it resumes) and must exist, and a Hub model not yet
 * in the cache is downloaded. Other specs pass through unchanged.
 * @example const [spec] = await prepareModelSpecs(['local:./small.gguf'], { env: process.env, cwd: process.cwd() })
 */
export async function prepareModelSpecs(specs: readonly string[], options: PrepareModelsOptions): Promise<string[]> {
  const prepared: string[] = [];
  for (const spec of specs) prepared.push(formatModelSpec(await prepareModelSpec(parseModelSpec(spec), options)));
  return prepared;
}

/** {@link prepareModelSpecs} for one parsed spec. */
export async function prepareModelSpec(spec: ModelSpec, options: PrepareModelsOptions): Promise<ModelSpec> {
  if (spec.provider !== 'local') return spec;
  const source = parseLocalModelId(spec.modelId, options.cwd);
  if (source.kind === 'file') {
    await ensureLocalModel(source.path, { env: options.env, cwd: options.cwd });
    return { provider: 'local', modelId: source.path };
  }
  await (options.download ?? ((modelId: string) => ensureLocalModel(modelId, { env: options.env, cwd: options.cwd })))(spec.modelId);
  return spec;
}
