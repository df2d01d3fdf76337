import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControlRequest, isControlRequest, type GatewayControls } from './control-api.js';
import { newControlToken, type ControlAccess } from './control-access.js';
import { AnswerModel } from './answer-model.js';
import { errorResponse, faultResponse, type AwsError, type CannedResponse } from './fault-responses.js';
import { FaultPlan, requestKey, type FaultRule } from './fault-rules.js';
import { endToEndHeaders, forwardToTarget, readWhole } from './forward.js';
import { HeldAnswers, markDropped, type CallInFlight } from './held-answer.js';
import { idempotentCallOf, IdempotencyLedger, type RememberedAnswer } from './idempotency.js';
import type { LabMap } from './lab-map.js';
import { LandedListeners, MutationListeners, type LandedCall, type LandedHandler, type LandedMatch } from './landed-listeners.js';
import { modelledDelayMs, type LatencyOptions } from './latency.js';
import { loopbackTarget, type LoopbackTarget } from './loopback.js';
import { instanceLookup } from './moto-lookup.js';
import { identifyRequest, isFormEncoded } from './request-identity.js';
import { RequestLog, type LogCounts, type MutatingFilter, type RequestLogEntry } from './request-log.js';

export type { FaultKind } from './fault-responses.js';
export type { FaultRule } from './fault-rules.js';
export type { LatencyOptions } from './latency.js';
export type { LandedCall, LandedMatch } from './landed-listeners.js';
export type { RequestLogEntry, MutatingFilter } from './request-log.js';
export { READY_AFTER_MS, type ReadinessKind } from './readiness.js';
export { NonLoopbackTargetError } from './loopback.js';
export { LabMapError, type LabMap } from './lab-map.js';

export interface GatewayOptions {
  /** moto's endpoint; must be a loopback http:// URL. */
  target: string;
  /** Default: a free loopback port. */
  port?: number;
  latency?: LatencyOptions;
  faults?: FaultRule[];
  /** PRNG seed for share-based faults, so runs are reproducible. */
  seed?: number;
  /** imageId → CreationDate, stamped on DescribeImages answers (the sandbox's seeded images, see ami-catalogue.ts). */
  imageCreationDates?: Readonly<Record<string, string>>;
  /** Which lab host plays each instance, the RDS endpoint, secrets: answers show these (see lab-map.ts). */
  lab?: LabMap;
}

/** moto's own reset: what the gateway learnt about moto's resources is forgotten with it. */
const MOTO_RESET_PATH = '/moto-api/reset';

/** Query-protocol forms are small; anything bigger is not an AWS query call and is refused. */
const MAX_FORM_BODY = 8 * 1024 * 1024;

/**
 * Our HTTP proxy in front of moto: logs every call, injects faults, adds latency, honours ClientTokens,
 * models readiness (pending/creating while young), shows the lab's hosts, and tells tests when a call
 * lands. It forwards moto's answers unchanged except where a fault, the ClientToken ledger, the readiness
 * model or the lab map says otherwise.
 */
export class Gateway implements GatewayControls {
  private readonly requestLog = new RequestLog();
  private readonly landed = new LandedListeners();
  private readonly mutations = new MutationListeners();
  private readonly upstreamAgent = new Agent({ keepAlive: true });
  private readonly faults: FaultPlan;
  private readonly answers: AnswerModel;
  private readonly idempotency = new IdempotencyLedger();
  private readonly held: HeldAnswers;
  private latency: LatencyOptions | undefined;
  private stopped = false;
  /** Who may use the control API: requests to this address carrying this token (control-access.ts). */
  private readonly controlAccess: ControlAccess;

  private constructor(
    private readonly target: LoopbackTarget,
    private readonly server: Server,
    readonly endpoint: string,
    options: GatewayOptions,
  ) {
    this.controlAccess = { token: newControlToken(), authority: new URL(endpoint).host };
    this.faults = new FaultPlan(options.faults, options.seed);
    this.answers = new AnswerModel(options.imageCreationDates);
    this.held = new HeldAnswers({
      answers: this.answers,
      idempotency: this.idempotency,
      landed: this.landed,
      scale: () => this.latency?.scale ?? 0,
      lookupFor: (authorization) => instanceLookup(this.target, this.upstreamAgent, authorization),
    });
    this.setLatency(options.latency);
    this.setLab(options.lab);
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const target = loopbackTarget(options.target);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const gateway = new Gateway(target, server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      gateway.handle(request, response).catch((error: unknown) => gateway.answerBadGateway(response, error));
    });
    return gateway;
  }

  /** The random token every control call (`/_sandbox/…`) must carry as `Authorization: Bearer <token>`. */
  get controlToken(): string {
    return this.controlAccess.token;
  }

  get log(): readonly RequestLogEntry[] {
    return this.requestLog.all;
  }

  /** Mutating calls; `since` keeps only entries with seq greater than it; `forwardedOnly` only those that reached moto. */
  mutatingCount(filter?: MutatingFilter): number {
    return this.requestLog.mutatingCount(filter);
  }

  counts(): LogCounts {
    return this.requestLog.counts();
  }

  /** Empties the log; seq keeps increasing. */
  resetLog(): void {
    this.requestLog.reset();
  }

  logSnapshot(): { log: readonly RequestLogEntry[]; counts: LogCounts } {
    return { log: this.log, counts: this.counts() };
  }

  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Per-call delays and the readiness model; scale 0 (or none) = moto's instant answers, untouched. */
  setLatency(latency: LatencyOptions | undefined): void {
    this.latency = latency;
    this.answers.setReadyAfter(latency?.readyAfterMs);
  }

  /** The lab map answers show from now on (undefined: moto's answers as they are). */
  labAddresses(): string[] {
    return this.answers.labAddresses();
  }

  setLab(lab: LabMap | undefined): void {
    this.answers.setLab(lab);
  }

  /** Forget remembered ClientTokens and creation times (done by itself when a moto reset passes through). */
  forgetResources(): void {
    this.idempotency.clear();
    this.answers.clear();
  }

  /**
   * Called when a matching call has been answered by moto (whatever its status) and BEFORE the answer goes
   * back to the client; a returned promise holds the answer until it settles. Calls the gateway answers itself
   * (injected faults, ClientToken replays and refusals) never land. Returns an unsubscribe function.
   */
  onLanded(match: LandedMatch, handler: LandedHandler): () => void {
    return this.landed.add(match, handler);
  }

  /** Told the service (`ec2`, `rds`…; `moto` for a reset) each time a call changed moto. Returns an unsubscribe function. */
  onMutated(listener: (service: string) => void): () => void {
    return this.mutations.add(listener);
  }

  /** The next matching call (or the nth from now) once moto has answered it. */
  whenLanded(match: LandedMatch): Promise<LandedCall> {
    return new Promise((resolve) => {
      const unsubscribe = this.onLanded(match, (call) => {
        unsubscribe();
        resolve(call);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.upstreamAgent.destroy();
    this.landed.clear();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (isControlRequest(request.url)) return handleControlRequest(request, response, this, this.controlAccess);
    if ((request.url ?? '').startsWith(MOTO_RESET_PATH)) this.forgetResources();

    const arrivedAt = Date.now();
    const formBody = isFormEncoded(request.headers) ? await this.readForm(request) : undefined;
    const identity = identifyRequest({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: formBody });
    const entry = this.requestLog.append(identity, arrivedAt);

    const fault = this.faults.choose(identity, requestKey(request, formBody));
    if (fault !== undefined && fault !== 'drop-response') {
      request.resume(); // discard an unread body so the connection stays usable
      this.answer(response, entry, faultResponse(fault, identity));
      entry.faulted = fault;
      return;
    }
    const authorization = request.headers.authorization;
    const call: CallInFlight = { identity, entry, formBody, dropResponse: fault === 'drop-response', authorization };
    const idempotent = idempotentCallOf(identity, request.headers, formBody);
    if (!idempotent) return this.forwardLogged(request, response, call);

    // One call per token at a time: a repeat waits for the first answer, then gets it.
    const release = await this.idempotency.acquire(idempotent.key);
    try {
      const earlier = this.idempotency.earlier(idempotent);
      if (earlier.kind === 'none') return await this.forwardLogged(request, response, { ...call, idempotent });
      if (earlier.kind === 'refuse') return this.refuse(response, call, earlier.error);
      await this.replay(request, response, call, earlier.answer);
    } finally {
      release();
    }
  }

  private async forwardLogged(request: IncomingMessage, response: ServerResponse, call: CallInFlight): Promise<void> {
    try {
      await this.forward(request, response, call);
    } catch (error) {
      if (call.entry.status === 0) call.entry.status = 502;
      throw error;
    }
  }

  private async forward(request: IncomingMessage, response: ServerResponse, call: CallInFlight): Promise<void> {
    const { identity, entry, formBody, dropResponse } = call;
    const delayMs = modelledDelayMs(identity.action, this.latency);
    if (delayMs > 0) await sleep(delayMs);

    const keepBodies = this.landed.interestedIn(identity);
    const sentChunks: Buffer[] | undefined = keepBodies ? [] : undefined;
    const answer = await forwardToTarget(this.target, this.upstreamAgent, {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body: formBody,
      stream: request,
      onChunk: sentChunks ? (chunk) => sentChunks.push(chunk) : undefined,
    });
    entry.status = answer.statusCode ?? 502;
    if (dropResponse) markDropped(entry); // before landed listeners see the entry
    if (identity.mutating || (request.url ?? '').startsWith(MOTO_RESET_PATH)) this.mutations.notify(identity.mutating ? identity.service : 'moto');

    if (!this.held.mustHold(call, keepBodies)) {
      response.writeHead(entry.status, answer.statusMessage, endToEndHeaders(answer.rawHeaders));
      // pipeline, not pipe: a client that hangs up mid-answer must free the connection to moto too
      pipeline(answer, response).catch(() => undefined);
      return;
    }
    const held = await this.held.settle(call, answer, sentChunks);
    await this.held.deliver(request, response, call, held);
  }

  /** A repeated token: the first answer again (its states brought up to date), without forwarding. */
  private async replay(request: IncomingMessage, response: ServerResponse, call: CallInFlight, earlier: RememberedAnswer): Promise<void> {
    call.entry.idempotentReplay = true;
    call.entry.status = earlier.status;
    await this.held.deliver(request, response, call, earlier);
  }

  private refuse(response: ServerResponse, call: CallInFlight, error: AwsError): void {
    call.entry.idempotencyError = error.code;
    this.answer(response, call.entry, errorResponse(error, call.identity));
  }

  private async readForm(request: IncomingMessage): Promise<Buffer> {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_FORM_BODY) throw new Error(`form body of ${declared} bytes is too large for a query-protocol call`);
    return readWhole(request);
  }

  /** An answer made by the gateway itself (a fault, a ClientToken refusal). */
  private answer(response: ServerResponse, entry: RequestLogEntry, canned: CannedResponse): void {
    entry.status = canned.status;
    response.writeHead(canned.status, { ...canned.headers, 'content-length': Buffer.byteLength(canned.body) });
    response.end(canned.body);
  }

  /** moto unreachable, or the request could not be handled: answer 502 if the client is still there. */
  private answerBadGateway(response: ServerResponse, error: unknown): void {
    if (response.headersSent || response.destroyed) {
      response.destroy();
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const message = `sandbox gateway (moto at ${this.target.origin}): ${reason}`;
    response.writeHead(502, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(message) }).end(message);
  }
}
