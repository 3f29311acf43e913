/** Stable codes of the operations' failures. */
export type RunErrorCode =
  /** No run, episode or session with that id (`kind` says what was looked for, `where` in which store). */
  | 'run/not-found'
  /** A run of another kind than asked (a scene run given to a benchmark operation). */
  | 'run/other-kind'
  /** A live process is executing the run. */
  | 'run/busy'
  /** A new run's id is taken. */
  | 'run/exists'
  /** A resume was asked to change what its run planned (`fields`): models, episodes, seed... */
  | 'run/fixed-on-resume'
  /** A scene source holds several scenes and none was picked (`FILE#ID`). */
  | 'run/several-scenes'
  /** A perspective that names nobody of the episode's cast. */
  | 'run/not-in-cast'
  /** A run ended with failed or unfinished jobs. */
  | 'run/incomplete'
  /** A personality evaluation without Big Five labels to compare with. */
  | 'run/no-labels'
  /** A file of another kind than the operation takes (not a CharacterBox scene file). */
  | 'run/wrong-file';

/** What a {@link RunError} with `run/not-found` looked for. */
export type LookedFor = 'scene run' | 'benchmark run' | 'run' | 'scene episode or run' | 'scene run or episode' | 'session';

export interface RunErrorDetails {
  /** The id the failure is about: a run, an episode, a session. */
  id?: string;
  /** `run/not-found`: what was looked for. */
  lookedFor?: LookedFor;
  /** `run/not-found`: where it was looked for (`in the store at PATH`, or that there is no store there yet). */
  where?: string;
  /** `run/fixed-on-resume`: the plan fields given, in the order of the plan. */
  fields?: string[];
  cause?: unknown;
}

/**
 * A failure of an operation on runs, episodes or sessions (start, resume, show, delete...); `code` is stable
 * (`run/...`). The details name what it is about, so that each front end can say it in its own terms (a flag, a
 * URL) without parsing the message.
 */
export class RunError extends Error {
  readonly code: RunErrorCode;
  readonly id?: string;
  readonly lookedFor?: LookedFor;
  readonly where?: string;
  readonly fields?: string[];

  constructor(code: RunErrorCode, message: string, details: RunErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'RunError';
    this.code = code;
    this.id = details.id;
    this.lookedFor = details.lookedFor;
    this.where = details.where;
    this.fields = details.fields;
  }
}
