import type { CliIo } from './io.ts';

/** An action module: its actions take the CLI's io first, then what commander passes (arguments, options, the command). */
type ActionOf<M, K extends keyof M> = M[K] extends (io: CliIo, ...args: infer A) => Promise<void> ? A : never;

/**
 * A commander action that loads its module when the command runs, so that `dramatis --version` and every
 * `--help` load no library code (decision 0021). When the action ends, the module's `afterCommand` runs if it
 * has one: modules that may load local models release them there.
 * @example .action(lazyAction(io, () => import('./scene-actions.ts'), 'sceneRun'))
 */
export function lazyAction<M, K extends keyof M>(io: CliIo, load: () => Promise<M>, name: K): (...args: ActionOf<M, K>) => Promise<void> {
  return async (...args) => {
    const module = await load();
    const action = module[name] as (io: CliIo, ...args: ActionOf<M, K>) => Promise<void>;
    try {
      await action(io, ...args);
    } finally {
      await (module as { afterCommand?: () => Promise<void> }).afterCommand?.();
    }
  };
}
