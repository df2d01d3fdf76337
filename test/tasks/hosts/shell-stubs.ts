import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a host script locally with stub commands first on PATH (no network, nothing installed): the real
 * shell, the real coreutils, and `name → /bin/sh body` stand-ins for docker, systemctl, curl…
 */
export interface StubShell {
  dir: string;
  run(script: string): { code: number; stdout: string; stderr: string };
  stub(name: string, body: string): void;
  cleanup(): void;
}

export function stubShell(): StubShell {
  const dir = mkdtempSync(join(tmpdir(), 'rb-hosts-stubs-'));
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  return {
    dir,
    stub(name, body) {
      const file = join(bin, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
    },
    run(script) {
      try {
        const stdout = execFileSync('bash', ['-c', script], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return { code: 0, stdout, stderr: '' };
      } catch (error) {
        const e = error as { status?: number; stdout?: string; stderr?: string };
        return { code: e.status ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
