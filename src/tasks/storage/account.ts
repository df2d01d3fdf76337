import type { AwsClients } from '../../aws/clients.js';
import { getIdentity } from '../../aws/identity.js';

/** The account id per set of clients: asked once (STS GetCallerIdentity), then read from here, also by previews. */
const accounts = new WeakMap<AwsClients, string>();

export async function accountId(aws: AwsClients, signal?: AbortSignal): Promise<string> {
  const known = accounts.get(aws);
  if (known) return known;
  const { account } = await getIdentity(aws, signal);
  accounts.set(aws, account);
  return account;
}

/** The account id if a find already asked for it (previews are synchronous). */
export function knownAccountId(aws: AwsClients): string | undefined {
  return accounts.get(aws);
}
