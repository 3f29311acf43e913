import { describe, expect, it } from 'vitest';
import { historyMessages } from '../../src/agent/history.ts';
import { perspectiveOf, type SceneEvent } from '../../src/events/index.ts';
import { assemblePrompt } from '../../src/agent/prompt.ts';
import { countTokens } from '../../src/text/tokens.ts';

let seq = 0;
const ev = (e: Omit<SceneEvent, 'id' | 'episodeId' | 'seq' | 'at'>): SceneEvent => ({ id: `e${++seq}`, episodeId: 'x', seq, at: '', ...e });

const log: SceneEvent[] = [
  ev({ kind: 'narration', actor: 'narrator', text: 'A storm hits the lighthouse.', visibility: 'all' }),
  ev({ kind: 'thought', actor: 'Alice', text: 'ALICE-THOUGHT', data: { belief: 'ALICE-BELIEF' }, visibility: { only: ['Alice'] } }),
  ev({ kind: 'speech', actor: 'Alice', text: 'Good evening.', visibility: 'all' }),
  ev({ kind: 'speech', actor: 'Alice', text: 'WHISPER-TO-BOB', visibility: { only: ['Alice', 'Bob'] } }),
  ev({ kind: 'narration', actor: 'narrator', text: 'BOB-ONLY-NARRATION', visibility: { only: ['Bob'] } }),
  ev({ kind: 'thought', actor: 'Bob', text: 'BOB-THOUGHT', visibility: { only: ['Bob'] } }),
  ev({ kind: 'speech', actor: 'Bob', text: 'Evening.', visibility: 'all' }),
];

const promptFor = (name: string) => JSON.stringify(assemblePrompt({
  system: `You are ${name}.`, blocks: [], tail: 'Your turn.',
  history: historyMessages(perspectiveOf(log, name), { character: name, countTokens }),
}));

describe('perspectives: the only path from the log into a prompt', () => {
  it("keeps every private event out of a third character's prompt", () => {
    const carol = promptFor('Carol');
    for (const secret of ['ALICE-THOUGHT', 'ALICE-BELIEF', 'WHISPER-TO-BOB', 'BOB-ONLY-NARRATION', 'BOB-THOUGHT']) expect(carol).not.toContain(secret);
    expect(carol).toContain('A storm hits the lighthouse.');
    expect(carol).toContain('Alice: Good evening.');
    expect(carol).toContain('Bob: Evening.');
  });

  it('shows a whisper and private narration to their recipients only, and no one their own or others\' thoughts', () => {
    const bob = promptFor('Bob');
    expect(bob).toContain('WHISPER-TO-BOB');
    expect(bob).toContain('BOB-ONLY-NARRATION');
    expect(bob).not.toContain('ALICE-THOUGHT');
    expect(bob).not.toContain('BOB-THOUGHT');
    const alice = promptFor('Alice');
    expect(alice).not.toContain('BOB-ONLY-NARRATION');
    expect(alice).not.toContain('BOB-THOUGHT');
  });

  it("renders the character's own lines as assistant messages and others' as user messages", () => {
    const history = historyMessages(perspectiveOf(log, 'Bob'), { character: 'Bob', countTokens });
    expect(history.map((m) => m.role)).toEqual(['user', 'user', 'user', 'user', 'assistant']);
  });
});
