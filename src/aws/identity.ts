import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Identity } from '../engine/types.js';
import type { AwsClients } from './clients.js';

/** Who the run acts as (STS GetCallerIdentity), and where. */
export async function getIdentity(clients: AwsClients, signal?: AbortSignal): Promise<Identity> {
  const answer = await clients.sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
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
