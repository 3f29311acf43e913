import { z } from 'zod';
import type { SceneEvent } from '../events/index.ts';
import type { Scene } from './scene-schema.ts';
import { debateKind } from './debate-kind.ts';
import { participation } from './participation.ts';

export { participation } from './participation.ts';

/** A scenario kind (a plugin): what its `params` are and the rules it adds to every character's prompt. */
export interface ScenarioKind {
  name: string;
  description: string;
  /** Schema of the scene file's `params` for this kind; the parsed value becomes `Scene.params`. */
  params: z.ZodType;
  /** Rules shown to every character, or undefined when the kind adds none. */
  rules(scene: Scene): string | undefined;
  /** Figures of one finished episode (stored with the run's job, shown by `scene show RUN`). */
  metrics(scene: Scene, events: readonly SceneEvent[]): Record<string, number>;
  /** A private report every character present makes before the first round and after each (e.g. a debater's opinion). */
  report?: PrivateReport;
}

/**
 * A report each character gives privately at every round boundary, asked of its own model on its own prompt (its
 * perspective only), stored as a `report` event only it can see. A kind with reports runs `rounds(scene)` rounds.
 */
export interface PrivateReport {
  /** Rounds of an episode: the scene reader sets `turns.max` to rounds × cast; it ends after the last round's reports. */
  rounds(scene: Scene): number;
  /** What the character is asked, after its prompt; `earlier` are its own earlier reports. */
  ask(scene: Scene, round: number, earlier: readonly SceneEvent[]): string;
  /** The report's fields (sent as the JSON schema of the reply; `read` checks the reply all the same). */
  schema(scene: Scene): z.ZodType;
  /** A reply (parsed JSON) as the event's text and data, or why it is refused (it is asked again once, then the episode fails). */
  read(scene: Scene, value: unknown, round: number): { ok: true; text: string; data: Record<string, unknown> } | { ok: false; error: string };
}

/** One parameter of a kind, as `scene kinds` lists it. */
export interface KindParam {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

/** A kind's name, description and params, read from its params schema. */
export interface KindDescription {
  name: string;
  description: string;
  params: KindParam[];
  /** Rounds of private reports (kinds with `report` only). */
  reports: boolean;
}

/**
 * Every kind with its params (name, type, default, description), from each kind's zod schema.
 * @example describeScenarioKinds().map((k) => k.name) // ['conversation', 'debate']
 */
export function describeScenarioKinds(kinds: readonly ScenarioKind[] = defaultScenarioKinds): KindDescription[] {
  return kinds.map((kind) => {
    const schema = z.toJSONSchema(kind.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const required = new Set(schema.required ?? []);
    const params = Object.entries(schema.properties ?? {}).map(([name, property]): KindParam => ({
      name,
      type: typeName(property),
      required: required.has(name) && property.default === undefined,
      ...(property.default === undefined ? {} : { default: property.default }),
      ...(property.description ? { description: property.description } : {}),
    }));
    return { name: kind.name, description: kind.description, params, reports: kind.report !== undefined };
  });
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
}

/** A short type name: `string`, `integer >= 1`, `[number, number]`, `one of a, b`. */
function typeName(schema: JsonSchema): string {
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' or ');
  if (schema.prefixItems) return `[${schema.prefixItems.map(typeName).join(', ')}]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type ?? 'any';
  if (type === 'array' && schema.items && !Array.isArray(schema.items)) return `list of ${typeName(schema.items)}`;
  // zod's integers carry the safe-integer range as bounds: not worth a mention.
  const bound = (value: number | undefined) => value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER;
  const bounds = [bound(schema.minimum) && `>= ${schema.minimum}`, bound(schema.maximum) && `<= ${schema.maximum}`].filter(Boolean);
  return bounds.length ? `${type} ${bounds.join(' ')}` : type;
}

const ConversationParams = z.object({
  /** What the characters talk about. */
  topic: z.string().trim().min(1).optional().describe('What the characters talk about'),
}).strict();

/** Free conversation between the cast, optionally on a topic. */
export const conversationKind: ScenarioKind = {
  name: 'conversation',
  description: 'Free conversation between the cast, optionally about a topic (params: topic)',
  params: ConversationParams,
  rules(scene) {
    const { topic } = ConversationParams.parse(scene.params);
    return topic === undefined ? undefined : `The conversation is about: ${topic}.`;
  },
  metrics: participation,
};

/** The kinds this release ships; pass your own list to the scene reader to add kinds. */
export const defaultScenarioKinds: readonly ScenarioKind[] = [conversationKind, debateKind];

/** The kind named `name`, or undefined. */
export function findScenarioKind(name: string, kinds: readonly ScenarioKind[] = defaultScenarioKinds): ScenarioKind | undefined {
  return kinds.find((kind) => kind.name === name);
}
