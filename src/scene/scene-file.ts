import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseCharacterJson, readCharacterFile, CardError, formatFieldPath, lorebookKeyWarnings, type Character } from '../character/index.ts';
import { readInputText, issueMessage, objectKeysAt, parseYamlWithLines, type Locate, type Path } from '../text/index.ts';
import { SceneError, sceneInputFailure, type SceneErrorCode } from './errors.ts';
import { defaultScenarioKinds, findScenarioKind, type ScenarioKind } from './scenario-kinds.ts';
import { SceneFile, type CastEntry, type CastMember, type NarratorSetup, type Scene } from './scene-schema.ts';
import { defaultTurnPolicies, findTurnPolicy } from './turn-policies/index.ts';
import type { TurnPolicy } from './turn-policy.ts';

export type { Locate };

export interface ResolveSceneOptions {
  /** Names the scene in error messages; `Scene.file` is its absolute path. */
  file?: string;
  /** Directory that `card:` paths are relative to. */
  baseDir: string;
  /** Scenario kinds known to this reader (default: the shipped ones). */
  kinds?: readonly ScenarioKind[];
  /** Turn policies known to this reader (default: the shipped ones). */
  policies?: readonly TurnPolicy[];
  /** Maps a key path to a line, for messages. */
  locate?: Locate;
  /** Size limit in bytes for the cast's card files (default: the card limit, 20 MiB). */
  maxBytes?: number;
}

export interface ReadSceneOptions {
  kinds?: readonly ScenarioKind[];
  policies?: readonly TurnPolicy[];
  /** Size limit in bytes for the scene file and its card files (default: 4 MiB for scenes, 20 MiB for cards). */
  maxBytes?: number;
}

interface Problem { code: SceneErrorCode; path: Path; message: string }

const RESERVED_NAMES = new Set(['user', 'system', 'narrator']);

/**
 * Reads a scene file (YAML) and resolves it: validated, cards loaded relative to the file, names checked.
 * @example const scene = await readSceneFile('examples/scenes/lighthouse.yaml')
 */
export async function readSceneFile(path: string, options: ReadSceneOptions = {}): Promise<Scene> {
  const text = await readInputText(path, { kind: 'scene', maxBytes: options.maxBytes, fail: sceneInputFailure });
  return parseSceneText(text, { file: path, baseDir: dirname(resolve(path)), kinds: options.kinds, policies: options.policies, maxBytes: options.maxBytes });
}

/** Parses and resolves scene YAML; `baseDir` is where `card:` paths start, `file` names the text in errors. */
export async function parseSceneText(text: string, options: Omit<ResolveSceneOptions, 'locate'>): Promise<Scene> {
  const parsed = parseYamlWithLines(text, options.file ?? '(scene)', 'scene file');
  if (!parsed.ok) throw new SceneError('scene/yaml', parsed.problems.join('\n'), { file: options.file, line: parsed.line, problems: parsed.problems });
  return resolveScene(parsed.value, { ...options, locate: parsed.locate });
}

/**
 * Validates a scene given as a value (parsed YAML or JSON, or a `SceneFile` built in code) and resolves it.
 * Every problem is reported at once, each with its line when `locate` is given.
 */
export async function resolveScene(value: unknown, options: ResolveSceneOptions): Promise<Scene> {
  const label = options.file ?? '(scene)';
  const locate: Locate = options.locate ?? (() => undefined);
  const fail: (problems: Problem[]) => never = (problems) => {
    const lines = problems.map((problem) => describeProblem(label, locate, problem));
    throw new SceneError(problems[0].code, lines.join('\n'), { file: options.file, line: locate(problems[0].path), problems: lines });
  };

  if (value === null || value === undefined) {
    fail([{ code: 'scene/invalid', path: [], message: 'the scene file is empty; a scene needs at least `title` and `cast`' }]);
  }
  const parsed = SceneFile.safeParse(value);
  if (!parsed.success) fail(zodProblems(parsed.error.issues, [], SceneFile));
  const data = parsed.data;

  const kinds = options.kinds ?? defaultScenarioKinds;
  const kind = findScenarioKind(data.kind, kinds);
  if (kind === undefined) {
    fail([{ code: 'scene/unknown-kind', path: ['kind'], message: `unknown scenario kind "${data.kind}"; known kinds: ${kinds.map((k) => k.name).join(', ')}` }]);
  }
  const params = kind.params.safeParse(data.params);
  if (!params.success) fail(zodProblems(params.error.issues, ['params'], kind.params));
  const policies = options.policies ?? defaultTurnPolicies;
  const policy = findTurnPolicy(data.turns.policy, policies);
  if (policy === undefined) {
    fail([{ code: 'scene/policy', path: ['turns', 'policy'], message: `unknown turn policy "${data.turns.policy}"; known policies: ${policies.map((p) => p.name).join(', ')}` }]);
  }

  const characters = await loadCast(data.cast, { ...options, label, locate });
  const built = buildScene(data, characters, { params: params.data as Record<string, unknown>, policy, file: options.file, baseDir: options.baseDir }, fail);
  // A kind with private reports runs its rounds: every character speaks once a round.
  const scene = kind.report ? { ...built, turns: { ...built.turns, max: kind.report.rounds(built) * built.cast.length } } : built;
  const warnings = castWarnings(characters, { label, locate });
  return warnings.length ? { ...scene, warnings } : scene;
}

async function loadCast(cast: CastEntry[], options: ResolveSceneOptions & { label: string; locate: Locate }): Promise<Character[]> {
  const settled = await Promise.allSettled(cast.map((entry, index) => loadCastCharacter(entry, index, options)));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Character>).value);
}

/** Lorebook keys of the cast that can never match (skipped or invalid regexes), each at its cast entry's line. */
function castWarnings(characters: readonly Character[], { label, locate }: { label: string; locate: Locate }): string[] {
  return characters.flatMap((character, index) => {
    if (!character.character_book) return [];
    const line = locate(['cast', index]);
    const where = `${line === undefined ? label : `${label}:${line}`}: cast[${index}] (${character.name})`;
    return lorebookKeyWarnings(character.character_book, 'character_book').map((warning) => `${where}: ${warning}`);
  });
}

async function loadCastCharacter(entry: CastEntry, index: number, { baseDir, label, locate, file, maxBytes }: ResolveSceneOptions & { label: string; locate: Locate }): Promise<Character> {
  const at = (path: Path) => {
    const line = locate(path);
    return line === undefined ? label : `${label}:${line}`;
  };
  if (entry.card !== undefined) {
    try {
      return (await readCharacterFile(resolve(baseDir, entry.card), { maxBytes })).character;
    } catch (error) {
      const reason = error instanceof CardError ? `${error.message} (${error.code})` : (error as Error).message;
      const path = ['cast', index, 'card'];
      throw new SceneError('scene/card', `${at(path)}: cast[${index}]: cannot load the card ${entry.card}: ${reason}`, { file, line: locate(path), cause: error });
    }
  }
  try {
    return parseCharacterJson({ ...entry.character }, { path: `cast[${index}].character` }).character;
  } catch (error) {
    if (!(error instanceof CardError)) throw error;
    const path = ['cast', index, 'character', ...fieldPath(error.field)];
    throw new SceneError('scene/character', `${at(path)}: ${error.message}`, { file, line: locate(path), cause: error });
  }
}

interface Resolved { params: Record<string, unknown>; policy: TurnPolicy; file?: string; baseDir: string }

function buildScene(data: SceneFile, characters: Character[], { params, policy, file, baseDir }: Resolved, fail: (problems: Problem[]) => never): Scene {
  const problems: Problem[] = [];
  const names = characters.map((character) => character.name.trim());
  const byName = new Map<string, string>();
  names.forEach((name, index) => {
    const key = name.toLowerCase();
    if (RESERVED_NAMES.has(key)) {
      problems.push({ code: 'scene/reserved-name', path: ['cast', index], message: `the name "${name}" is reserved (user, system and narrator are); rename the character` });
    } else if (byName.has(key)) {
      problems.push({ code: 'scene/duplicate-name', path: ['cast', index], message: `two cast members are named "${name}" (also cast[${names.findIndex((other) => other.toLowerCase() === key)}]); names must be unique` });
    } else byName.set(key, name);
  });
  const castList = names.join(', ');
  /** The cast member's name as written in the cast, or undefined after recording a problem at `path`. */
  const castName = (name: string, path: Path, orNarrator = false): string | undefined => {
    const found = byName.get(name.trim().toLowerCase());
    const what = orNarrator ? 'neither the narrator nor a cast member' : 'not a cast member';
    if (found === undefined) problems.push({ code: 'scene/unknown-name', path, message: `"${name}" is ${what}; cast names: ${castList}` });
    return found;
  };

  const narratorSection = data.narrator?.enabled ? data.narrator : undefined;
  if (narratorSection && byName.has(narratorSection.name.trim().toLowerCase())) {
    problems.push({ code: 'scene/duplicate-name', path: ['narrator', 'name'], message: `the narrator is named "${narratorSection.name}" like a cast member; rename one of them` });
  }

  const modelsByName: Record<string, string> = {};
  for (const [name, model] of Object.entries(data.models.characters ?? {})) {
    const found = castName(name, ['models', 'characters', name]);
    if (found !== undefined) modelsByName[found] = model;
  }

  const cast: CastMember[] = data.cast.map((entry, index) => {
    const name = names[index];
    const relationships = Object.entries(entry.relationships ?? {}).flatMap(([other, text]) => {
      const path = ['cast', index, 'relationships', other];
      const found = castName(other, path);
      if (found === name) problems.push({ code: 'scene/unknown-name', path, message: `a relationship of ${name} with itself; relationships are with the other cast members (${castList})` });
      return found === undefined || found === name ? [] : [`About ${found}: ${text}`];
    });
    const model = entry.model ?? modelsByName[name];
    return {
      name,
      character: characters[index],
      source: entry.card === undefined ? 'inline' : resolve(baseDir, entry.card),
      privateSetup: {
        secrets: [...(entry.secret ?? []), ...(entry.secrets ?? [])],
        goals: entry.goals ?? [],
        notes: [...(entry.opinions ?? []).map((opinion) => `Your private opinion: ${opinion}`), ...relationships, ...(entry.notes ?? [])],
      },
      talkativeness: entry.talkativeness ?? 0.5,
      ...(model === undefined ? {} : { model }),
    };
  });

  const order: string[] = [];
  (data.turns.order ?? []).forEach((name, index) => {
    const found = castName(name, ['turns', 'order', index]);
    if (found === undefined) return;
    if (order.includes(found)) problems.push({ code: 'scene/duplicate-name', path: ['turns', 'order', index], message: `"${found}" appears twice in turns.order; list each cast member once` });
    else order.push(found);
  });
  for (const name of names) if (!order.includes(name)) order.push(name);

  const narratorAliases = new Set(['narrator', ...(narratorSection ? [narratorSection.name.trim().toLowerCase()] : [])]);
  const opening = data.opening.map((event, index) => {
    const isNarrator = narratorAliases.has(event.actor.trim().toLowerCase());
    const actor = isNarrator ? 'narrator' : castName(event.actor, ['opening', index, 'actor'], true) ?? event.actor;
    const to = event.to?.map((name, position) => castName(name, ['opening', index, 'to', position]) ?? name);
    return { actor, kind: event.kind ?? (isNarrator ? 'narration' as const : 'speech' as const), text: event.text, ...(to === undefined ? {} : { to }) };
  });

  for (const message of policy.check({ cast: names, narrator: narratorSection !== undefined })) {
    problems.push({ code: 'scene/policy', path: ['turns', 'policy'], message });
  }
  if (problems.length > 0) fail(problems);

  const narrator: NarratorSetup | undefined = narratorSection && {
    name: narratorSection.name,
    ...(narratorSection.style === undefined ? {} : { style: narratorSection.style }),
    ...optional('model', narratorSection.model ?? data.models.narrator),
    perspective: narratorSection.perspective,
    notes: narratorSection.notes ?? [],
    ...optional('every', narratorSection.every),
    opens: narratorSection.opens,
  };
  return {
    ...optional('file', file === undefined ? undefined : resolve(file)),
    title: data.title,
    kind: data.kind,
    params,
    ...optional('setting', data.setting),
    cast,
    ...optional('narrator', narrator),
    turns: { policy: policy.name, max: data.turns.max, order, allowRepeat: data.turns.allowRepeat },
    stop: { ...optional('phrase', data.stop.phrase), narrator: data.stop.narrator, allLeave: data.stop.allLeave },
    models: { ...optional('default', data.models.default), ...optional('narrator', data.models.narrator), characters: modelsByName },
    sampling: data.sampling,
    seed: data.seed,
    opening,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function describeProblem(label: string, locate: Locate, problem: Problem): string {
  const line = locate(problem.path);
  const where = line === undefined ? label : `${label}:${line}`;
  return problem.path.length === 0 ? `${where}: ${problem.message}` : `${where}: ${formatFieldPath(problem.path)}: ${problem.message}`;
}

/** `bigFive.openness` or `a[0].b` back to a path. */
function fieldPath(field: string | undefined): Path {
  if (!field || field === '(root)') return [];
  return field.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function zodProblems(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: Path, schema: z.ZodType): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(schema, issue.path);
      const hint = allowed ? `; allowed keys: ${allowed.join(', ')}` : '';
      return issue.keys.map((key) => ({ code: 'scene/invalid', path: [...path, key], message: `unknown key${hint}` }));
    }
    return [{ code: 'scene/invalid', path, message: issueMessage(issue) }];
  });
}
