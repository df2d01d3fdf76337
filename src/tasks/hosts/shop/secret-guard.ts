/**
 * A second fence around an app's secrets for commands whose output we do not control (`docker compose
 * up --build` prints whatever the vendor's Dockerfile echoes): their lines and errors pass through
 * `maskSecrets` before they reach progress or the state file. The first fence is never sending a secret
 * anywhere but a 0600 file or SSH stdin.
 */

export const MASK = '[redacted]';

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so a secret containing another is masked whole; short strings would mask by chance.
  for (const secret of [...secrets].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join(MASK);
  }
  return result;
}

/** Runs `body`; an error whose message or hint holds a secret is replaced by a masked copy (name, fix and hint kept). */
export async function withSecretsMasked<T>(secrets: readonly string[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const fields = error as Error & { hint?: unknown; fix?: unknown };
    const texts = [error.message, typeof fields.hint === 'string' ? fields.hint : '', typeof fields.fix === 'string' ? fields.fix : ''];
    if (texts.every((text) => maskSecrets(text, secrets) === text)) throw error;
    const masked = new Error(maskSecrets(error.message, secrets)) as Error & { hint?: string; fix?: string };
    masked.name = error.name;
    if (typeof fields.hint === 'string') masked.hint = maskSecrets(fields.hint, secrets);
    if (typeof fields.fix === 'string') masked.fix = maskSecrets(fields.fix, secrets);
    throw masked;
  }
}
