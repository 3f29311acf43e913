import type { JSONSchema7, LanguageModelV3CallOptions, LanguageModelV3Middleware } from '@ai-sdk/provider';
import type { SchemaDialect } from './dialect.ts';
import { toDialectSchema } from './dialect-schema.ts';

/**
 * Sends every structured-output schema in the provider's dialect (see {@link toDialectSchema}): the innermost
 * middleware, so the response cache keys on what the engine asked for. Each schema is rewritten once.
 */
export function structuredOutputMiddleware(dialect: SchemaDialect): LanguageModelV3Middleware {
  const rewritten = new WeakMap<JSONSchema7, JSONSchema7>();
  const schemaFor = (schema: JSONSchema7): JSONSchema7 => {
    let converted = rewritten.get(schema);
    if (!converted) rewritten.set(schema, (converted = toDialectSchema(schema, dialect).schema));
    return converted;
  };
  return {
    specificationVersion: 'v3',
    async transformParams({ params }): Promise<LanguageModelV3CallOptions> {
      const format = params.responseFormat;
      if (format?.type !== 'json' || !format.schema) return params;
      return { ...params, responseFormat: { ...format, schema: schemaFor(format.schema) } };
    },
  };
}
