import { RunError, type LookedFor } from '../run/index.ts';
import { UsageError } from './io.ts';

/** Where to find what a lookup did not find. */
const LIST_HINT: Record<LookedFor, string> = {
  'scene run': 'list them with: dramatis scene runs',
  'benchmark run': 'list them with: dramatis bench runs',
  run: 'list them with: dramatis scene runs, dramatis bench runs',
  'scene episode or run': 'list runs with: dramatis scene runs',
  'scene run or episode': 'list runs with: dramatis scene runs',
  session: 'list them with: dramatis sessions list',
};

export interface CliErrorContext {
  /** The command resumes a run: a missing run is a usage error (a wrong --resume). */
  resuming?: boolean;
  /** The flag behind each plan field, to name the ones a resume refused. */
  flags?: Record<string, string>;
}

/**
 * A failure of a library operation in the CLI's words: the command to list what a lookup did not find, the flags
 * behind the fields a resume refused, and usage errors (exit 2) for what the user typed wrong. Other errors pass
 * through unchanged.
 */
export function cliError(error: unknown, context: CliErrorContext = {}): unknown {
  if (!(error instanceof RunError)) return error;
  const id = error.id ?? '';
  switch (error.code) {
    case 'run/not-found': {
      const hint = LIST_HINT[error.lookedFor ?? 'run'];
      if (context.resuming) return new UsageError(`no ${error.lookedFor} with id '${id}'; ${hint}`);
      return Object.assign(new Error(`${error.message}; ${hint}`), { code: error.lookedFor === 'session' ? 'cli/no-session' : 'cli/not-found' });
    }
    case 'run/not-in-cast':
      return Object.assign(new Error(error.message), { code: 'cli/not-in-cast' });
    case 'run/exists':
      return new UsageError(`a run with id '${id}' already exists; continue it with --resume ${id}, or pick another --run-id`);
    case 'run/fixed-on-resume': {
      const flags = (error.fields ?? []).map((field) => context.flags?.[field] ?? field).join(', ');
      return new UsageError(`--resume continues run ${id} as it was planned; ${flags} cannot change it (start a new run instead)`);
    }
    case 'run/no-labels':
      return new UsageError('no Big Five labels: give a card with bigFive, or --labels openness=0.8,...');
    case 'run/several-scenes':
    case 'run/wrong-file':
      return new UsageError(error.message);
    default:
      return error;
  }
}

/** Runs `work`, reporting its failures in the CLI's words (see {@link cliError}). */
export async function inCliTerms<T>(work: () => Promise<T>, context: CliErrorContext = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw cliError(error, context);
  }
}
