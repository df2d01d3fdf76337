import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { GetJourney } from './journey.js';

/**
 * Secrets must appear nowhere on the operator's side: not in anything the tool printed in the journey, not
 * in the state or any other file of the project. The secrets are those the up created or used (journey.ts
 * reads them after the up): the Stripe secret key, the RDS master password, the shop's and WordPress's DB
 * passwords, the shop's SECRET_KEY, GitLab's initial root password, the backup account's password, the
 * admin passwords the tool generated (the shop's, WordPress's and Uptime Kuma's).
 */
export function noSecretLeft(j: GetJourney, title: string): void {
  it(title, () => {
    const { run, printed } = j();
    const { secrets } = j().up();
    // lab.json is the harness's input to the sandbox (it plays Secrets Manager and holds the master secret).
    const files = listFiles(run.cwd).filter((file) => file !== join(run.cwd, 'lab.json'));
    expect(files).toContain(join(run.cwd, '.aws-runbook', 'state.json'));
    const haystacks = [...printed.map((text, i) => [`tool output ${i}`, text] as const), ...files.map((file) => [file, readFileSync(file, 'latin1')] as const)];
    expect(secrets['gitlabRootPassword']?.length).toBeGreaterThan(16);
    expect([secrets['wordpressAdminPassword'], secrets['kumaAdminPassword']].map((s) => s?.length ?? 0).every((n) => n >= 16 && n < 100)).toBe(true);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      for (const [where, text] of haystacks) expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
    }
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}
