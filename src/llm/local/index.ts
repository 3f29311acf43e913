// Groundwork for the `local:` provider (issue 5): reading and checking GGUF files, downloading models resumably
// with a verified hash, and the model cache. The provider on node-llama-cpp comes next.
export { readGgufHeader, checkGgufFile, ggmlTensorBytes, type GgufHeader, type GgufTensorInfo, type GgufValue } from './gguf.ts';
export { downloadModel, formatBytes, type DownloadOptions, type DownloadProgress, type DownloadResult, type OpenPartFile } from './download.ts';
export { modelCacheDir, listCachedModels, type CachedModel } from './model-cache.ts';
