import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REFUSED_MARKER } from '../setup/socket-guard.mjs';

export const CLI = resolve(import.meta.dirname, '../../dist/bin/aws-runbook.js');

/** Loaded into every tool process a test spawns: connects outside loopback are refused (test/setup/socket-guard.mjs). */
const SOCKET_GUARD = pathToFileURL(resolve(import.meta.dirname, '../setup/socket-guard.mjs')).href;

/** The guard's refusals in a tool's stderr, as one error: a test whose tool tried to leave loopback fails. */
export function assertNoRefusedConnects(stderr: string, what = 'the tool'): void {
  const lines = stderr.split('\n').filter((line) => line.includes(REFUSED_MARKER));
  if (lines.length > 0) throw new Error(`${what} tried to connect outside loopback:\n${lines.join('\n')}`);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for the tool under test: fake credentials, no metadata service, no profile. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    // A closed loopback port: a test that forgets --endpoint-url fails here instead of reaching AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${SOCKET_GUARD}`,
    ...extra,
  };
  return env;
}

export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        assertNoRefusedConnects(stderr);
        resolvePromise({ code, signal, stdout, stderr });
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return collect(spawnCli(args, options));
}

/** A fresh working directory with an aws-runbook.yaml for the given suffix (one project per test). */
export async function projectDir(suffix: string, extraYaml = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `awsrb-${suffix.toLowerCase()}-`));
  await writeFile(join(dir, 'aws-runbook.yaml'), `suffix: ${suffix}\nregion: us-east-2\n${extraYaml}`);
  return dir;
}
