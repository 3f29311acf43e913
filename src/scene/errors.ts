import type { InputFailure } from '../text/index.ts';

/** Stable codes of scene file failures. */
export type SceneErrorCode =
  | 'scene/not-found'
  | 'scene/not-a-file'
  | 'scene/too-large'
  | 'scene/encoding'
  | 'scene/read'
  | 'scene/yaml'
  | 'scene/invalid'
  | 'scene/unknown-kind'
  | 'scene/card'
  | 'scene/character'
  | 'scene/duplicate-name'
  | 'scene/reserved-name'
  | 'scene/unknown-name'
  | 'scene/policy'
  | 'scene/characterbox'
  | 'scene/pick'
  | 'scene/report';

/**
 * A scene file that could not be read or resolved; `code` is stable (`scene/...`).
 * Each line of the message is one problem, `FILE:LINE: path.to.key: what was wrong`.
 */
export class SceneError extends Error {
  readonly code: SceneErrorCode;
  /** The scene file, as given by the caller. */
  readonly file?: string;
  /** Line (1-based) of the first problem, when known. */
  readonly line?: number;
  /** Every problem, one line each (the message joins them). */
  readonly problems: string[];

  constructor(code: SceneErrorCode, message: string, options?: { file?: string; line?: number; problems?: string[]; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'SceneError';
    this.code = code;
    this.file = options?.file;
    this.line = options?.line;
    this.problems = options?.problems ?? [message];
  }
}

/** The shared input reader's failures as scene errors (`scene/not-found`, `scene/too-large`...). */
export function sceneInputFailure(failure: InputFailure): SceneError {
  return new SceneError(`scene/${failure.problem}`, failure.message, { file: failure.path, cause: failure.cause });
}
