import { join, resolve } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { CredentialsError, getIdentity } from '../aws/identity.js';
import { readState, STATE_FILE, StateError } from './store.js';

/**
 * Before a run that writes opens its state directory (the lock, the state file, the run's log): the
 * credentials must work, and a state recorded for an AWS account must be used with that account's
 * credentials. Either refusal leaves the directory exactly as it was (or absent).
 * Other failures of the identity call (network, throttling) are left to the run itself, which asks
 * again and reports them as usual.
 */
export async function refuseWrongIdentity(aws: AwsClients, stateDir: string): Promise<void> {
  let account: string;
  let arn: string;
  try {
    ({ account, arn } = await getIdentity(aws));
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    return;
  }
  const dir = resolve(stateDir);
  const recorded = (await readState(dir))?.account;
  if (recorded === undefined || recorded === account) return;
  throw new StateError(`The state in ${dir} was recorded for AWS account ${recorded}, but these credentials are for account ${account} (${arn}).`, {
    file: join(dir, STATE_FILE),
    fix: `use the credentials of account ${recorded} (--profile), or --state DIR for a separate state directory; the state file was left untouched`,
  });
}
