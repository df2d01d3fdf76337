import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnswerModel } from './answer-model.js';
import { endToEndHeaders, readWhole, withContentLength } from './forward.js';
import type { IdempotencyLedger, IdempotentCall, RememberedAnswer } from './idempotency.js';
import type { InstanceLookup } from './lab-overrides.js';
import type { LandedListeners } from './landed-listeners.js';
import type { RequestIdentity } from './request-identity.js';
import type { RequestLogEntry } from './request-log.js';

/** One client call on its way through the gateway. */
export interface CallInFlight {
  identity: RequestIdentity;
  entry: RequestLogEntry;
  formBody: Buffer | undefined;
  dropResponse: boolean;
  /** The client's Authorization header: the gateway's own questions to moto are asked as the same account and region. */
  authorization: string | undefined;
  /** Set for a ClientToken call the ledger has not seen: moto's answer is remembered. */
  idempotent?: IdempotentCall;
}

export interface HeldAnswerDeps {
  answers: AnswerModel;
  idempotency: IdempotencyLedger;
  landed: LandedListeners;
  /** The latency scale now (0 = none): the readiness model's clock. */
  scale(): number;
  /** How to ask moto about an instance, as the caller with this Authorization header. */
  lookupFor(authorization: string | undefined): InstanceLookup | undefined;
}

/**
 * Answers the gateway reads whole before the client sees them: to learn from them (creation times,
 * instance tags), remember them for a ClientToken, show them to landed listeners, drop them, or rewrite
 * them (readiness, image dates, lab overrides). Every other answer is streamed through untouched.
 */
export class HeldAnswers {
  constructor(private readonly deps: HeldAnswerDeps) {}

  /** Whether this call's answer must be held; `keepBodies` = a landed listener wants the bodies. */
  mustHold(call: CallInFlight, keepBodies: boolean): boolean {
    const { identity } = call;
    return keepBodies || call.dropResponse || call.idempotent !== undefined || this.deps.answers.needsBody(identity) || identity.action === 'TerminateInstances';
  }

  /**
   * Read moto's answer, learn from it, remember it, and let landed listeners see it (they may hold it).
   * `sentChunks` is the request body as sent, for listeners.
   */
  async settle(call: CallInFlight, answer: IncomingMessage, sentChunks: readonly Buffer[] | undefined): Promise<RememberedAnswer> {
    const { identity, entry } = call;
    const held: RememberedAnswer = {
      status: entry.status,
      statusMessage: answer.statusMessage,
      rawHeaders: endToEndHeaders(answer.rawHeaders),
      body: await readWhole(answer),
    };
    if (succeeded(held.status)) {
      this.deps.answers.learn(identity, held.body, Date.now());
      if (identity.action === 'TerminateInstances') this.deps.idempotency.noteTerminated(call.formBody);
    }
    if (call.idempotent) this.deps.idempotency.remember(call.idempotent, held);
    if (sentChunks) {
      await this.deps.landed.dispatch({
        entry,
        requestBody: Buffer.concat(sentChunks).toString('utf8'),
        responseBody: held.body.toString('utf8'),
      });
    }
    return held;
  }

  /**
   * Send a held answer (moto's, or a remembered one replayed) to the client, rewritten if successful. A
   * dropped answer cuts the client's connection instead: the change is made in moto, as when a response
   * is lost in transit.
   */
  async deliver(request: IncomingMessage, response: ServerResponse, call: CallInFlight, held: RememberedAnswer): Promise<void> {
    if (call.dropResponse) {
      markDropped(call.entry);
      request.socket.destroy();
      return;
    }
    const rewritten = succeeded(held.status)
      ? await this.deps.answers.rewrite(call.identity, held.body, Date.now(), this.deps.scale(), this.deps.lookupFor(call.authorization))
      : undefined;
    if (request.socket.destroyed) return; // the client gave up while the answer was held
    response.writeHead(held.status, held.statusMessage, rewritten ? withContentLength(held.rawHeaders, rewritten.length) : held.rawHeaders);
    response.end(rewritten ?? held.body);
  }
}

export function markDropped(entry: RequestLogEntry): void {
  entry.faulted = 'drop-response';
  entry.dropped = true;
}

function succeeded(status: number): boolean {
  return status >= 200 && status < 300;
}
