import { LlmError } from './errors.ts';
import { localModelIdentity } from './local/catalog.ts';
import { formatModelSpec, type Env, type ModelSpec, type Provider } from './model-spec.ts';

/** Where a provider's requests go and how they authenticate. */
export interface Endpoint {
  baseURL: string;
  apiKey?: string;
  /** The environment variable the key came from (or should come from), for error messages. */
  apiKeyHint?: string;
}

export interface EndpointOptions {
  env: Env;
  /** Overrides the provider's default URL; required for `openai-compatible` unless `DRAMATIS_BASE_URL` is set. */
  baseURL?: string;
  /** Overrides the key from the provider's usual environment variable. */
  apiKey?: string;
  /** Where a `local:` model's relative path starts (default: the process's working directory). */
  cwd?: string;
}

const KEY_VARIABLES: Record<Provider, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  ollama: [],
  'openai-compatible': ['DRAMATIS_API_KEY', 'OPENAI_API_KEY'],
  local: [],
};

/**
 * Resolves the base URL and API key of a spec from explicit options, then the environment, then defaults.
 * `DRAMATIS_BASE_URL` applies to `openai-compatible` only, so it never redirects a hosted provider.
 */
export function resolveEndpoint(spec: ModelSpec, options: EndpointOptions): Endpoint {
  const { env } = options;
  const name = formatModelSpec(spec);
  const keyVariable = KEY_VARIABLES[spec.provider].find((variable) => env[variable]);
  const apiKey = options.apiKey || (keyVariable ? env[keyVariable] : undefined);
  const apiKeyHint = KEY_VARIABLES[spec.provider].join(' or ') || undefined;
  switch (spec.provider) {
    case 'openai':
    case 'anthropic': {
      const variable = spec.provider === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL';
      const fallback = spec.provider === 'openai' ? 'https://api.openai.com/v1' : 'https://api.anthropic.com/v1';
      if (!apiKey) {
        throw new LlmError('llm/no-api-key', `${name} needs an API key: set ${apiKeyHint}`, { model: name });
      }
      return { baseURL: trimSlash(options.baseURL || env[variable] || fallback), apiKey, apiKeyHint };
    }
    case 'ollama':
      return { baseURL: ollamaApiURL(options.baseURL || env.OLLAMA_HOST || 'http://127.0.0.1:11434') };
    case 'openai-compatible': {
      const baseURL = options.baseURL || env.DRAMATIS_BASE_URL;
      if (!baseURL) {
        throw new LlmError(
          'llm/no-base-url',
          `${name} needs the server's URL: pass --base-url (e.g. http://127.0.0.1:8000/v1) or set DRAMATIS_BASE_URL`,
          { model: name },
        );
      }
      return { baseURL: trimSlash(baseURL), apiKey, apiKeyHint };
    }
    case 'local':
      // Not a URL but the model's identity, for the response cache: the file's path or its pinned Hub address.
      return { baseURL: localModelIdentity(spec.modelId, options.cwd) };
  }
}

/** Ollama's native API lives under `/api`; accept `host:port`, `http://host:port` or a full `.../api` URL. */
function ollamaApiURL(value: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `http://${value}`;
  const url = trimSlash(withScheme);
  return new URL(url).pathname === '/' ? `${url}/api` : url;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
