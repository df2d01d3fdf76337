/**
 * The operator-facing classification of a failure. Pure data (no SDK import) so screens and the
 * state file can carry it; `src/aws/errors.ts` builds it from SDK exceptions.
 */
export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'quota'
  | 'conflict'
  | 'throttled'
  | 'transient'
  | 'not-found'
  | 'invalid'
  | 'aborted'
  | 'unknown';

export interface ClassifiedError {
  kind: ErrorKind;
  /** The AWS error code (e.g. UnauthorizedOperation) or our own. */
  code?: string;
  /** What happened, in one line. */
  message: string;
  /** What the operator can do about it. */
  hint: string;
  /** Whether retrying the same call later may succeed on its own. */
  retryable: boolean;
}
