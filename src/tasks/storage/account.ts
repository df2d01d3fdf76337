import type { AwsClients } from '../../aws/clients.js';
import { getIdentity, knownIdentity } from '../../aws/identity.js';

/** The account id (STS GetCallerIdentity, asked once per set of clients: see getIdentity). */
export async function accountId(aws: AwsClients, signal?: AbortSignal): Promise<string> {
  return (await getIdentity(aws, signal)).account;
}

/** The account id if a find already asked for it (previews are synchronous). */
export function knownAccountId(aws: AwsClients): string | undefined {
  return knownIdentity(aws)?.account;
}
