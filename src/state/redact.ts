/** Placeholder that replaces every known secret. */
export const REDACTED = '[redacted]';

/** Shorter strings are too likely to occur by chance to be replaced everywhere. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Keeps secrets (DB passwords, Stripe keys, the GitLab root password) out of state, logs and the
 * screen: the engine passes every log line and error message through `redact`. Besides the secret
 * as is, its JSON-escaped and URL-encoded forms are replaced (it may appear inside a JSON body or
 * a connection URL).
 */
export class SecretRedactor {
  private readonly needles = new Set<string>();
  /** Longest first, so a secret containing another is replaced whole. */
  private sorted: string[] = [];

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) this.needles.add(form);
    this.sorted = [...this.needles].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const needle of this.sorted) {
      if (result.includes(needle)) result = result.split(needle).join(REDACTED);
    }
    return result;
  }
}
