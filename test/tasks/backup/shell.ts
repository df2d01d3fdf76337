import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** A throwaway directory of stub commands put first on PATH, for running the scripts the backup steps send to hosts. */
export interface StubDir {
  dir: string;
  stub(name: string, script: string): Promise<void>;
  /** `bash -c script` with the stubs first on PATH; never throws on the exit code. */
  bash(script: string, env?: Record<string, string>, input?: string | Buffer): Promise<{ exitCode: number; stdout: string; stderr: string; stdoutBytes: Buffer }>;
  remove(): Promise<void>;
}

export async function stubDir(): Promise<StubDir> {
  const dir = await mkdtemp(join(tmpdir(), 'backup-stubs-'));
  return {
    dir,
    async stub(name, script) {
      const file = join(dir, name);
      await writeFile(file, script);
      await chmod(file, 0o755);
    },
    async bash(script, env = {}, input) {
      const result = await execa('bash', ['-c', script], {
        env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir, ...env },
        extendEnv: false,
        reject: false,
        encoding: 'buffer',
        stripFinalNewline: false,
        timeout: 30_000,
        ...(input !== undefined ? { input } : {}),
      });
      const stdoutBytes = Buffer.from(result.stdout as Uint8Array);
      return { exitCode: result.exitCode ?? -1, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.from(result.stderr as Uint8Array).toString('utf8'), stdoutBytes };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
