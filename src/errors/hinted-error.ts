/**
 * An error that says what went wrong and what to do about it. The message and the hint are what the
 * operator reads (the failure screen, the plain renderer, the log): neither may quote a secret.
 * Subclasses only name themselves; the error classifier reads `hint` as the fix.
 */
export class HintedError extends Error {
  override readonly name: string = 'HintedError';
  constructor(
    message: string,
    /** What the operator can do about it. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
