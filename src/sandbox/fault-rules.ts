import type { FaultKind } from './fault-responses.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestIdentity } from './request-identity.js';

export interface FaultRule {
  action: string | RegExp | '*';
  kind: FaultKind;
  /** 0..1, default 1: the share of matching calls that get the fault. */
  share?: number;
  /** Max injections, default unlimited. */
  times?: number;
  service?: string;
  /** Only calls that change something (the request log's `mutating`). */
  mutatingOnly?: boolean;
  /**
   * Each distinct request (same method, path and body) gets the fault once: its resend goes through.
   * With `drop-response` on every mutating call, every change the tool makes has its first answer lost.
   */
  oncePerRequest?: boolean;
}

export type ActionMatcher = string | RegExp;

/** `'*'` matches every action; a string matches exactly; a RegExp is tested. */
export function actionMatches(matcher: ActionMatcher, action: string): boolean {
  if (matcher === '*') return true;
  if (typeof matcher === 'string') return matcher === action;
  matcher.lastIndex = 0; // a /g or /y pattern must not carry state between calls
  return matcher.test(action);
}

/** mulberry32: a tiny seeded PRNG, so share-based faults repeat run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_FAULT_SEED = 0x5eed;

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  /** Request keys already faulted (oncePerRequest). */
  seen: Set<string>;
}

/**
 * The injected faults. The first rule whose action and service match, and which has injections left,
 * decides the request alone: it injects with probability `share`, drawn from the seeded PRNG (no draw
 * for share 1), else the request goes through untouched.
 */
export class FaultPlan {
  private rules: ActiveRule[] = [];
  private readonly random: () => number;

  constructor(rules: readonly FaultRule[] = [], seed: number = DEFAULT_FAULT_SEED) {
    this.random = seededRandom(seed);
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): void {
    const share = rule.share ?? 1;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`fault share must be within 0..1, got ${rule.share}`);
    if (rule.times !== undefined && !(rule.times >= 0)) throw new RangeError(`fault times must be >= 0, got ${rule.times}`);
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY, seen: new Set() });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to inject into this request, if any; counts down `times`. `requestKey` identifies a resend. */
  choose(identity: Pick<RequestIdentity, 'service' | 'action'> & { mutating?: boolean }, requestKey = ''): FaultKind | undefined {
    const active = this.rules.find(
      ({ rule, remaining, seen }) =>
        remaining > 0 &&
        (rule.service === undefined || rule.service === identity.service) &&
        (!rule.mutatingOnly || identity.mutating === true) &&
        !(rule.oncePerRequest && seen.has(requestKey)) &&
        actionMatches(rule.action, identity.action),
    );
    if (!active) return undefined;
    if (active.rule.oncePerRequest) active.seen.add(requestKey);
    const share = active.rule.share ?? 1;
    if (share < 1 && this.random() >= share) return undefined;
    active.remaining -= 1;
    return active.rule.kind;
  }
}

/**
 * What makes a resend the same request: method, path and body (a form body's hash; for a streamed body,
 * the payload hash the SDK signs). Signatures and dates are left out: they change on every send.
 */
export function requestKey(request: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, formBody: Buffer | undefined): string {
  const payload = formBody
    ? createHash('sha256').update(formBody).digest('hex')
    : `${String(request.headers['x-amz-content-sha256'] ?? '')}:${String(request.headers['content-length'] ?? '')}`;
  return `${request.method ?? 'GET'} ${request.url ?? '/'} ${payload}`;
}
