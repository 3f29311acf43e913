import type { SceneEvent } from '../events/index.ts';
import type { Scene } from './scene-schema.ts';

/** Per-character participation in an episode: speech turns, words, whispers, departures, private narration. */
export function participation(scene: Scene, events: readonly SceneEvent[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  const add = (key: string, n = 1) => { metrics[key] = (metrics[key] ?? 0) + n; };
  for (const member of scene.cast) metrics[`turns.${member.name}`] = 0;
  for (const event of events) {
    if (event.kind === 'speech' && metrics[`turns.${event.actor}`] !== undefined) {
      add(`turns.${event.actor}`);
      add(`words.${event.actor}`, event.text.split(/\s+/).filter(Boolean).length);
      if (Array.isArray(event.data?.to)) add('whispers');
    }
    if (event.kind === 'action' && event.data?.left === true) add('departures');
    if (event.kind === 'narration' && event.visibility !== 'all' && !event.data?.opening) add('privateNarrations');
    if (event.kind === 'system' && event.data?.warning) add('warnings');
  }
  const turns = scene.cast.map((m) => metrics[`turns.${m.name}`]);
  const total = turns.reduce((a, b) => a + b, 0);
  // Balance: 1 when every character spoke equally often, towards 0 when one dominated (normalized entropy).
  metrics.balance = total === 0 || turns.length < 2 ? 1
    : Math.max(0, -turns.filter((t) => t > 0).reduce((h, t) => h + (t / total) * Math.log(t / total), 0) / Math.log(turns.length));
  return metrics;
}
