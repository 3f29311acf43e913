export { SCHEMA_DIALECTS, DIALECT_RULES, dialectFor, parseDialect, type SchemaDialect, type DialectRules } from './dialect.ts';
export { toDialectSchema, type DialectSchema } from './dialect-schema.ts';
export { structuredOutputMiddleware } from './middleware.ts';
export { modelProfile, noteStructuredOutputRefused, rejectsJsonSchema, structuredOutputRefused, withProfile, type ModelProfile, type StructuredOutputMode } from './model-profile.ts';
export { structuredText, type StructuredTextOptions } from './structured-text.ts';
export { extractJsonObject, stripReasoning } from './reply-json.ts';
export { toJsonSchema } from './json-schema.ts';
