import { z } from 'zod';
import type { Scene } from './scene-schema.ts';

/** A scenario kind (a plugin): what its `params` are and the rules it adds to every character's prompt. */
export interface ScenarioKind {
  name: string;
  description: string;
  /** Schema of the scene file's `params` for this kind; the parsed value becomes `Scene.params`. */
  params: z.ZodType;
  /** Rules shown to every character, or undefined when the kind adds none. */
  rules(scene: Scene): string | undefined;
}

const ConversationParams = z.object({
  /** What the characters talk about. */
  topic: z.string().trim().min(1).optional(),
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
};

/** The kinds this release ships; pass your own list to the scene reader to add kinds. */
export const defaultScenarioKinds: readonly ScenarioKind[] = [conversationKind];

/** The kind named `name`, or undefined. */
export function findScenarioKind(name: string, kinds: readonly ScenarioKind[] = defaultScenarioKinds): ScenarioKind | undefined {
  return kinds.find((kind) => kind.name === name);
}
