import type { AwsClients } from '../../src/aws/clients.js';

/** Clients whose only service is an STS that answers `answer` (or throws it, when it is an Error). No network. */
export function stsAnswering(answer: unknown, endpoint = 'http://127.0.0.1:4566'): AwsClients {
  const send = async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { region: 'us-east-2', endpoint, sts: { send } } as unknown as AwsClients;
}
