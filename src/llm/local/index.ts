export { readGgufHeader, checkGgufFile, ggmlTensorBytes, type GgufHeader, type GgufTensorInfo, type GgufValue } from './gguf.ts';
export { downloadModel, formatBytes, type DownloadOptions, type DownloadProgress, type DownloadResult, type OpenPartFile } from './download.ts';
export { modelCacheDir, listCachedModels, type CachedModel } from './model-cache.ts';
export { removeCachedModel, type RemovedModel } from './remove-model.ts';
export { listLocalModels, type LocalModelRow } from './local-models.ts';
export {
  LOCAL_CATALOG, parseLocalModelId, localModelIdentity, hubUrl, cachedPathOf, ensureLocalModel, downloadNotice,
  type CatalogModel, type HubFile, type LocalModelSource, type EnsureModelOptions,
} from './catalog.ts';
export { localSettingsFrom, localContextSize, localTokenCounter, disposeLocalModels, loadBinding, DEFAULT_LOCAL_CONTEXT, type LocalRuntimeSettings } from './llama-host.ts';
export { createLocalLanguageModel, toChatHistory, LOCAL_DEFAULT_TEMPERATURE, type LocalLanguageModelOptions } from './local-language-model.ts';
export { toGrammarSchema, type GrammarSchema } from './grammar-schema.ts';
