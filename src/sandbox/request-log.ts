import type { FaultKind } from './fault-responses.js';
import type { RequestIdentity } from './request-identity.js';

export interface RequestLogEntry {
  /** 1, 2, 3…: increases across `reset()` too, so a seq taken earlier stays a valid `since` mark. */
  seq: number;
  service: string;
  action: string;
  mutating: boolean;
  /** The HTTP status the client got (or, for a dropped answer, the one moto gave); 0 while in flight. */
  status: number;
  /** Epoch ms when the request arrived. */
  at: number;
  faulted?: FaultKind;
  /** moto answered (the change is made) but the client's connection was cut instead of answered. */
  dropped?: boolean;
  /** A repeated ClientToken: answered with the first call's answer, not forwarded (nothing changed). */
  idempotentReplay?: boolean;
  /** A ClientToken call refused by the gateway (IdempotentParameterMismatch, IdempotentInstanceTerminated), not forwarded. */
  idempotencyError?: string;
}

/** Whether the call reached moto (not answered by an injected fault or from the ClientToken ledger). */
export function wasForwarded(entry: RequestLogEntry): boolean {
  return (entry.faulted === undefined || entry.faulted === 'drop-response') && !entry.idempotentReplay && entry.idempotencyError === undefined;
}

export interface MutatingFilter {
  service?: string;
  since?: number;
  forwardedOnly?: boolean;
}

export interface LogCounts {
  total: number;
  mutating: number;
  byAction: Record<string, number>;
}

/** Every request the gateway saw, in arrival order; entries are appended on arrival and completed later. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private lastSeq = 0;

  get all(): readonly RequestLogEntry[] {
    return this.entries;
  }

  append(identity: RequestIdentity, at: number): RequestLogEntry {
    this.lastSeq += 1;
    const entry: RequestLogEntry = {
      seq: this.lastSeq,
      service: identity.service,
      action: identity.action,
      mutating: identity.mutating,
      status: 0,
      at,
    };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Mutating calls, optionally of one service and/or only those with seq > `since`; with
   * `forwardedOnly`, only those that reached moto (replays, refusals and answered faults changed nothing).
   */
  mutatingCount(filter: MutatingFilter = {}): number {
    return this.entries.filter(
      (entry) =>
        entry.mutating &&
        (filter.service === undefined || entry.service === filter.service) &&
        (filter.since === undefined || entry.seq > filter.since) &&
        (!filter.forwardedOnly || wasForwarded(entry)),
    ).length;
  }

  counts(): LogCounts {
    const byAction: Record<string, number> = {};
    for (const entry of this.entries) byAction[entry.action] = (byAction[entry.action] ?? 0) + 1;
    return {
      total: this.entries.length,
      mutating: this.entries.filter((entry) => entry.mutating).length,
      byAction,
    };
  }

  reset(): void {
    this.entries = [];
  }
}
