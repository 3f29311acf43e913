import type { Candidate } from './lorebook-entry.ts';

/** Constant first, then higher `priority`, then higher `insertion_order` (SillyTavern keeps higher order under a budget), then book order. */
export function byBudgetPriority(a: Candidate, b: Candidate): number {
  return (
    Number(b.prepared.constant) - Number(a.prepared.constant) ||
    b.prepared.priority - a.prepared.priority ||
    b.prepared.entry.insertion_order - a.prepared.entry.insertion_order ||
    a.prepared.index - b.prepared.index
  );
}

/**
 * Inclusion groups (`extensions.group`, comma-separated): one entry per group, and none if an earlier round already
 * activated one. An override wins by highest order, else one draw weighted by `group_weight` over the group in book order.
 */
export function filterGroups(candidates: readonly Candidate[], activeGroups: ReadonlySet<string>, random: () => number): Candidate[] {
  const byGroup = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    for (const group of candidate.prepared.groups) {
      const members = byGroup.get(group);
      if (members) members.push(candidate);
      else byGroup.set(group, [candidate]);
    }
  }
  if (byGroup.size === 0) return [...candidates];
  const losers = new Set<Candidate>();
  for (const [group, members] of byGroup) {
    if (activeGroups.has(group)) {
      for (const member of members) losers.add(member);
      continue;
    }
    const contenders = members.filter((member) => !losers.has(member));
    if (contenders.length <= 1) continue;
    const overrides = contenders.filter((member) => member.prepared.groupOverride);
    const inBookOrder = [...contenders].sort((x, y) => x.prepared.index - y.prepared.index);
    const winner = overrides.length > 0 ? overrides.reduce(higherOrder) : weightedDraw(inBookOrder, random);
    for (const member of contenders) if (member !== winner) losers.add(member);
  }
  return candidates.filter((candidate) => !losers.has(candidate));
}

function higherOrder(a: Candidate, b: Candidate): Candidate {
  return b.prepared.entry.insertion_order > a.prepared.entry.insertion_order ? b : a;
}

function weightedDraw(members: readonly Candidate[], random: () => number): Candidate {
  const total = members.reduce((sum, member) => sum + Math.max(0, member.prepared.groupWeight), 0);
  const roll = random() * total;
  let reached = 0;
  for (const member of members) {
    reached += Math.max(0, member.prepared.groupWeight);
    if (roll < reached) return member;
  }
  return members[members.length - 1];
}
