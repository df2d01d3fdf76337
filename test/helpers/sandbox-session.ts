import { createAwsClients } from '../../src/aws/clients.js';
import type { Config } from '../../src/config/schema.js';
import { RunbookSession, type SessionOptions } from '../../src/app/session.js';

/** A writing session of the real engine against a sandbox's gateway (in-process, as the CLI opens one). */
export function sandboxSession(
  config: Config,
  endpoint: string,
  stateDir: string,
  extra: Partial<Omit<SessionOptions, 'config' | 'aws' | 'stateDir'>> = {},
): Promise<RunbookSession> {
  return RunbookSession.open({
    config,
    configPath: '(test)',
    configFound: false,
    stateDir,
    aws: createAwsClients({ region: config.region, endpoint }),
    sandbox: true,
    mode: 'write',
    command: 'up',
    ...extra,
  });
}
