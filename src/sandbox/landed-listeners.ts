import type { RequestIdentity } from './request-identity.js';
import type { RequestLogEntry } from './request-log.js';
import { actionMatches } from './fault-rules.js';

export interface LandedCall {
  entry: RequestLogEntry;
  requestBody: string;
  responseBody: string;
}

export interface LandedMatch {
  action: string | RegExp;
  service?: string;
  /** 1-based: only the nth matching call (counted from subscription). */
  nth?: number;
}

export type LandedHandler = (call: LandedCall) => void | Promise<void>;

interface Listener {
  match: LandedMatch;
  handler: LandedHandler;
  matchedSoFar: number;
}

function matches(match: LandedMatch, identity: Pick<RequestIdentity, 'service' | 'action'>): boolean {
  return (match.service === undefined || match.service === identity.service) && actionMatches(match.action, identity.action);
}

/** Subscribers to "this call was answered by moto", run before the answer goes back to the client. */
export class LandedListeners {
  private readonly listeners = new Set<Listener>();

  add(match: LandedMatch, handler: LandedHandler): () => void {
    if (match.nth !== undefined && !(Number.isInteger(match.nth) && match.nth >= 1)) {
      throw new RangeError(`nth must be an integer >= 1, got ${match.nth}`);
    }
    const listener: Listener = { match, handler, matchedSoFar: 0 };
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Whether a call like this one would reach a listener, so its bodies must be kept for it. */
  interestedIn(identity: Pick<RequestIdentity, 'service' | 'action'>): boolean {
    for (const listener of this.listeners) if (matches(listener.match, identity)) return true;
    return false;
  }

  /** Run every handler this call is for and wait until all have settled. A failing handler does not stop the answer. */
  async dispatch(call: LandedCall): Promise<void> {
    const due: Listener[] = [];
    for (const listener of this.listeners) {
      if (!matches(listener.match, call.entry)) continue;
      listener.matchedSoFar += 1;
      if (listener.match.nth === undefined || listener.match.nth === listener.matchedSoFar) due.push(listener);
    }
    const results = await Promise.allSettled(due.map(async (listener) => listener.handler(call)));
    for (const result of results) {
      if (result.status === 'rejected') {
        process.emitWarning(`sandbox gateway: an onLanded handler failed: ${String(result.reason)}`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * Subscribers to "moto's resources may have changed": a mutating call moto answered (whatever its status:
 * a dropped answer changed moto too), or a moto reset. Told synchronously, before the answer goes back.
 */
export class MutationListeners {
  private readonly listeners = new Set<(service: string) => void>();

  add(listener: (service: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(service: string): void {
    for (const listener of this.listeners) listener(service);
  }
}
