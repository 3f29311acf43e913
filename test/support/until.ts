import { setTimeout as delay } from 'node:timers/promises';
import { vi } from 'vitest';

// node:timers/promises is not among the globals that vi.useFakeTimers replaces: these waits run on real time even in
// a test that fakes the clock.

/** Waits until `condition` holds, polling every 20 ms; fails after `ms` naming `what`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited >= ms) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/**
 * With fake timers: moves the fake clock on `stepMs` at a time, letting sockets deliver what each step's timers
 * released, until `condition` holds. The fake time it took is a lower bound that the test can assert exactly,
 * however slow the machine.
 */
export async function advanceUntil(condition: () => boolean, what: string, stepMs = 5, maxSteps = 4_000): Promise<void> {
  for (let step = 0; !condition(); step++) {
    if (step === maxSteps) throw new Error(`${what}: not reached after ${stepMs * maxSteps} ms of fake time`);
    await vi.advanceTimersByTimeAsync(stepMs);
    await delay(1);
  }
}
