import { canSee, type SceneEvent } from '../../src/events/index.ts';
import type { Scene } from '../../src/scene/scene-schema.ts';
import type { FakeRequest } from './fake-llm/index.ts';

/** Who a request was made for: the name after "You are " in its system message, or 'narrator'. */
export function requestRole(request: FakeRequest): string {
  const system = request.body.messages?.find((m) => m.role === 'system');
  const text = typeof system?.content === 'string' ? system.content : JSON.stringify(system?.content ?? '');
  if (/the narrator and game master/.test(text)) return 'narrator';
  return /^You are ([^,]+),/.exec(text)?.[1] ?? 'unknown';
}

export interface Leak {
  request: number;
  role: string;
  leaked: string;
  /** Where the leaked text came from: `secret of X`, `thought of X (seq n)`, ... */
  source: string;
}

/** Private pieces of text (long enough to be distinctive) with where they came from. */
function privateTexts(scene: Scene, events: readonly SceneEvent[], role: string): { text: string; source: string }[] {
  const items: { text: string; source: string }[] = [];
  const add = (text: unknown, source: string) => {
    if (typeof text === 'string' && text.trim().length >= 12) items.push({ text: text.trim(), source });
  };
  for (const member of scene.cast) {
    if (member.name === role) continue;
    for (const secret of [...(member.character.secrets ?? []), ...member.privateSetup.secrets]) add(secret, `secret of ${member.name}`);
    for (const goal of [...(member.character.goals ?? []), ...member.privateSetup.goals]) add(goal, `goal of ${member.name}`);
    for (const note of member.privateSetup.notes) add(note, `private note of ${member.name}`);
  }
  for (const note of scene.narrator?.notes ?? []) add(note, 'narrator notes');
  for (const event of events) {
    if (canSee(event.visibility, role)) continue;
    add(event.text, `${event.kind} by ${event.actor} (seq ${event.seq}, visible to ${JSON.stringify(event.visibility)})`);
    if (event.kind === 'thought') {
      for (const key of ['belief', 'intention', 'desire', 'emotion', 'knowledge']) add(event.data?.[key], `thought.${key} of ${event.actor} (seq ${event.seq})`);
    }
    // A scenario kind's private report (a debater's opinion): its reason, also on its own.
    if (event.kind === 'report') add(event.data?.reason, `report.reason of ${event.actor} (seq ${event.seq})`);
  }
  return items;
}

/**
 * Every piece of private text (another character's secrets, goals and notes, the narrator's notes, and every
 * event the role may not see) found in a request made on behalf of a character. Text that also reached the
 * role legitimately (an event it may see, its own setup) is not a leak. The narrator is omniscient: skipped.
 */
export function findLeaks(scene: Scene, events: readonly SceneEvent[], requests: readonly FakeRequest[]): Leak[] {
  const leaks: Leak[] = [];
  const cast = new Set(scene.cast.map((c) => c.name));
  requests.forEach((request, index) => {
    const role = requestRole(request);
    if (role === 'narrator') return;
    if (!cast.has(role)) throw new Error(`request ${index} is for '${role}', who is not in the cast of "${scene.title}"`);
    const body = JSON.stringify(request.body.messages);
    const own = scene.cast.find((c) => c.name === role)!;
    const legit = [
      ...events.filter((e) => canSee(e.visibility, role)).map((e) => JSON.stringify(e.text)),
      JSON.stringify([...(own.character.secrets ?? []), ...own.privateSetup.secrets, ...own.privateSetup.goals, ...own.privateSetup.notes].join('\n')),
    ].join('\n');
    for (const item of privateTexts(scene, events, role)) {
      const needle = JSON.stringify(item.text).slice(1, -1);
      if (body.includes(needle) && !legit.includes(needle)) leaks.push({ request: index, role, leaked: item.text, source: item.source });
    }
  });
  return leaks;
}

/** A leak report that names the request, the role, what leaked and where it came from. */
export function describeLeaks(leaks: readonly Leak[], requests: readonly FakeRequest[]): string {
  return leaks.slice(0, 5).map((leak) => [
    `request #${leak.request} made for ${leak.role} contains ${leak.source}: "${leak.leaked.slice(0, 120)}"`,
    `  request messages: ${JSON.stringify(requests[leak.request].body.messages).slice(0, 2000)}`,
  ].join('\n')).join('\n');
}

/**
 * Card text the narrator saw outside its card fences: every cast member's description (its first 60 characters,
 * as the narrator shows it) and card secrets must sit inside `<card-NONCE label="...">` … `</card-NONCE>`.
 */
export function unfencedCardText(scene: Scene, requests: readonly FakeRequest[]): string[] {
  const found: string[] = [];
  for (const request of requests) {
    if (requestRole(request) !== 'narrator') continue;
    const system = request.body.messages?.find((m) => m.role === 'system');
    const text = typeof system?.content === 'string' ? system.content : '';
    const outside = text.replace(/<card-([0-9a-f]{12}) label="[^"]*">\n[\s\S]*?\n<\/card-\1>/g, '');
    for (const member of scene.cast) {
      const pieces = [member.character.description.replace(/\s+/g, ' ').trim().slice(0, 60), ...(member.character.secrets ?? [])];
      for (const piece of pieces) if (piece.length >= 12 && outside.includes(piece)) found.push(`${member.name}: "${piece}"`);
    }
  }
  return found;
}
