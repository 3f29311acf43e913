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

    it('appends only if the log still ends where the caller read it (afterSeq), or creates the episode with its first events', async () => {
      await store.createEpisode({ id: 'c', kind: 'chat', title: 't' });
      const speech = (text: string) => ({ kind: 'speech' as const, actor: 'user', text, visibility: 'all' as const });
      await store.appendEvents('c', [speech('one')], { afterSeq: 0 });
      await expect(store.appendEvents('c', [speech('stale')], { afterSeq: 0 })).rejects.toMatchObject({ code: 'store/conflict' });
      await store.appendEvents('c', [speech('two')], { afterSeq: 1 });
      expect((await store.listEvents('c')).map((e) => e.text)).toEqual(['one', 'two']);
      const created = await store.appendEvents('n', [speech('hello')], { create: { kind: 'chat', title: 'new', meta: { a: 1 } }, meta: { b: 2 } });
      expect(created.map((e) => e.seq)).toEqual([1]);
      expect(await store.getEpisode('n')).toMatchObject({ kind: 'chat', title: 'new', meta: { a: 1, b: 2 } });
      await expect(store.appendEvents('n', [speech('again')], { create: { kind: 'chat', title: 'new' } })).rejects.toMatchObject({ code: 'store/conflict' });
      expect(await store.listEvents('n')).toHaveLength(1);
    });

    it('lets a check refuse a run update under the write lock', async () => {
      await store.createRun({ id: 'owned', kind: 'scene', title: 't', meta: { owner: 'someone' } }, []);
      const refuse = (run: { meta: Record<string, unknown> }) => { if (run.meta.owner) throw Object.assign(new Error('taken'), { code: 'run/busy' }); };
      await expect(store.updateRun('owned', { meta: { owner: 'me' } }, { check: refuse })).rejects.toMatchObject({ code: 'run/busy' });
      expect((await store.getRun('owned'))?.meta.owner).toBe('someone');
    });

    it('deletes an episode with its events and usage; renames and forks one', async () => {
      await store.createEpisode({ id: 'e1', kind: 'chat', title: 'T', meta: { card: 'c.json' } });
      await store.appendEvents('e1', [1, 2, 3, 4].map((n) => ({ kind: 'speech' as const, actor: 'user', text: `line ${n}`, visibility: 'all' as const })));
      await store.recordUsage({ episodeId: 'e1', model: 'm', inputTokens: 5, outputTokens: 1, cached: false });
      const renamed = await store.renameEpisode('e1', 'e2');
      expect(renamed).toMatchObject({ id: 'e2', title: 'T', meta: { card: 'c.json' } });
      expect(await store.getEpisode('e1')).toBeUndefined();
      expect((await store.listEvents('e2')).map((e) => e.text)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
      expect((await store.usageTotals({ episodeId: 'e2' })).calls).toBe(1);
      await expect(store.renameEpisode('e2', 'e2')).rejects.toMatchObject({ code: 'store/duplicate' });

      const fork = await store.forkEpisode('e2', { id: 'f', throughSeq: 2, meta: { forked: true } });
      expect(fork).toMatchObject({ id: 'f', kind: 'chat', status: 'active', meta: { forked: true } });
      const copied = await store.listEvents('f');
      expect(copied.map((e) => [e.seq, e.text])).toEqual([[1, 'line 1'], [2, 'line 2']]);
      const originals = await store.listEvents('e2');
      expect(copied.map((e) => e.id)).not.toEqual(originals.slice(0, 2).map((e) => e.id));
      expect((await store.usageTotals({ episodeId: 'f' })).calls).toBe(0);

      const removed = await store.deleteEpisode('e2');
      expect(removed).toEqual({ events: 4, usageRows: 1, memoriesKept: [] });
      expect(await store.listEvents('e2')).toEqual([]);
      expect((await store.usageTotals({ episodeId: 'e2' })).calls).toBe(0);
      expect(await store.listEvents('f')).toHaveLength(2);
      await expect(store.deleteEpisode('e2')).rejects.toMatchObject({ code: 'store/not-found' });
    });

    it('deletes a run with its jobs, the episodes its jobs name, their events and the run\'s usage', async () => {
      await store.createRun({ id: 'r', kind: 'scene', title: 't' }, [{ id: 'e0', input: { episodeId: 'r-e0' } }, { id: 'e1', input: { episodeId: 'r-e1' } }]);
      await store.createEpisode({ id: 'r-e0', kind: 'scene', title: 't' });
      await store.appendEvents('r-e0', [{ kind: 'narration', actor: 'narrator', text: 'Night.', visibility: 'all' }]);
      await store.createEpisode({ id: 'other', kind: 'chat', title: 'kept' });
      await store.recordUsage({ episodeId: 'r-e0', runId: 'r', model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
      await store.recordUsage({ episodeId: 'other', model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
      const refuse = () => { throw Object.assign(new Error('busy'), { code: 'run/busy' }); };
      await expect(store.deleteRun('r', { check: refuse })).rejects.toMatchObject({ code: 'run/busy' });
      expect(await store.getRun('r')).toBeDefined();
      expect(await store.deleteRun('r')).toEqual({ jobs: 2, episodes: 1, events: 1, usageRows: 1, memoriesKept: [] });
      expect(await store.getRun('r')).toBeUndefined();
      expect(await store.listJobs('r')).toEqual([]);
      expect(await store.getEpisode('r-e0')).toBeUndefined();
      expect(await store.getEpisode('other')).toBeDefined();
      expect((await store.usageTotals()).calls).toBe(1);
    });

    it('refuses a duplicate run and unknown jobs', async () => {
      await store.createRun({ id: 'r', kind: 'scene', title: 't' }, []);
      await expect(store.createRun({ id: 'r', kind: 'scene', title: 't' }, [])).rejects.toMatchObject({ code: 'store/duplicate' });
      await expect(store.updateJob('r', 'ghost', { status: 'done' })).rejects.toMatchObject({ code: 'store/not-found' });
      await expect(store.updateRun('ghost', { status: 'done' })).rejects.toMatchObject({ code: 'store/not-found' });
    });
  });
}
