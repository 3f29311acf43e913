import type { SceneEvent } from '../events/index.ts';
import type { TokenCounter } from '../text/index.ts';

/** One message of a character's history, derived from its perspective. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  /** The actor of the message's events ('user', a character, 'narrator'). */
  speaker: string;
  text: string;
  /** Sequence number of the last event folded into this message. */
  seq: number;
  tokens: number;
}

export interface HistoryOptions {
  character: string;
  /** Counts each message's tokens; without it `tokens` is 0 (for callers that know the prompt fits). */
  countTokens?: TokenCounter;
  /** Token counts by event id, kept across turns so each text is counted once. */
  tokenCache?: Map<string, number>;
}

/**
 * Renders a perspective as chat messages: the character's own action and speech of one turn become one
 * assistant message; everything else it perceived becomes user messages. Its own thoughts are not replayed.
 */
export function historyMessages(events: readonly SceneEvent[], options: HistoryOptions): HistoryMessage[] {
  const messages: HistoryMessage[] = [];
  const cache = options.tokenCache;
  const count = (id: string, text: string) => {
    const hit = cache?.get(id);
    if (hit !== undefined) return hit;
    if (!options.countTokens) return 0;
    const n = options.countTokens(text);
    cache?.set(id, n);
    return n;
  };
  let openTurn: string | undefined;
  for (const event of events) {
    if (event.kind === 'thought' || event.kind === 'state' || event.kind === 'system') continue;
    const own = event.actor === options.character;
    const text = renderEvent(event, own, options.character);
    const tokens = count(event.id, text);
    const turn = typeof event.data?.turn === 'string' ? event.data.turn : undefined;
    const last = messages.at(-1);
    if (own && last?.role === 'assistant' && turn !== undefined && turn === openTurn) {
      last.text += ` ${text}`;
      last.tokens += tokens;
      last.seq = event.seq;
      continue;
    }
    messages.push({ role: own ? 'assistant' : 'user', speaker: event.actor, text, seq: event.seq, tokens });
    openTurn = own ? turn : undefined;
  }
  return messages;
}

function renderEvent(event: SceneEvent, own: boolean, character: string): string {
  if (event.kind === 'narration') {
    const only = event.visibility === 'all' ? undefined : event.visibility.only.filter((name) => name !== character);
    return only === undefined ? `[Narration] ${event.text}` : `[Narration, for you${only.length ? ` and ${only.join(', ')}` : ' only'}] ${event.text}`;
  }
  // A scenario kind's private report (a debater's opinion): only its author perceives it, and it was not said aloud.
  if (event.kind === 'report') return `[Private report, heard by nobody] ${event.text}`;
  const to = whisperedTo(event);
  if (own) {
    const text = event.kind === 'action' ? `*${event.text.replace(/^\*+|\*+$/g, '')}*` : event.text;
    return to ? `(whispering to ${to.join(', ')}) ${text}` : text;
  }
  if (event.kind === 'action') {
    const action = `*${event.text.replace(/^\*+|\*+$/g, '')}*`;
    return event.actor === 'user' ? action : `${event.actor}: ${action}`;
  }
  if (event.actor === 'user') return event.text;
  return to ? `${event.actor} (whispering to ${to.map((name) => (name === character ? 'you' : name)).join(', ')}): ${event.text}` : `${event.actor}: ${event.text}`;
}

/** The names a whispered speech was addressed to, if it was a whisper. */
function whisperedTo(event: SceneEvent): string[] | undefined {
  const to = event.data?.to;
  return Array.isArray(to) && to.length > 0 ? to.map(String) : undefined;
}
