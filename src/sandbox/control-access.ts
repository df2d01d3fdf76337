import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CONTROL_TOKEN_ENV } from '../ssh/address-policy.js';

/**
 * Who may use the gateway's control API (`/_sandbox/…`): only its owner. The API can rewrite the lab map
 * (the addresses and host keys a run will SSH to), inject faults and read the request log, and the gateway
 * listens on loopback, where every web page the operator opens can also send requests (a `text/plain`
 * POST needs no CORS preflight) and a DNS-rebinding page can even read the answers. So every control call
 * must carry:
 * - `Host` naming exactly the loopback address and port the gateway listens on (a rebinding page sends
 *   its own name);
 * - no `Origin`, or the gateway's own (a browser names the page that sends the request);
 * - `Authorization: Bearer <token>`, the random token made when the gateway starts: `sandbox serve`
 *   prints it; in-process owners (`--sandbox`, tests) read it from the gateway; the tool sends it from
 *   AWS_RUNBOOK_SANDBOX_TOKEN.
 */

/** 256 random bits, URL-safe (it goes into a header and a shell line). */
export function newControlToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface ControlAccess {
  token: string;
  /** `127.0.0.1:PORT`: the only Host a control call may name. */
  authority: string;
}

export interface AccessRefusal {
  status: 401 | 403;
  error: string;
  hint: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a control request must be refused, or undefined when its sender is the gateway's owner. */
export function controlAccessRefusal(headers: IncomingHttpHeaders, access: ControlAccess): AccessRefusal | undefined {
  const ownOrigin = `http://${access.authority}`;
  if (headers.host !== access.authority) {
    return {
      status: 403,
      error: `refused: the control API answers only requests addressed to ${access.authority} (Host was ${JSON.stringify(headers.host ?? '')})`,
      hint: `use ${ownOrigin}/_sandbox/… exactly (not a name that resolves to it)`,
    };
  }
  if (headers.origin !== undefined && headers.origin !== ownOrigin) {
    return {
      status: 403,
      error: `refused: a control request from the web page ${JSON.stringify(headers.origin)}`,
      hint: 'the control API is for the operator\'s own tools (curl, aws-runbook), never for a page in a browser',
    };
  }
  const match = /^Bearer (\S+)$/.exec(headers.authorization ?? '');
  if (!match?.[1] || !sameSecret(match[1], access.token)) {
    return {
      status: 401,
      error: match ? 'refused: wrong control token' : 'refused: a control request needs the gateway\'s token',
      hint: `send "Authorization: Bearer <token>" with the token \`aws-runbook sandbox serve\` printed (for aws-runbook: export ${CONTROL_TOKEN_ENV}=<token>)`,
    };
  }
  return undefined;
}
