import { perspectiveOf, type SceneEvent } from '../events/index.ts';
import { characterInLog, narratorNameOf, roundOf, stringList, turnOf } from './scene-log.ts';

export interface SceneTranscriptOptions {
  /** Show only what this character could perceive (its own thoughts included). Default: omniscient. */
  as?: string;
  /** Show thought events (default true). */
  showThoughts?: boolean;
  /** ANSI colors (default false). */
  color?: boolean;
}

/**
 * A scene log as a plain-text script: omniscient by default, with private events marked
 * (`[whisper Tomas → Mirela]`, `[to Mirela only]`) and thoughts indented under their turn;
 * with `as`, exactly what that character perceived. Throws when `as` names nobody in the log.
 * @example renderSceneTranscript(events, { as: 'Mirela' })
 */
export function renderSceneTranscript(events: readonly SceneEvent[], options: SceneTranscriptOptions = {}): string {
  const viewer = options.as;
  const visible = viewer === undefined ? [...events] : perspectiveOf(events, characterInLog(events, viewer));
  const showThoughts = options.showThoughts ?? true;
  const paint = painter(options.color ?? false);

  // A thought comes first in the log but reads best under the action or speech of its turn.
  const lastOfTurn = new Map<string, number>();
  visible.forEach((event, index) => {
    const turn = turnOf(event);
    if (turn !== undefined && event.kind !== 'thought') lastOfTurn.set(turn, index);
  });
  const underHost = new Map<number, SceneEvent[]>();
  const lines: string[] = [];
  let round: number | undefined;
  const roundHeader = (event: SceneEvent) => {
    const next = roundOf(event);
    if (next === undefined || next === round) return;
    round = next;
    lines.push(paint.dim(`-- round ${next} --`));
  };

  visible.forEach((event, index) => {
    if (event.kind === 'thought') {
      if (!showThoughts) return;
      const host = lastOfTurn.get(turnOf(event) ?? '');
      if (host !== undefined && host > index) {
        underHost.set(host, [...(underHost.get(host) ?? []), event]);
        return;
      }
      roundHeader(event);
      lines.push(renderThought(event, paint));
      return;
    }
    roundHeader(event);
    lines.push(...renderEvent(event, viewer === undefined, paint));
    for (const thought of underHost.get(index) ?? []) lines.push(renderThought(thought, paint));
  });
  return lines.join('\n');
}

/** The full events, one JSON object a line, ending with a newline (empty string for no events). */
export function toJsonl(events: readonly SceneEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

interface Paint {
  name(text: string): string;
  dim(text: string): string;
  mark(text: string): string;
  narration(text: string): string;
  warn(text: string): string;
}

function painter(color: boolean): Paint {
  const ansi = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { name: ansi('1'), dim: ansi('2'), mark: ansi('35'), narration: ansi('3'), warn: ansi('33') };
}

const endReasons: Record<string, string> = {
  'max-turns': 'turn limit reached',
  phrase: 'stop phrase said',
  narrator: 'the narrator ended the scene',
  'all-left': 'every character left',
};

function privateMarker(event: SceneEvent): string {
  if (event.visibility === 'all') return '';
  return `[to ${event.visibility.only.join(', ')} only] `;
}

function renderEvent(event: SceneEvent, omniscient: boolean, paint: Paint): string[] {
  const who = paint.name(event.actor);
  switch (event.kind) {
    case 'speech': {
      if (event.visibility === 'all') return [`${who}: ${event.text}`];
      const to = stringList(event.data?.to);
      const addressees = to.length > 0 ? to : event.visibility.only.filter((name) => name !== event.actor);
      return [`${paint.mark(`[whisper ${event.actor} → ${addressees.join(', ')}]`)} ${event.text}`];
    }
    case 'action': {
      const left = event.data?.left === true ? ` ${paint.dim('[leaves the scene]')}` : '';
      const text = event.text.replace(/^\*+|\*+$/g, '').trim();
      return [`${paint.mark(privateMarker(event))}${who}: ${text === '' ? '' : `*${text}*`}${left}`.trimEnd()];
    }
    case 'narration': {
      const lines = event.text.trim() === ''
        ? []
        : [`${paint.mark(privateMarker(event))}${paint.name(narratorNameOf(event))}: ${paint.narration(event.text)}`];
      const next = event.data?.next as { speaker?: unknown; reason?: unknown } | undefined;
      // The narrator's choice of speaker is its own reasoning: no character perceives it.
      if (omniscient && typeof next?.speaker === 'string') {
        const reason = typeof next.reason === 'string' && next.reason !== '' ? `: ${next.reason}` : '';
        lines.push(paint.dim(`  (${narratorNameOf(event)} gives the turn to ${next.speaker}${reason})`));
      }
      return lines;
    }
    case 'system':
      return renderSystem(event, paint);
    case 'thought':
      return [renderThought(event, paint)];
    default:
      return event.text === '' ? [] : [`${paint.mark(privateMarker(event))}[${event.kind}] ${event.text}`];
  }
}

function renderSystem(event: SceneEvent, paint: Paint): string[] {
  const data = event.data ?? {};
  const scene = data.scene as { title?: unknown; cast?: unknown; policy?: unknown } | undefined;
  if (scene !== undefined) {
    const title = typeof scene.title === 'string' ? scene.title : 'Scene';
    const policy = scene.policy === undefined ? '' : ` · policy: ${typeof scene.policy === 'string' ? scene.policy : JSON.stringify(scene.policy)}`;
    return [paint.name(`=== ${title} ===`), paint.dim(`cast: ${stringList(scene.cast).join(', ')}${policy}`)];
  }
  const next = data.next as { speaker?: unknown; reason?: unknown } | undefined;
  if (typeof next?.speaker === 'string' || data.end === true) {
    const reason = typeof next?.reason === 'string' && next.reason !== '' ? `: ${next.reason}` : '';
    return [paint.dim(typeof next?.speaker === 'string' ? `  (${narratorNameOf(event)} gives the turn to ${next.speaker}${reason})` : `  (${narratorNameOf(event)} ends the scene)`)];
  }
  if (data.warning !== undefined) {
    return [paint.warn(`! ${typeof data.warning === 'string' ? data.warning : event.text}`)];
  }
  const ended = data.end as { reason?: unknown } | undefined;
  if (ended !== undefined) {
    const reason = typeof ended.reason === 'string' ? endReasons[ended.reason] ?? ended.reason : 'ended';
    return [paint.name(`=== end: ${reason} ===`)];
  }
  return event.text === '' ? [] : [paint.dim(`[system] ${event.text}`)];
}

/** `  (Mirela thinks) belief: ...` with the following lines aligned under the first. */
function renderThought(event: SceneEvent, paint: Paint): string {
  const head = `  (${event.actor} thinks) `;
  const pad = ' '.repeat(head.length);
  const [first = '', ...rest] = event.text.split('\n');
  return paint.dim([`${head}${first}`, ...rest.map((line) => `${pad}${line}`)].join('\n'));
}
