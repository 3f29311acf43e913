import type { PersonalityAlignment, PersonalityLabel } from '../eval/index.ts';
import { EMOTIONS, type Memory } from '../memory-model/index.ts';
import type { MemoryCharacter } from '../store/index.ts';
import type { PersonalityCondition } from '../run/index.ts';
import type { RecallResult } from '../memory/index.ts';

// How the memory commands print what the operations return.

/** `Mirela: 12 memories, 12 embedded (768 dimensions, ollama:nomic-embed-text)`. */
export function memoryCharacterLine(c: MemoryCharacter): string {
  return `${c.character}: ${c.count} memories, ${c.embedded} embedded${c.dimension ? ` (${c.dimension} dimensions${c.embeddingModel ? `, ${c.embeddingModel}` : ''})` : ''}`;
}

/** `memory list --character NAME`: one line a memory (seq, kind, owner, time, strongest emotions, text). */
export function memoryLinesTable(memories: readonly Omit<Memory, 'embedding'>[]): string[] {
  const width = Math.max(...memories.map((m) => ownerLabel(m).length));
  return memories.map((m) => `${String(m.seq).padStart(4)}  ${m.kind.padEnd(10)}  ${ownerLabel(m).padEnd(width)}  ${m.at.slice(0, 19)}  ${emotionSummary(m.emotion).padEnd(16)}  ${oneLine(m.text, 90)}`);
}

/** `memory search`: the ranked memories with their distances and score. */
export function recalledLines(character: string, result: RecallResult): string[] {
  return [`${character}, ${result.strategy}:`, ...result.memories.map((r) => {
    const distances = [r.dSem === undefined ? '' : `d_sem ${r.dSem.toFixed(3)}`, r.dEmo === undefined ? '' : `d_emo ${r.dEmo.toFixed(3)}`].filter(Boolean).join('  ');
    const owner = r.memory.owner === undefined ? '' : `[${r.memory.owner}] `;
    return `${String(r.rank).padStart(3)}. ${r.score.toFixed(4)}  ${distances ? `${distances}  ` : ''}${owner}${oneLine(r.memory.text, 80)}`;
  })];
}

/** `memory eval`: each dimension's label and score per condition, then the alignment rows. */
export function personalityTable(conditions: readonly PersonalityCondition[], labels: Record<string, PersonalityLabel>, dimensions: readonly string[]): string[] {
  const width = Math.max(...dimensions.map((d) => d.length), 'full profile'.length);
  const lines = [`${'DIMENSION'.padEnd(width)}  LABEL     ${conditions.map((c) => c.name.padStart(10)).join('  ')}`];
  for (const dimension of dimensions) {
    const label = labels[dimension];
    const scores = conditions.map((c) => {
      const score = c.result.dimensions.find((d) => d.dimension === dimension)?.score;
      return (score === undefined ? '-' : score.toFixed(2)).padStart(10);
    });
    lines.push(`${dimension.padEnd(width)}  ${(label ? `${label.score.toFixed(2)} ${label.type}` : '-').padEnd(8)}  ${scores.join('  ')}`);
  }
  const row = (name: string, value: (a: PersonalityAlignment) => number) =>
    `${name.padEnd(width)}  ${''.padEnd(8)}  ${conditions.map((c) => value(c.alignment).toFixed(3).padStart(10)).join('  ')}`;
  lines.push(
    row('accuracy', (a) => a.singleAccuracy.all ?? Number.NaN),
    row('full profile', (a) => a.fullAccuracy),
    row('MSE', (a) => a.mse.all ?? Number.NaN),
    row('MAE', (a) => a.mae.all ?? Number.NaN),
  );
  return lines;
}

/** The owner column of `memory list`: the user's name, or (shared). */
function ownerLabel(memory: Pick<Memory, 'owner'>): string {
  return memory.owner ?? '(shared)';
}

/** The strongest emotions of a memory, e.g. "fear 9 sadness 8". */
function emotionSummary(emotion: number[] | undefined): string {
  if (!emotion) return '-';
  return EMOTIONS.map((name, i) => [name, emotion[i]!] as const).filter(([, score]) => score > 1).sort((a, b) => b[1] - a[1]).slice(0, 2)
    .map(([name, score]) => `${name} ${score}`).join(' ') || 'calm';
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
