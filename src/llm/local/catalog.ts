import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LlmError } from '../errors.ts';
import { downloadModel, formatBytes, type DownloadProgress } from './download.ts';
import { modelCacheDir } from './model-cache.ts';

/** A model file on the Hugging Face Hub, pinned to a revision so its bytes (and hash) never change. */
export interface HubFile {
  repo: string;
  file: string;
  /** A commit id or branch; `main` when the spec did not say. */
  revision: string;
  /** Known for catalog models; checked after download. */
  sha256?: string;
  bytes?: number;
}

/** A named model `local:NAME` can use. */
export interface CatalogModel extends HubFile {
  name: string;
  title: string;
  licence: string;
  /** The context it was trained for, in tokens. */
  contextLength: number;
}

/**
 * The models `local:NAME` knows by name; `default` is the one used when no model is configured. Sizes and hashes
 * are those of the pinned revisions (docs/decisions/0010-local-default-model.md says why these).
 */
export const LOCAL_CATALOG: readonly CatalogModel[] = [
  {
    name: 'default',
    title: 'Qwen3 4B Instruct 2507, Q4_K_M',
    repo: 'bartowski/Qwen_Qwen3-4B-Instruct-2507-GGUF',
    revision: 'ae44f08e1392f39c0e474af10c3ff8355c8b6688',
    file: 'Qwen_Qwen3-4B-Instruct-2507-Q4_K_M.gguf',
    bytes: 2_497_280_736,
    sha256: '2fde00ce69dd4899c70d020845e2638353015bba0fdf161b3eb965f2bca4464e',
    licence: 'Apache-2.0',
    contextLength: 262_144,
  },
  {
    name: 'llama-3.2-3b',
    title: 'Llama 3.2 3B Instruct, Q4_K_M',
    repo: 'unsloth/Llama-3.2-3B-Instruct-GGUF',
    revision: 'e7d0997e49c9cb00d88b4c1a6a16aa894b0bbc31',
    file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    bytes: 2_019_377_600,
    sha256: '6c99cc00ae910f6a532a80022cb4bc1939094527a089c29294b841c0bd87f74d',
    licence: 'Llama 3.2 Community License',
    contextLength: 131_072,
  },
  {
    name: 'granite-3.3-2b',
    title: 'Granite 3.3 2B Instruct, Q4_K_M',
    repo: 'ibm-granite/granite-3.3-2b-instruct-GGUF',
    revision: '7cdf86ccd1f1bb3491c9b7017b033f2e51367397',
    file: 'granite-3.3-2b-instruct-Q4_K_M.gguf',
    bytes: 1_545_303_328,
    sha256: 'ac71e9e32c0bea919b409c5918f69ca74339854b0319c5065e4e9fb6d95c4852',
    licence: 'Apache-2.0',
    contextLength: 131_072,
  },
];

/** What a `local:` model id names: a file on disk, or a file on the Hub (by catalog name or `hf:` path). */
export type LocalModelSource =
  | { kind: 'file'; path: string }
  | { kind: 'hub'; file: HubFile; catalog?: CatalogModel };

const FORMS = 'use local:default, local:NAME (see `dramatis models list`), local:./PATH.gguf or local:hf:OWNER/REPO/FILE.gguf';

/**
 * Reads the part of a spec after `local:`. Paths are resolved against `cwd`; `~/` is the home folder.
 * @example parseLocalModelId('hf:bartowski/Qwen_Qwen3-4B-Instruct-2507-GGUF/Qwen_Qwen3-4B-Instruct-2507-Q4_K_M.gguf')
 */
export function parseLocalModelId(modelId: string, cwd: string = process.cwd()): LocalModelSource {
  const id = modelId.trim();
  const named = LOCAL_CATALOG.find((model) => model.name === id.toLowerCase());
  if (named) return { kind: 'hub', file: named, catalog: named };
  if (/^hf:/i.test(id)) return { kind: 'hub', file: parseHubPath(id.slice(3), modelId) };
  if (looksLikePath(id)) {
    const expanded = id === '~' || id.startsWith('~/') ? path.join(os.homedir(), id.slice(1)) : id;
    return { kind: 'file', path: path.resolve(cwd, expanded) };
  }
  throw new LlmError('llm/bad-spec', `local:${modelId} is neither a known model name nor a path: ${FORMS}`, { model: `local:${modelId}` });
}

/** `OWNER/REPO/FILE.gguf`, with an optional `@REVISION` after the repository or at the end. */
function parseHubPath(rest: string, modelId: string): HubFile {
  const match = /^([^/@\s]+)\/([^/@\s]+)(?:@([^/\s]+))?\/([^@\s]+\.gguf)(?:@([^/\s]+))?$/i.exec(rest.trim());
  if (!match) {
    throw new LlmError('llm/bad-spec', `local:${modelId}: a Hub model is hf:OWNER/REPO/FILE.gguf (optionally REPO@REVISION)`, { model: `local:${modelId}` });
  }
  const [, owner, repo, repoRevision, file, fileRevision] = match;
  return { repo: `${owner}/${repo}`, file: file!, revision: repoRevision ?? fileRevision ?? 'main' };
}

function looksLikePath(id: string): boolean {
  return /\.gguf$/i.test(id) || /^(\.{1,2}|~)?[/\\]/.test(id) || /^[a-z]:[/\\]/i.test(id) || id === '~';
}

/**
 * What a `local:` model id stands for, stable across machines for a Hub file (`hf://REPO@REVISION/FILE`) and the
 * absolute path for a file; throws on an id that is neither.
 */
export function localModelIdentity(modelId: string, cwd?: string): string {
  const source = parseLocalModelId(modelId, cwd);
  if (source.kind === 'file') return `file://${source.path}`;
  return `hf://${source.file.repo}@${source.file.revision}/${source.file.file}`;
}

/** The download address of a Hub file; `HF_ENDPOINT` replaces `https://huggingface.co` (mirrors, tests). */
export function hubUrl(file: HubFile, env: Readonly<Record<string, string | undefined>>): string {
  const base = (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
  const encode = (value: string) => value.split('/').map(encodeURIComponent).join('/');
  return `${base}/${encode(file.repo)}/resolve/${encodeURIComponent(file.revision)}/${encode(file.file)}`;
}

/** Where a Hub file lives in the model cache: `OWNER/REPO/FILE` (a revision other than `main` adds a folder). */
export function cachedPathOf(file: HubFile, env: Readonly<Record<string, string | undefined>>): string {
  const parts = [modelCacheDir(env), ...file.repo.split('/')];
  if (file.revision !== 'main' && !LOCAL_CATALOG.some((model) => model.revision === file.revision && model.file === file.file)) {
    parts.push(file.revision);
  }
  return path.join(...parts, file.file);
}

export interface EnsureModelOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Told once before a download starts, with what and how much. */
  onDownloadStart?: (info: { url: string; destination: string; bytes?: number; resumeFrom: number; title: string }) => void;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * The GGUF file of a `local:` model id on disk: a path is checked to exist, a Hub model is downloaded into the
 * model cache on first use (resumable, verified by sha256 when known).
 * @example const file = await ensureLocalModel('default', { env: process.env, onProgress })
 */
export async function ensureLocalModel(modelId: string, options: EnsureModelOptions): Promise<string> {
  const source = parseLocalModelId(modelId, options.cwd);
  if (source.kind === 'file') {
    const info = await stat(source.path).catch(() => undefined);
    if (!info) {
      throw new LlmError('llm/bad-model-file', `local:${modelId}: ${source.path} does not exist (${FORMS})`, { model: `local:${modelId}` });
    }
    if (!info.isFile()) throw new LlmError('llm/bad-model-file', `local:${modelId}: ${source.path} is not a file`, { model: `local:${modelId}` });
    return source.path;
  }
  const destination = cachedPathOf(source.file, options.env);
  if (await stat(destination).then((info) => info.isFile(), () => false)) return destination;
  const url = hubUrl(source.file, options.env);
  const expected = source.file.sha256 ? { sha256: source.file.sha256, bytes: source.file.bytes } : await hubFileDigest(url, options);
  const resumeFrom = await stat(`${destination}.part`).then((info) => info.size, () => 0);
  options.onDownloadStart?.({
    url, destination, bytes: expected.bytes, resumeFrom,
    title: source.catalog ? `${source.catalog.title} (local:${source.catalog.name})` : `${source.file.repo}/${source.file.file}`,
  });
  const result = await downloadModel({
    url, destination, sha256: expected.sha256, expectedBytes: expected.bytes,
    onProgress: options.onProgress, signal: options.signal, fetch: options.fetch,
  });
  return result.path;
}

/**
 * The sha256 and size the Hub states for a large (LFS) file: its `/resolve/` answer redirects to a CDN and
 * carries them as `X-Linked-Etag` and `X-Linked-Size`. Asked without following the redirect, since the CDN's
 * own headers do not carry them. Nothing is known when the request fails: the download then reports why.
 */
async function hubFileDigest(url: string, options: Pick<EnsureModelOptions, 'fetch' | 'signal'>): Promise<{ sha256?: string; bytes?: number }> {
  try {
    const response = await (options.fetch ?? fetch)(url, { method: 'HEAD', redirect: 'manual', signal: options.signal });
    const etag = /^(?:W\/)?"?([0-9a-f]{64})"?$/i.exec(response.headers.get('x-linked-etag')?.trim() ?? '')?.[1];
    const size = Number(response.headers.get('x-linked-size'));
    return { sha256: etag?.toLowerCase(), bytes: Number.isSafeInteger(size) && size > 0 ? size : undefined };
  } catch {
    return {};
  }
}

/** One line saying what is about to be downloaded, for a CLI to print before it starts. */
export function downloadNotice(info: { url: string; destination: string; bytes?: number; resumeFrom: number; title: string }): string {
  const size = info.bytes ? formatBytes(info.bytes) : 'size unknown';
  const resume = info.resumeFrom > 0 ? `, resuming after ${formatBytes(info.resumeFrom)}` : '';
  return `Downloading ${info.title}: ${size}${resume}, once, to ${info.destination}. ` +
    'Ctrl-C stops it and the next run resumes; --model openai:..., ollama:... or local:PATH.gguf need no download.';
}
