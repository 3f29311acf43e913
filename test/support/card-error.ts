import { expect } from 'vitest';
import { CardError } from '../../src/character/errors.ts';

/** Runs `run`, expecting it to throw a CardError, and returns that error for assertions on code and message. */
export function cardError(run: () => unknown): CardError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CardError);
    return error as CardError;
  }
  throw new Error('expected a CardError');
}
