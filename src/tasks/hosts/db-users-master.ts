import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { StepContext } from '../../engine/types.js';
import { DATABASE_STEP_IDS, MASTER_USERNAME } from '../database/names.js';
import { HintedError } from '../../errors/hinted-error.js';

/**
 * The RDS master credentials, read from the secret RDS manages in Secrets Manager
 * (`ManageMasterUserPassword`; step `database.instance` output `masterUserSecretArn`). They live in
 * memory for one apply and go to a host on SSH stdin only: never in outputs, progress or errors.
 */
export interface MasterCredentials {
  username: string;
  password: string;
}

/** Reading or understanding the master secret failed. The message never quotes the secret. */
export class MasterSecretError extends HintedError {
  override readonly name = 'MasterSecretError';
}

export const DB_INSTANCE_STEP = DATABASE_STEP_IDS.instance;

/** The endpoint the apps connect to (`database.instance` outputs). */
export interface DbEndpoint {
  host: string;
  port: number;
}

export function dbEndpoint(ctx: StepContext): DbEndpoint {
  const host = ctx.need(DB_INSTANCE_STEP, 'endpointAddress');
  const port = Number(ctx.output(DB_INSTANCE_STEP, 'endpointPort') ?? 3306);
  return { host, port: Number.isInteger(port) && port > 0 ? port : 3306 };
}

/** The secret's JSON (`{"username":…,"password":…}`, as RDS writes it) → credentials. Pure. */
export function parseMasterSecret(secretString: string | undefined, arn: string): MasterCredentials {
  const hint = `check the secret ${arn} in Secrets Manager: RDS writes it as {"username": …, "password": …}; \`aws rds modify-db-instance --manage-master-user-password\` recreates it`;
  if (!secretString) throw new MasterSecretError(`the RDS master secret ${arn} has no SecretString`, hint);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The parser's message would quote part of the text: say only that it is not JSON.
    throw new MasterSecretError(`the RDS master secret ${arn} is not JSON`, hint);
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const password = record['password'];
  const username = record['username'];
  if (typeof password !== 'string' || password === '') throw new MasterSecretError(`the RDS master secret ${arn} has no password field`, hint);
  return { username: typeof username === 'string' && username !== '' ? username : MASTER_USERNAME, password };
}

export async function readMasterCredentials(ctx: StepContext): Promise<MasterCredentials> {
  const arn = ctx.need(DB_INSTANCE_STEP, 'masterUserSecretArn');
  let secretString: string | undefined;
  try {
    const answer = await ctx.aws.secretsManager.send(new GetSecretValueCommand({ SecretId: arn }), { abortSignal: ctx.signal });
    secretString = answer.SecretString;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const code = error instanceof Error ? error.name : 'unknown error';
    throw new MasterSecretError(
      `reading the RDS master secret ${arn} failed (${code})`,
      'the credentials need secretsmanager:GetSecretValue on the RDS-managed secret (and kms:Decrypt on its key); check them, then rerun',
      { cause: error },
    );
  }
  const credentials = parseMasterSecret(secretString, arn);
  ctx.secret(credentials.password);
  return credentials;
}
