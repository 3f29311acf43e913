// `node --import ./trace-imports.mjs ...` writes `import URL` on stderr for every module the process resolves
// (test/cli/startup.test.ts: what a command loads before it runs).
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stderr.write('import ' + resolved.url + '\\n');
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
