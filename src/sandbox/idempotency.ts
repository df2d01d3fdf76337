import type { IncomingHttpHeaders } from 'node:http';
import type { AwsError } from './fault-responses.js';
import { credentialScope, type RequestIdentity } from './request-identity.js';
import { allTexts, parseXmlAnswer } from './xml-answer.js';

/**
 * ClientToken idempotency as AWS does it and moto does not: a repeated call with the same token gets
 * the first answer again without anything being made; the same token with other parameters is an
 * IdempotentParameterMismatch; a RunInstances token whose instances were all terminated since is an
 * IdempotentInstanceTerminated (AWS keeps tokens at least 24 h after termination).
 */

/** `service:Action` of the calls whose ClientToken the gateway honours. */
export const TOKEN_IDEMPOTENT_ACTIONS: ReadonlySet<string> = new Set(['ec2:RunInstances', 'ec2:CreateNatGateway']);

export interface IdempotentCall {
  /** service, region, caller (access key), action and token. */
  key: string;
  /** Every other parameter of the call, in a stable order. */
  parameters: string;
  action: string;
}

export interface RememberedAnswer {
  status: number;
  statusMessage: string | undefined;
  rawHeaders: string[];
  body: Buffer;
}

export type EarlierOutcome = { kind: 'none' } | { kind: 'replay'; answer: RememberedAnswer } | { kind: 'refuse'; error: AwsError };

const MISMATCH: AwsError = {
  status: 400,
  code: 'IdempotentParameterMismatch',
  message: 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
  type: 'Sender',
};

const TERMINATED: AwsError = {
  status: 400,
  code: 'IdempotentInstanceTerminated',
  message: 'The request to launch an instance uses the same client token as a previous request for which the instance has been terminated.',
  type: 'Sender',
};

/** The idempotency identity of a call, or undefined when it is not one of ours or carries no token. */
export function idempotentCallOf(identity: RequestIdentity, headers: IncomingHttpHeaders, form: Buffer | undefined): IdempotentCall | undefined {
  if (!TOKEN_IDEMPOTENT_ACTIONS.has(`${identity.service}:${identity.action}`) || !form) return undefined;
  const params = new URLSearchParams(form.toString('utf8'));
  const token = params.get('ClientToken');
  if (!token) return undefined;
  const authorization = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
  const scope = credentialScope(authorization);
  const key = JSON.stringify([identity.service, scope?.region ?? '', scope?.accessKeyId ?? '', identity.action, token]);
  const parameters = [...params.entries()]
    .filter(([name]) => name !== 'ClientToken')
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return { key, parameters, action: identity.action };
}

interface Entry {
  parameters: string;
  answer: RememberedAnswer;
  /** For RunInstances: the instances the answer named. */
  instanceIds: string[];
}

export class IdempotencyLedger {
  private readonly entries = new Map<string, Entry>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly terminated = new Set<string>();

  /** Waits until no other call with this key is in flight, then holds the key until the returned release is called. */
  async acquire(key: string): Promise<() => void> {
    for (let held = this.busy.get(key); held; held = this.busy.get(key)) await held;
    let release!: () => void;
    this.busy.set(key, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.busy.delete(key);
      release();
    };
  }

  /** What AWS would answer a call whose token it has seen, or `none`. */
  earlier(call: IdempotentCall): EarlierOutcome {
    const entry = this.entries.get(call.key);
    if (!entry) return { kind: 'none' };
    if (entry.instanceIds.length > 0 && entry.instanceIds.every((id) => this.terminated.has(id))) {
      return { kind: 'refuse', error: TERMINATED };
    }
    if (entry.parameters !== call.parameters) return { kind: 'refuse', error: MISMATCH };
    return { kind: 'replay', answer: entry.answer };
  }

  /** Keep moto's successful answer for repeats (failed calls are not remembered: AWS lets them be retried). */
  remember(call: IdempotentCall, answer: RememberedAnswer): void {
    if (answer.status < 200 || answer.status >= 300) return;
    const instanceIds = call.action === 'RunInstances' ? instanceIdsOf(answer.body.toString('utf8')) : [];
    this.entries.set(call.key, { parameters: call.parameters, answer, instanceIds });
  }

  /** A TerminateInstances call moto accepted: its `InstanceId.N` parameters. */
  noteTerminated(form: Buffer | undefined): void {
    if (!form) return;
    for (const [name, value] of new URLSearchParams(form.toString('utf8'))) {
      if (/^InstanceId\.\d+$/.test(name)) this.terminated.add(value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.terminated.clear();
  }
}

function instanceIdsOf(answer: string): string[] {
  const tree = parseXmlAnswer(answer);
  return tree ? allTexts(tree, 'instanceId') : [];
}
