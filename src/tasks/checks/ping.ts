import { parseIpv4Cidr } from '../../config/cidr.js';
import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';

/**
 * One ping from a host to an address, run on the host over SSH (iputils-ping: the Ubuntu AMI has it, the
 * IA step installs it where missing). Read-only. What it tells apart: an answer; an ICMP "unreachable"
 * (a router said there is no route: the lab's unpeered VPCs); silence (dropped: a security group, or
 * AWS routing a private address to an internet gateway, which drops it).
 */

/** Seconds ping waits for the answer. */
export const PING_WAIT_SECONDS = 2;

export type PingOutcome =
  | { kind: 'answered'; ms?: number }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'no-answer' }
  /** ping could not run (missing, refused): nothing is known about the path. */
  | { kind: 'error'; detail: string };

export function pingCommand(address: string): string {
  // The address comes from AWS; it goes into a shell line only once it is certainly a bare IPv4 address.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address) || !parseIpv4Cidr(`${address}/32`)) throw new TypeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  return `LC_ALL=C ping -n -c 1 -W ${PING_WAIT_SECONDS} ${address} 2>&1`;
}

const firstMatchingLine = (output: string, pattern: RegExp) => output.split('\n').find((line) => pattern.test(line))?.trim() ?? '';

/** ping's exit code and output → the outcome. Pure. */
export function parsePing(code: number | null, output: string): PingOutcome {
  if (code === 0) {
    const ms = /time[=<]([\d.]+) ?ms/.exec(output)?.[1];
    return { kind: 'answered', ...(ms ? { ms: Number(ms) } : {}) };
  }
  const unreachable = firstMatchingLine(output, /unreachable/i);
  if (unreachable) return { kind: 'unreachable', detail: unreachable };
  if (code === 1) return { kind: 'no-answer' };
  if (code === 127 || /not found/.test(output)) return { kind: 'error', detail: 'ping is not installed (apt-get install iputils-ping)' };
  return { kind: 'error', detail: output.trim().split('\n')[0] || `ping exited ${code ?? 'without a status'}` };
}

export function outcomeText(outcome: PingOutcome): string {
  switch (outcome.kind) {
    case 'answered':
      return outcome.ms !== undefined ? `ok (${outcome.ms} ms)` : 'ok';
    case 'unreachable':
      return `no route ("${outcome.detail}")`;
    case 'no-answer':
      return `no answer in ${PING_WAIT_SECONDS} s`;
    case 'error':
      return `not run: ${outcome.detail}`;
  }
}

export async function pingFromHost(connection: SshConnection, address: string, signal?: AbortSignal): Promise<PingOutcome> {
  const result = await exec(connection, pingCommand(address), { label: `ping ${address}`, allowFailure: true, timeoutMs: (PING_WAIT_SECONDS + 10) * 1000, signal });
  return parsePing(result.code, result.stdout);
}
