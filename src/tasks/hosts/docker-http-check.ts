import { sleep } from '../../aws/with-retry.js';
import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';
import { shellQuote } from '../../ssh/remote-command.js';

/**
 * Checks run ON a host, used by the Docker, Uptime Kuma and GitLab steps: an HTTP request with the host's
 * own curl (GitLab's readiness answers only localhost, and Uptime Kuma is published on its host's loopback
 * only), and the error a failed check raises.
 */

/** A check on a host failed: says which host, which check, what it saw and what to look at. */
export class HostCheckError extends Error {
  override readonly name = 'HostCheckError';
  constructor(
    readonly host: string,
    readonly check: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${host}: ${check} failed: ${problem}`);
  }
}

export interface HttpAnswer {
  /** The HTTP status; 0 when nothing answered (then `body` is curl's error). */
  status: number;
  body: string;
}

const STATUS_MARK = '__aws_runbook_http_status__';

/** One GET with the host's curl, the body and then the status on a last line of its own (curl errors included). */
export function curlScript(url: string, timeoutSeconds = 10): string {
  return `curl -sS --max-time ${timeoutSeconds} -w '\\n${STATUS_MARK} %{http_code}\\n' ${shellQuote(url)} 2>&1`;
}

export function parseCurlOutput(stdout: string): HttpAnswer {
  const lines = stdout.replace(/\n$/, '').split('\n');
  const last = lines.at(-1) ?? '';
  const match = new RegExp(`^${STATUS_MARK} (\\d{3})$`).exec(last);
  if (!match) return { status: 0, body: stdout.trim() || 'no output from curl' };
  return { status: Number(match[1]), body: lines.slice(0, -1).join('\n').trim() };
}

/** GET `url` from the host itself. Never throws on an HTTP or connection failure: the answer says it. */
export async function httpOnHost(connection: SshConnection, url: string, signal?: AbortSignal): Promise<HttpAnswer> {
  const result = await exec(connection, curlScript(url), { label: `curl ${url}`, allowFailure: true, timeoutMs: 30_000, signal });
  return parseCurlOutput(result.stdout);
}

/** What went wrong with an answer, in a few words, for progress lines and errors (the body is cut short). */
export function describeAnswer(answer: HttpAnswer): string {
  const body = answer.body.replace(/\s+/g, ' ').slice(0, 160);
  return answer.status === 0 ? `no answer (${body})` : `HTTP ${answer.status}${body ? `: ${body}` : ''}`;
}

export interface WaitForHttpOptions {
  host: string;
  url: string;
  /** The problem with an answer, or undefined when it is the wanted one. */
  problem: (answer: HttpAnswer) => string | undefined;
  timeoutMs: number;
  intervalMs?: number;
  fix: string;
  signal?: AbortSignal;
  onWait?: (message: string) => void;
}

/** Polls `url` on the host until `problem` says the answer is right; else a HostCheckError with the last answer. */
export async function waitForHttp(connection: SshConnection, options: WaitForHttpOptions): Promise<HttpAnswer> {
  const started = Date.now();
  for (;;) {
    const answer = await httpOnHost(connection, options.url, options.signal);
    const problem = options.problem(answer);
    if (problem === undefined) return answer;
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) {
      throw new HostCheckError(options.host, `GET ${options.url} (on the host)`, `${problem} after ${Math.round(waited / 1000)} s`, options.fix);
    }
    options.onWait?.(`waiting for ${options.url} on ${options.host} (${Math.round(waited / 1000)} s): ${problem}`);
    await sleep(options.intervalMs ?? 2000, options.signal);
  }
}
