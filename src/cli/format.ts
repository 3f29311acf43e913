import { thoughtText, type Thought } from '../agent/index.ts';
import type { SceneEvent } from '../events/index.ts';

export interface TranscriptOptions {
  userName: string;
  showThoughts: boolean;
  /** Number each line with its event's seq. */
  seq?: boolean;
}

/** One event as a transcript line; `undefined` for events that are not shown. */
export function formatEvent(event: SceneEvent, options: TranscriptOptions): string | undefined {
  const who = event.actor === 'user' ? options.userName : event.actor;
  switch (event.kind) {
    case 'speech': return `${who}: ${event.text}`;
    case 'action': return `${who}: *${event.text.replace(/^\*+|\*+$/g, '')}*`;
    case 'thought': return options.showThoughts ? indent(`(${who} thinks)\n${event.text}`) : undefined;
    case 'narration': return `[narration] ${event.text}`;
    default: return undefined;
  }
}

export function formatTranscript(events: readonly SceneEvent[], options: TranscriptOptions): string {
  return events.flatMap((event) => {
    const line = formatEvent(event, options);
    if (line === undefined) return [];
    return [options.seq ? `#${event.seq} ${line}` : line];
  }).join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

/** A thought as it is shown while a reply streams, in the same layout as a stored thought event. */
export function formatThought(who: string, thought: Thought): string {
  return indent(`(${who} thinks)\n${thoughtText(thought)}`);
}
