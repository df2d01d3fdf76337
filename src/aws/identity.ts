import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.js';
import { classifyAwsError } from './errors.js';

export interface Identity {
  account: string;
  arn: string;
  region: string;
  endpoint?: string;
}

/**
 * The credentials are missing, expired or refused: bad input (exit 2), found by the first AWS call of a
 * run (STS GetCallerIdentity), before anything is changed. `Code` keeps the AWS error code behind it,
 * so `classifyAwsError` still files it as `auth` (the offline plan and the failure screen rely on that).
 */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  readonly Code: string;
  // No `hint`/`fix` property: classifyAwsError would take this for an input error of ours, not `auth`.
  constructor(code: string, what: string, where: string, fix: string) {
    super([what, `  where: ${where}`, `  fix: ${fix}`].join('\n'));
    this.Code = code;
  }
}

const WHAT: Record<string, string> = {
  CredentialsProviderError: 'No usable AWS credentials were found',
  ExpiredToken: 'The AWS credentials have expired',
  ExpiredTokenException: 'The AWS credentials have expired',
  TokenRefreshRequired: 'The AWS credentials have expired',
};

/** An `auth` failure of the identity call as a CredentialsError; anything else (network, throttling) as it was. */
function credentialsProblem(error: unknown, clients: AwsClients): unknown {
  const classified = classifyAwsError(error, { region: clients.region, ...(clients.endpoint ? { endpoint: clients.endpoint } : {}) });
  if (classified.kind !== 'auth') return error;
  const code = classified.code ?? 'CredentialsProviderError';
  const detail = classified.message.startsWith(`${code}: `) ? classified.message.slice(code.length + 2) : classified.message;
  const what = `${WHAT[code] ?? 'AWS refused the credentials'}: ${detail.replace(/\.$/, '')} (${code}).`;
  const where = `asking who these credentials are (STS GetCallerIdentity) at ${clients.endpoint ?? 'AWS'} in ${clients.region}, before any change`;
  return new CredentialsError(code, what, where, `${classified.hint} Nothing was changed.`);
}

/** Answers already had, per set of clients: the account a run acts as does not change during the run. */
const known = new WeakMap<AwsClients, Identity>();

/**
 * Who the run acts as (STS GetCallerIdentity), and where; asked once per set of clients (the refusal
 * before the state is opened and the session's own identity share the answer). Credential problems
 * throw CredentialsError, and are asked again next time.
 */
export async function getIdentity(clients: AwsClients, signal?: AbortSignal): Promise<Identity> {
  const had = known.get(clients);
  if (had) return had;
  const identity = await askIdentity(clients, signal);
  known.set(clients, identity);
  return identity;
}

/** The identity if it was already asked for (previews are synchronous). */
export function knownIdentity(clients: AwsClients): Identity | undefined {
  return known.get(clients);
}

async function askIdentity(clients: AwsClients, signal?: AbortSignal): Promise<Identity> {
  let answer;
  try {
    answer = await clients.sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw credentialsProblem(error, clients);
  }
  if (!answer.Account || !answer.Arn) {
    throw new Error('STS GetCallerIdentity answered without an account or ARN');
  }
  return {
    account: answer.Account,
    arn: answer.Arn,
    region: clients.region,
    ...(clients.endpoint ? { endpoint: clients.endpoint } : {}),
  };
}
