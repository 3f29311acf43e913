import { z } from 'zod';
import { conversationKind, debateKind, participation, type ScenarioKind } from '../../src/scene/index.ts';
import { runScenarioKindContract } from './scenario-kind-contract.ts';

runScenarioKindContract(conversationKind, {
  valid: ['{}', '{ topic: the mill }'],
  invalid: [{ params: '{ topic: "" }', field: 'params.topic' }, { params: '{ topic: [a, b] }', field: 'params.topic' }],
});

const DebateParams = z.object({ motion: z.string().min(1), rounds: z.number().int().min(1).default(2) }).strict();

/** A kind as a plugin would write one (issue 16 adds many): required params, rules from them, its own metric. */
const motionKind: ScenarioKind = {
  name: 'motion',
  description: 'A debate on a motion (params: motion, rounds)',
  params: DebateParams,
  rules: (scene) => `Debate the motion "${DebateParams.parse(scene.params).motion}".`,
  metrics: (scene, events) => ({ ...participation(scene, events), motionMentions: events.filter((e) => e.kind === 'speech' && /motion/i.test(e.text)).length }),
};

runScenarioKindContract(motionKind, {
  valid: ['{ motion: the mill stays }', '{ motion: sell, rounds: 3 }'],
  invalid: [{ params: '{}', field: 'params.motion' }, { params: '{ motion: sell, rounds: 0 }', field: 'params.rounds' }],
});

runScenarioKindContract(debateKind, {
  valid: ['{ topic: the mill should be sold }', '{ topic: sell it, scale: [0, 10], rounds: 2 }'],
  invalid: [
    { params: '{}', field: 'params.topic' },
    { params: '{ topic: sell, rounds: 0 }', field: 'params.rounds' },
    { params: '{ topic: sell, scale: [7, 1] }', field: 'params.scale' },
    { params: '{ topic: sell, scale: [1, 2.5] }', field: 'params.scale[1]' },
    { params: '{ topic: sell, scale: 7 }', field: 'params.scale' },
  ],
});
