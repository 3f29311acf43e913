import { describe, expect, it } from 'vitest';
import { AgentError } from '../../src/agent/errors.ts';
import { retryTurn, transientTurnFailure, type TurnAttempt } from '../../src/agent/turn-retry.ts';
import { LlmError } from '../../src/llm/errors.ts';

const llm = (code: ConstructorParameters<typeof LlmError>[0]) => new LlmError(code, `failed with ${code}`);
const agent = (code: string) => new AgentError(code, `failed with ${code}`);

/** A turn that fails with `failures` in order, then returns 'done'; it records its attempts. */
function scripted(failures: Error[]) {
  const attempts: TurnAttempt[] = [];
  const turn = async (attempt: TurnAttempt) => {
    attempts.push(attempt);
    const failure = failures[attempt.index];
    if (failure) throw failure;
    return 'done';
  };
  return { turn, attempts };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retryTurn', () => {
  it('tries the whole turn again after transient failures, waiting longer each time with jitter', async () => {
    const { turn, attempts } = scripted([llm('llm/stream-cut'), llm('llm/rate-limited'), llm('llm/server-error')]);
    const { waits, sleep } = recordingSleep();
    const warned: string[] = [];
    const result = await retryTurn(turn, { sleep, random: () => 1, onRetry: (e) => warned.push(`${e.retry}/${e.retries} ${e.code}: ${e.reason}`) });
    expect(result).toEqual({ value: 'done', retries: 3 });
    expect(attempts.map((a) => a.index)).toEqual([0, 1, 2, 3]);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(warned).toEqual([
      '1/3 llm/stream-cut: failed with llm/stream-cut',
      '2/3 llm/rate-limited: failed with llm/rate-limited',
      '3/3 llm/server-error: failed with llm/server-error',
    ]);
    const jittered = recordingSleep();
    await retryTurn(scripted([llm('llm/timeout'), llm('llm/network')]).turn, { sleep: jittered.sleep, random: () => 0, baseDelayMs: 100, maxDelayMs: 150 });
    expect(jittered.waits).toEqual([50, 75]);
  });

  it('throws the last failure unchanged once the retries are spent', async () => {
    const last = agent('agent/invalid-output');
    const { turn, attempts } = scripted([llm('llm/stream-cut'), agent('agent/invalid-output'), last]);
    await expect(retryTurn(turn, { retries: 2, sleep: async () => {} })).rejects.toBe(last);
    expect(attempts).toHaveLength(3);
    const none = scripted([llm('llm/stream-cut')]);
    await expect(retryTurn(none.turn, { retries: 0, sleep: async () => {} })).rejects.toMatchObject({ code: 'llm/stream-cut' });
    expect(none.attempts).toHaveLength(1);
  });

  it('does not retry what would fail again: rejected requests, auth, a prompt too large, a cancelled turn, unknown errors', async () => {
    for (const error of [llm('llm/bad-request'), llm('llm/auth'), llm('llm/no-api-key'), agent('agent/context-too-small'), agent('agent/aborted'), agent('agent/model-failed'), new Error('a bug')]) {
      const { turn, attempts } = scripted([error]);
      await expect(retryTurn(turn, { sleep: async () => {} })).rejects.toBe(error);
      expect(attempts).toHaveLength(1);
    }
    expect(transientTurnFailure(llm('llm/stream-cut'))).toBe('llm/stream-cut');
    expect(transientTurnFailure({ code: 'llm/bad-request' })).toBeUndefined();
    expect(transientTurnFailure(null)).toBeUndefined();
  });

  it('counts the attempts that failed on the model output, so a caller can sample anew', async () => {
    const { turn, attempts } = scripted([llm('llm/stream-cut'), agent('agent/invalid-output'), llm('llm/server-error'), agent('agent/empty-summary')]);
    await retryTurn(turn, { retries: 4, sleep: async () => {} });
    expect(attempts.map((a) => a.resamples)).toEqual([0, 0, 1, 1, 2]);
  });

  it('stops at once when the caller aborts, during a wait or within an attempt, and cancels the failed attempt', async () => {
    const controller = new AbortController();
    const { turn, attempts } = scripted([llm('llm/stream-cut'), llm('llm/stream-cut')]);
    const sleep = async () => {
      controller.abort(new Error('stop'));
      throw new Error('stop');
    };
    await expect(retryTurn(turn, { abortSignal: controller.signal, sleep })).rejects.toThrow('stop');
    expect(attempts).toHaveLength(1);
    // The failed attempt's own signal was aborted (its parallel calls stop); the caller's follows into new attempts.
    expect(attempts[0].signal.aborted).toBe(true);

    const aborted = new AbortController();
    const cut = llm('llm/stream-cut');
    const inner = scripted([]);
    const turnThatSeesAbort = async (attempt: TurnAttempt) => {
      inner.attempts.push(attempt);
      aborted.abort();
      throw cut;
    };
    await expect(retryTurn(turnThatSeesAbort, { abortSignal: aborted.signal, sleep: async () => {} })).rejects.toBe(cut);
    expect(inner.attempts).toHaveLength(1);
    expect(inner.attempts[0].signal.aborted).toBe(true);
  });
});
