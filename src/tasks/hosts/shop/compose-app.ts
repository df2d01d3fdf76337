import { createHash } from 'node:crypto';
import { pollUntil } from '../../../aws/wait.js';
import type { StepContext } from '../../../engine/types.js';
import { exec, shellQuote, uploadFile, type SshConnection } from '../../../ssh/index.js';
import { maskSecrets, withSecretsMasked } from './secret-guard.js';

/**
 * What the shop and WordPress steps share: a Docker Compose app in a directory of its host, read back
 * from the host (files, running services, a "deployed" marker) so a rerun can tell "as wanted" from
 * the host itself, and brought up with its output shown live (secrets masked).
 */

/** The marker holds a hash of what was last brought up (source + config files): compose reruns only when it differs. */
export const DEPLOYED_MARKER = '.aws-runbook-deployed';

const FILE_MISSING = 3;

/** A root-readable file's content, or undefined when it does not exist. Content is never logged. */
export async function readRemoteFile(connection: SshConnection, path: string, signal: AbortSignal): Promise<string | undefined> {
  const p = shellQuote(path);
  const result = await exec(connection, `if [ -f ${p} ]; then cat -- ${p}; else exit ${FILE_MISSING}; fi`, {
    label: `read ${path}`,
    sudo: true,
    allowFailure: true,
    signal,
    timeoutMs: 30_000,
  });
  if (result.code === 0) return result.stdout;
  if (result.code === FILE_MISSING) return undefined;
  throw new Error(`reading ${path} on ${connection.label} failed (exit code ${result.code})`);
}

/** Services of the compose project in `dir` that are running (none when docker, the directory or the project is missing). */
export async function runningServices(connection: SshConnection, dir: string, signal: AbortSignal): Promise<string[]> {
  const result = await exec(connection, 'docker compose ps --services --status running', {
    label: `docker compose ps in ${dir}`,
    sudo: true,
    cwd: dir,
    allowFailure: true,
    signal,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The HTTP status a URL answers on the host itself (0: no answer). Read-only. */
export async function httpStatus(connection: SshConnection, url: string, signal: AbortSignal): Promise<number> {
  const result = await exec(connection, `curl -sS -o /dev/null -m 10 -w '%{http_code}' ${shellQuote(url)}`, {
    label: `curl ${url}`,
    allowFailure: true,
    signal,
    timeoutMs: 30_000,
  });
  const code = Number.parseInt(result.stdout.trim(), 10);
  return Number.isInteger(code) ? code : 0;
}

export const isSuccessOrRedirect = (code: number) => code >= 200 && code < 400;

export interface WaitForHttpOptions {
  accept: (code: number) => boolean;
  timeoutMs: number;
  /** Codes that, answered this long in a row, end the wait early (a 500 that does not go away). */
  settled?: { codes: readonly number[]; forMs: number };
}

/** Polls the URL on the host until `accept`s its status; returns the last status (accepted or not). */
export async function waitForHttp(ctx: StepContext, connection: SshConnection, url: string, options: WaitForHttpOptions): Promise<number> {
  const started = Date.now();
  let last = 0;
  let streakSince: number | undefined;
  try {
    return await pollUntil(
      async () => {
        last = await httpStatus(connection, url, ctx.signal);
        if (options.accept(last)) return last;
        streakSince = options.settled?.codes.includes(last) ? (streakSince ?? Date.now()) : undefined;
        if (options.settled && streakSince !== undefined && Date.now() - streakSince >= options.settled.forMs) return last;
        ctx.progress(`waiting for ${url} (answered ${last || 'nothing'}, ${Math.round((Date.now() - started) / 1000)} s)`);
        return undefined;
      },
      { what: url, signal: ctx.signal, intervalMs: 1000, timeoutMs: options.timeoutMs },
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return last;
  }
}

/** The fingerprint of a deployment: any change in its parts (source digest, file hashes) means compose must run again. */
export function deployFingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function readDeployedMarker(connection: SshConnection, dir: string, signal: AbortSignal): Promise<string | undefined> {
  return (await readRemoteFile(connection, `${dir}/${DEPLOYED_MARKER}`, signal))?.trim();
}

/** Written last, after compose and the checks succeeded: an interrupted deployment is redone on the next run. */
export async function writeDeployedMarker(connection: SshConnection, dir: string, fingerprint: string, signal: AbortSignal): Promise<void> {
  await uploadFile(connection, `${dir}/${DEPLOYED_MARKER}`, `${fingerprint}\n`, { mode: 0o600, signal, label: `record the deployment in ${dir}` });
}

export interface ComposeRunOptions {
  dir: string;
  /** e.g. `up -d --build`, `exec -T appseed-app python manage.py migrate --noinput` */
  args: string;
  label: string;
  /** Values to mask in the live output and errors. */
  secrets: readonly string[];
  /** Variables for the command's environment, sent on SSH stdin (never argv): `exec -e NAME` passes them on. */
  secretEnv?: Record<string, string>;
  timeoutMs: number;
}

/** `sudo docker compose ARGS` in the app's directory, its output lines shown live with secrets masked. */
export async function runCompose(ctx: StepContext, connection: SshConnection, options: ComposeRunOptions): Promise<void> {
  await withSecretsMasked(options.secrets, () =>
    exec(connection, `docker compose ${options.args}`, {
      label: options.label,
      sudo: true,
      cwd: options.dir,
      signal: ctx.signal,
      timeoutMs: options.timeoutMs,
      ...(options.secretEnv ? { secretEnv: options.secretEnv } : {}),
      onLine: (line) => ctx.progress(maskSecrets(line, options.secrets)),
    }),
  );
}

/** A file as the host has it: attributes and SHA-256 (never the content). */
export interface RemoteFileFacts {
  mode: number;
  owner: string;
  group: string;
  sha256: string;
}

export interface AppFacts {
  files: Map<string, RemoteFileFacts | undefined>;
  /** Trimmed first line of each marker file (undefined: missing or empty). */
  markers: Map<string, string | undefined>;
  hasMariadb: boolean;
  /** Running services of the compose project in the app's directory. */
  running: string[];
}

/** One read-only look at an app's directory (as root): files' attributes and hashes, markers, mariadb, running services. */
export async function inspectApp(
  connection: SshConnection,
  options: { dir: string; files: readonly string[]; markers: readonly string[] },
  signal: AbortSignal,
): Promise<AppFacts> {
  const paths = [...options.files, ...options.markers, options.dir];
  if (paths.some((path) => !/^\/[A-Za-z0-9_./-]+$/.test(path))) throw new TypeError(`not a plain absolute path: ${paths.join(', ')}`);
  const script = [
    ...options.files.map((f) => `if [ -f ${f} ]; then echo "file ${f} $(stat -c '%a %U %G' -- ${f}) $(sha256sum < ${f} | cut -d' ' -f1)"; fi`),
    ...options.markers.map((m) => `[ -f ${m} ] && echo "marker ${m} $(head -n 1 -- ${m} | tr -d '[:space:]')"`),
    'command -v mariadb >/dev/null && echo mariadb',
    `if [ -d ${options.dir} ] && command -v docker >/dev/null; then (cd ${options.dir} && docker compose ps --services --status running 2>/dev/null | sed 's/^/running /'); fi`,
    'true',
  ].join('\n');
  const result = await exec(connection, script, { label: `inspect ${options.dir}`, sudo: true, signal, timeoutMs: 60_000 });
  const facts: AppFacts = { files: new Map(options.files.map((f) => [f, undefined])), markers: new Map(options.markers.map((m) => [m, undefined])), hasMariadb: false, running: [] };
  for (const line of result.stdout.split('\n')) {
    const [kind, ...rest] = line.trim().split(/\s+/);
    if (kind === 'file' && rest.length === 5) {
      const [path, mode, owner, group, sha256] = rest as [string, string, string, string, string];
      facts.files.set(path, { mode: Number.parseInt(mode, 8), owner, group, sha256 });
    } else if (kind === 'marker' && rest[0]) facts.markers.set(rest[0], rest[1] || undefined);
    else if (kind === 'mariadb') facts.hasMariadb = true;
    else if (kind === 'running' && rest[0]) facts.running.push(rest[0]);
  }
  return facts;
}

/** Whether a file on the host is exactly `content` with this mode and owner. */
export function fileAsWanted(facts: RemoteFileFacts | undefined, content: string, mode: number, owner: string): boolean {
  return facts !== undefined && facts.sha256 === sha256Hex(content) && facts.mode === mode && facts.owner === owner && facts.group === owner;
}
