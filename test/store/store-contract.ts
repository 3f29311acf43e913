import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { Store } from '../../src/store/index.ts';

/** The one behaviour every Store implementation must have (SQLite now, Postgres later). */
export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('creates, reads, lists and updates episodes, merging meta', async () => {
      const created = await store.createEpisode({ id: 's1', kind: 'chat', title: 'Seraphina', meta: { card: 'a.png', user: 'Ann' } });
      expect(created).toMatchObject({ id: 's1', kind: 'chat', status: 'active', meta: { card: 'a.png' } });
      await store.createEpisode({ kind: 'scene', title: 'Lighthouse' });
      expect((await store.listEpisodes()).map((e) => e.title)).toEqual(['Seraphina', 'Lighthouse']);
      expect((await store.listEpisodes({ kind: 'chat' })).map((e) => e.id)).toEqual(['s1']);
      const updated = await store.updateEpisode('s1', { status: 'done', meta: { user: 'Bob' } });
      expect(updated.meta).toEqual({ card: 'a.png', user: 'Bob' });
      expect((await store.getEpisode('s1'))?.status).toBe('done');
      expect(await store.getEpisode('nope')).toBeUndefined();
    });

    it('refuses a duplicate episode id', async () => {
      await store.createEpisode({ id: 'dup', kind: 'chat', title: 'x' });
      await expect(store.createEpisode({ id: 'dup', kind: 'chat', title: 'y' })).rejects.toMatchObject({ code: 'store/duplicate' });
    });

    it('appends events with increasing seq and keeps data and visibility', async () => {
      await store.createEpisode({ id: 'e', kind: 'chat', title: 't' });
      const first = await store.appendEvents('e', [
        { kind: 'speech', actor: 'user', text: 'hi', visibility: 'all' },
        { kind: 'thought', actor: 'Ann', text: 'hm', data: { belief: 'b' }, visibility: { only: ['Ann'] } },
      ], { meta: { turns: 1 } });
      const second = await store.appendEvents('e', [{ kind: 'speech', actor: 'Ann', text: 'hello', visibility: 'all' }]);
      expect(first.map((e) => e.seq)).toEqual([1, 2]);
      expect(second[0].seq).toBe(3);
      const events = await store.listEvents('e');
      expect(events).toEqual([...first, ...second]);
      expect(events[1]).toMatchObject({ data: { belief: 'b' }, visibility: { only: ['Ann'] } });
      expect(events[0].data).toBeUndefined();
      expect((await store.getEpisode('e'))?.meta).toEqual({ turns: 1 });
    });

    it('appends nothing when the episode does not exist', async () => {
      await expect(store.appendEvents('ghost', [{ kind: 'speech', actor: 'user', text: 'x', visibility: 'all' }]))
        .rejects.toMatchObject({ code: 'store/not-found' });
      expect(await store.listEvents('ghost')).toEqual([]);
    });

    it('caches responses by key', async () => {
      expect(await store.cacheGet('k')).toBeUndefined();
      await store.cachePut('k', { text: 'hi', usage: { inputTokens: 3 } });
      expect((await store.cacheGet('k'))?.value).toEqual({ text: 'hi', usage: { inputTokens: 3 } });
    });

    it('sums usage per episode and overall', async () => {
      await store.recordUsage({ episodeId: 'a', model: 'm', inputTokens: 10, outputTokens: 5, cached: false });
      await store.recordUsage({ episodeId: 'a', model: 'm', inputTokens: 10, outputTokens: 5, cached: true });
      await store.recordUsage({ model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
      expect(await store.usageTotals({ episodeId: 'a' })).toEqual({ calls: 2, cachedCalls: 1, inputTokens: 20, outputTokens: 10 });
      expect((await store.usageTotals()).calls).toBe(3);
    });

    it('sums usage per run and per model', async () => {
      await store.recordUsage({ episodeId: 'a', runId: 'r', model: 'm1', inputTokens: 10, outputTokens: 5, cached: false });
      await store.recordUsage({ episodeId: 'b', runId: 'r', model: 'm2', inputTokens: 7, outputTokens: 3, cached: false });
      await store.recordUsage({ episodeId: 'c', runId: 'other', model: 'm1', inputTokens: 100, outputTokens: 100, cached: false });
      expect(await store.usageTotals({ runId: 'r' })).toEqual({ calls: 2, cachedCalls: 0, inputTokens: 17, outputTokens: 8 });
      expect(await store.usageByModel({ runId: 'r' })).toEqual([
        { model: 'm1', calls: 1, cachedCalls: 0, inputTokens: 10, outputTokens: 5 },
        { model: 'm2', calls: 1, cachedCalls: 0, inputTokens: 7, outputTokens: 3 },
      ]);
    });

    it('creates a run with pending jobs, updates them and counts them', async () => {
      const run = await store.createRun({ id: 'r1', kind: 'scene', title: 'Lighthouse', meta: { seed: 7 } }, [
        { id: 'j0', input: { episode: 0 } }, { id: 'j1', input: { episode: 1 } }, { id: 'j2', input: { episode: 2 } },
      ]);
      expect(run).toMatchObject({ id: 'r1', kind: 'scene', status: 'running', meta: { seed: 7 } });
      expect((await store.listJobs('r1')).map((j) => [j.id, j.index, j.status, j.attempts])).toEqual([
        ['j0', 0, 'pending', 0], ['j1', 1, 'pending', 0], ['j2', 2, 'pending', 0],
      ]);
      await store.updateJob('r1', 'j0', { status: 'running', attempt: true });
      await store.updateJob('r1', 'j0', { status: 'done', result: { turns: 4 } });
      expect((await store.listJobs('r1'))[0]).toMatchObject({ status: 'done', attempts: 1, result: { turns: 4 }, input: { episode: 0 } });
      await store.updateJob('r1', 'j1', { status: 'failed', error: 'llm/timeout' });
      expect((await store.listJobs('r1', { status: ['failed'] }))[0]).toMatchObject({ id: 'j1', error: 'llm/timeout' });
      await store.updateJob('r1', 'j1', { status: 'running', attempt: true });
      expect((await store.listJobs('r1'))[1]).toMatchObject({ status: 'running', attempts: 1 });
      expect((await store.listJobs('r1'))[1].error).toBeUndefined();
      expect(await store.jobCounts('r1')).toEqual({ pending: 1, running: 1, done: 1, failed: 0, total: 3 });
      const finished = await store.updateRun('r1', { status: 'done', meta: { note: 'x' } });
      expect(finished.meta).toEqual({ seed: 7, note: 'x' });
      expect((await store.listRuns({ kind: 'scene' })).map((r) => r.id)).toEqual(['r1']);
      expect(await store.listRuns({ kind: 'bench' })).toEqual([]);
      expect(await store.getRun('nope')).toBeUndefined();
    });

    it('refuses a duplicate run and unknown jobs', async () => {
      await store.createRun({ id: 'r', kind: 'scene', title: 't' }, []);
      await expect(store.createRun({ id: 'r', kind: 'scene', title: 't' }, [])).rejects.toMatchObject({ code: 'store/duplicate' });
      await expect(store.updateJob('r', 'ghost', { status: 'done' })).rejects.toMatchObject({ code: 'store/not-found' });
      await expect(store.updateRun('ghost', { status: 'done' })).rejects.toMatchObject({ code: 'store/not-found' });
    });
  });
}
