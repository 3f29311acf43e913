import { dirname, isAbsolute, resolve } from 'node:path';
import { formatFieldPath } from '../character/index.ts';
import { readInputText, issueMessage, objectKeysAt, parseYamlWithLines, type Locate } from '../text/index.ts';
import { BUILT_IN_BENCHMARKS } from './benchmarks/index.ts';
import { BenchmarkDefinition } from './definition.ts';
import { EvalError, evalInputFailure } from './errors.ts';
import { findLoader } from './loaders/index.ts';
import { createScorer } from './scorers/index.ts';

/** A benchmark ready to load: its definition, where its data is, where it came from. */
export interface ResolvedBenchmark {
  definition: BenchmarkDefinition;
  /** Absolute path of the data (the definition's `dataset.path`, or `--data`). */
  dataPath: string;
  /** `built-in` or the YAML file's absolute path. */
  origin: string;
}

/**
 * A benchmark by built-in name (`tomato`) or YAML file (`examples/bench/x.yaml`). `data` (`--data`) overrides
 * the definition's dataset path; built-ins need it. Scorers and the loader are checked now, before any model call.
 * @example await resolveBenchmark('tomato', { data: 'tomato_fb.json', cwd })
 */
export async function resolveBenchmark(nameOrPath: string, options: { data?: string; cwd: string; maxBytes?: number }): Promise<ResolvedBenchmark> {
  const builtIn = BUILT_IN_BENCHMARKS.find((b) => b.name === nameOrPath);
  let definition: BenchmarkDefinition;
  let origin: string;
  let baseDir: string;
  if (builtIn) {
    definition = BenchmarkDefinition.parse(builtIn);
    origin = 'built-in';
    baseDir = options.cwd;
  } else if (/\.ya?ml$/i.test(nameOrPath)) {
    origin = resolve(options.cwd, nameOrPath);
    definition = await readBenchmarkFile(origin, { maxBytes: options.maxBytes });
    baseDir = dirname(origin);
  } else {
    throw new EvalError('eval/unknown-benchmark', `no built-in benchmark named '${nameOrPath}' (known: ${BUILT_IN_BENCHMARKS.map((b) => b.name).join(', ')}); or give a benchmark YAML file`);
  }
  const loader = findLoader(definition.dataset.loader);
  definition.scorers.forEach(createScorer);
  const given = options.data ?? definition.dataset.path;
  if (!given) {
    throw new EvalError('eval/bad-definition', `benchmark ${definition.name} needs its data: pass --data PATH (loader ${loader.name} expects ${loader.format}; released at ${loader.source})`);
  }
  const dataPath = options.data ? resolve(options.cwd, options.data) : isAbsolute(given) ? given : resolve(baseDir, given);
  return { definition: { ...definition, dataset: { ...definition.dataset, path: dataPath } }, dataPath, origin };
}

/** Reads a benchmark YAML file (at most 4 MiB unless `maxBytes` says otherwise); every problem is reported at once as `FILE:LINE: field: message`. */
export async function readBenchmarkFile(path: string, options: { maxBytes?: number } = {}): Promise<BenchmarkDefinition> {
  const text = await readInputText(path, { kind: 'benchmark', maxBytes: options.maxBytes, fail: evalInputFailure });
  return parseBenchmarkText(text, path);
}

/** Parses benchmark YAML text; `label` names it in errors. */
export function parseBenchmarkText(text: string, label: string): BenchmarkDefinition {
  const parsed = parseYamlWithLines(text, label, 'benchmark file');
  if (!parsed.ok) throw new EvalError('eval/bad-definition', parsed.problems.join('\n'), { problems: parsed.problems });
  const result = BenchmarkDefinition.safeParse(parsed.value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(BenchmarkDefinition, issue.path);
      return issue.keys.map((key) => located(label, parsed.locate, [...issue.path, key], `unknown key${allowed ? `; allowed keys: ${allowed.join(', ')}` : ''}`));
    }
    return [located(label, parsed.locate, issue.path, issueMessage(issue))];
  });
  throw new EvalError('eval/bad-definition', problems.join('\n'), { problems });
}

function located(label: string, locate: Locate, path: ReadonlyArray<PropertyKey>, message: string): string {
  const line = locate(path);
  const where = line === undefined ? label : `${label}:${line}`;
  return path.length ? `${where}: ${formatFieldPath(path)}: ${message}` : `${where}: ${message}`;
}
