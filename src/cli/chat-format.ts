import { waitText, type TurnRetryEvent } from '../agent/index.ts';
import type { ChatSession, ChatTurn } from '../scene/index.ts';
import { formatEvent } from './format.ts';
import { writeLine, type CliIo } from './io.ts';

// How a chat prints its turns and what happened to them.

/** Memory notes a user should see: what could not be remembered. */
export function reportMemory(turn: ChatTurn, io: CliIo): void {
  if (turn.memoryError) writeLine(io.stderr, `note: this turn's memories were not written (${turn.memoryError}); the next turn tries again`);
}

/** A turn's events as transcript lines (the user's own line left out). */
export function printTurn(turn: ChatTurn, session: ChatSession, showThoughts: boolean, io: CliIo): void {
  for (const event of turn.events) {
    if (event.actor === 'user') continue;
    const line = formatEvent(event, { userName: session.userName, showThoughts });
    if (line) writeLine(io.stdout, line);
  }
}

export function warnTurnRetry(event: TurnRetryEvent, io: CliIo): void {
  writeLine(io.stderr, `warning: the turn failed: ${event.reason} [${event.code}]; trying it again in ${waitText(event.delayMs)} (turn retry ${event.retry} of ${event.retries})`);
}
