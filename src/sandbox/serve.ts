import { CONTROL_PREFIX } from './control-api.js';
import { CONTROL_TOKEN_ENV } from '../ssh/address-policy.js';
import { CANONICAL_OWNER_ID, SANDBOX_IMAGES } from './ami-catalogue.js';
import type { LabMap } from './lab-map.js';
import { SANDBOX_CREDENTIALS, SANDBOX_DEFAULT_TIME_SCALE, startSandbox } from './sandbox.js';

export interface ServeSandboxOptions {
  port?: number;
  /** 0 = no added latency (default); 1 = real-AWS-like. */
  latencyScale?: number;
  /** The lab hosts answers show (`--lab FILE`, already read and validated). */
  lab?: LabMap;
  write: (line: string) => void;
  signal?: AbortSignal;
}

function labLine(lab: LabMap | undefined): string {
  if (!lab) return 'Lab map: none (answers show moto\'s own addresses).';
  const steps = Object.keys(lab.instances);
  const parts = [`${steps.length} instance(s)${steps.length > 0 ? ` (${steps.join(', ')})` : ''}`];
  if (lab.rds) parts.push(`RDS endpoint ${lab.rds.address}:${lab.rds.port}`);
  const secrets = Object.keys(lab.secrets ?? {}).length + (lab.rds?.masterUserSecret !== undefined ? 1 : 0);
  if (secrets > 0) parts.push(`${secrets} secret(s)`);
  return `Lab map: ${parts.join(', ')} — answers show the lab's hosts; the gateway never connects to them.`;
}

function usageLines(endpoint: string, motoEndpoint: string, controlToken: string, latencyScale: number, lab: LabMap | undefined): string[] {
  const control = `${endpoint}${CONTROL_PREFIX}`;
  const curl = `curl -H "Authorization: Bearer $${CONTROL_TOKEN_ENV}"`;
  return [
    `Sandbox serving at ${endpoint} — AWS emulated by moto (${motoEndpoint}); nothing real is created.`,
    `Latency scale: ${latencyScale}${latencyScale === 0 ? ' (no added latency: everything is ready at once)' : ` (instances, NAT gateways, RDS and peerings stay pending/creating for their real-AWS time × ${latencyScale}; a rehearsal uses ${SANDBOX_DEFAULT_TIME_SCALE})`}.`,
    `Seeded images: Canonical (${CANONICAL_OWNER_ID}) Ubuntu 24.04 LTS, e.g. ${SANDBOX_IMAGES[0]?.name ?? ''}.`,
    'RunInstances and CreateNatGateway honour ClientToken as AWS does (a repeat gets the first answer).',
    labLine(lab),
    '',
    'Use it with the aws CLI (any region works; the credentials are fake):',
    `  export AWS_ACCESS_KEY_ID=${SANDBOX_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey} AWS_REGION=us-east-2`,
    `  aws --endpoint-url ${endpoint} ec2 describe-vpcs`,
    `  aws --endpoint-url ${endpoint} s3 ls`,
    `or with this tool: aws-runbook --endpoint-url ${endpoint} plan`,
    '',
    `Control API (never forwarded to moto), for this gateway's owner only: every call needs the token below,`,
    `addressed to ${endpoint} itself, and is refused from a web page (an Origin header other than its own).`,
    `  export ${CONTROL_TOKEN_ENV}=${controlToken}   # also how aws-runbook --endpoint-url ${endpoint} finds the lab`,
    `  ${curl} ${control}log                                   # request log + counts`,
    `  ${curl} -X POST ${control}faults -d '{"action":"CreateVpc","kind":"throttle","share":0.5,"times":3}'`,
    `  ${curl} -X POST ${control}faults -d '{"action":{"regex":"^Create"},"kind":"drop-response"}'`,
    `      kinds: throttle, server-error, drop-response, permission-denied, quota-exceeded; "action":"*" for all`,
    `  ${curl} -X DELETE ${control}faults                      # clear all faults`,
    `  ${curl} -X PUT ${control}latency -d '{"scale":1}'        # 0 = off, 1 = real-AWS-like`,
    `  ${curl} -X PUT ${control}latency -d '{"scale":0.02,"readyAfterMs":{"dbInstance":60000}}'`,
    `  ${curl} -X POST ${control}reset-log`,
    `  ${curl} -X POST ${control}lab -d @lab.json                # lab map: instance addresses, console output, RDS endpoint, secrets`,
    `  ${curl} -X DELETE ${control}lab                         # moto's own addresses again`,
    '',
    'Press Ctrl-C to stop.',
  ];
}

/** `aws-runbook sandbox serve`: moto + gateway until `signal` aborts, then stops both. */
export async function serveSandbox(options: ServeSandboxOptions): Promise<void> {
  const latencyScale = options.latencyScale ?? 0;
  if (options.signal?.aborted) return;
  const sandbox = await startSandbox({ port: options.port, latency: { scale: latencyScale }, lab: options.lab });
  try {
    for (const line of usageLines(sandbox.endpoint, sandbox.motoEndpoint, sandbox.controlToken, latencyScale, options.lab)) options.write(line);
    await new Promise<void>((resolve) => {
      if (!options.signal) return; // no signal: serve until the process ends
      if (options.signal.aborted) return resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await sandbox.stop();
    options.write('Sandbox stopped.');
  }
}
