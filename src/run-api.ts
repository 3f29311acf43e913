/**
 * `dramatis/run`: the service layer. The operations every front end calls (the CLI, a server, workers) with plain
 * options (a Store, an environment, callbacks) and plain results; failures are `RunError` values with stable codes.
 * @example
 * import { openStore } from 'dramatis';
 * import { listSceneRuns, resumeSceneRun } from 'dramatis/run';
 * const store = openStore('.dramatis/dramatis.db');
 * for (const row of await listSceneRuns(store)) if (row.status === 'stopped') await resumeSceneRun({ store, env: process.env, runId: row.id });
 */
export * from './run/index.ts';
