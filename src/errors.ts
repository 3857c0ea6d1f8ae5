import { countOf } from './labels.js';
import type { SourceLocation } from './model/catalog.js';
import type { Setting } from './model/settings.js';

export type { Setting } from './model/settings.js';

/** Stable error codes: scripts may match on them. */
export type ErrorCode =
  | 'SPEC_NOT_FOUND'
  | 'SPEC_SYNTAX'
  | 'SPEC_INVALID'
  | 'SPEC_TOO_LARGE'
  | 'URL_INVALID'
  | 'CONNECTION_FAILED'
  | 'PREFLIGHT_FAILED'
  | 'SQL_FAILED'
  | 'LOCK_TIMEOUT'
  /** The connection was lost during apply; the message says what the catalog, read again, holds. */
  | 'APPLY_INTERRUPTED'
  /** A statement or a step ran past its time bound, or the server stopped answering. */
  | 'TIMEOUT'
  | 'APPLY_REFUSED'
  | 'HAZARD_DENIED'
  | 'VERIFY_FAILED'
  | 'PLAN_STALE'
  | 'PLAN_FILE_INVALID'
  | 'OUTPUT_FAILED'
  | 'MODELS_INVALID'
  | 'GIT_FAILED'
  | 'TARGETS_INVALID'
  | 'FLEET_REPORT_INVALID'
  | 'USAGE';

/** One problem found in a spec or a plan; many are reported together. */
export interface Problem {
  readonly message: string;
  readonly source: SourceLocation | undefined;
  /** Settings that would get past the problem. */
  readonly settings?: readonly Setting[];
  /** Lines shown under the problem: sample values, a query to run. */
  readonly detail?: readonly string[];
}

export function formatProblem(problem: Problem): string {
  const { source } = problem;
  return source ? `${source.file}:${source.line}:${source.column}: ${problem.message}` : problem.message;
}

/** The one error type fkdiff throws on purpose; the CLI prints `message` (and `problems`) only. */
export class FkdiffError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];
  /** Settings that would get past the error. */
  readonly settings: readonly Setting[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; problems?: readonly Problem[]; settings?: readonly Setting[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FkdiffError';
    this.code = code;
    this.problems = options.problems ?? [];
    this.settings = options.settings ?? [];
  }
}

/** Many problems as one error: the message counts them, each problem is reported on its own line. */
export function problemsError(code: ErrorCode, what: string, problems: readonly Problem[]): FkdiffError {
  return new FkdiffError(code, `${what}: ${countOf(problems.length, 'problem')}`, { problems });
}
