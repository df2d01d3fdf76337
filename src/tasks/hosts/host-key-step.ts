import { elasticIpStepIds, hasElasticIp } from '../compute/names.js';
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { pollUntil } from '../../aws/wait.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, HostName, Outputs, Step, StepContext } from '../../engine/types.js';
import { parseConsoleFingerprints, type HostKeyFingerprint } from '../../ssh/fingerprints.js';
import { ABSENT, present } from '../found.js';
import { fingerprintsFromOutput, fingerprintsToOutput } from './fingerprint-output.js';
import { hostKeyStepId, instanceName, instanceStepId } from './names.js';

/** cloud-init prints the host keys a minute or two after boot on AWS; give it ten. */
const CONSOLE_TIMEOUT_MS = 10 * 60_000;

async function consoleFingerprints(ctx: StepContext, instanceId: string): Promise<HostKeyFingerprint[]> {
  const answer = await ctx.aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }), { abortSignal: ctx.signal });
  const text = answer.Output ? Buffer.from(answer.Output, 'base64').toString('utf8') : '';
  return parseConsoleFingerprints(text);
}

/**
 * Outputs: `instanceId`, `fingerprints`. Reads the host key fingerprints the instance printed to its
 * console at first boot, so SSH trusts exactly those keys (never "accept the new key"). Read-only: find
 * does the reading; apply waits for cloud-init to print them. Keys that changed on the same instance
 * since they were recorded are a conflict, not something to accept.
 */
export function hostKeyStep(config: Config, host: HostName): Step {
  const id = hostKeyStepId(host);
  const instanceStep = instanceStepId(host);
  const name = instanceName(config, host);

  const found = (instanceId: string, fingerprints: HostKeyFingerprint[], ctx: StepContext): FindResult => {
    const recorded = ctx.output(id, 'instanceId') === instanceId ? fingerprintsFromOutput(ctx.output(id, 'fingerprints')) : [];
    const now = new Set(fingerprints.map((fp) => fp.sha256));
    const changed = recorded.filter((fp) => !now.has(fp.sha256));
    const differences = changed.length
      ? [`the host keys of ${name} (${instanceId}) changed since they were recorded: ${changed.map((fp) => `${fp.type} ${fp.sha256}`).join(', ')} no longer printed — a replaced disk, or someone in the middle; check the instance before trusting it`]
      : [];
    return present({ instanceId, fingerprints: fingerprintsToOutput(fingerprints) }, true, differences);
  };

  return {
    id,
    section: 'hosts',
    title: `Host keys of ${name} (from its console)`,
    // A public host is reached at its Elastic IP: the first SSH waits until it is associated.
    needs: [instanceStep, ...(hasElasticIp(host) ? [elasticIpStepIds(host).association] : [])],
    typicalSeconds: 90,

    async find(ctx) {
      const instanceId = ctx.output(instanceStep, 'instanceId');
      if (!instanceId) return ABSENT;
      const fingerprints = await consoleFingerprints(ctx, instanceId);
      return fingerprints.length > 0 ? found(instanceId, fingerprints, ctx) : ABSENT;
    },

    preview(ctx, result) {
      const instanceId = ctx.ref(instanceStep, 'instanceId', `$${host.toUpperCase()}_INSTANCE_ID`);
      const keys = result.kind === 'present' ? fingerprintsFromOutput(result.outputs['fingerprints']).map((fp) => `${fp.type} ${fp.sha256}`) : [];
      return {
        summary: `read ${name}'s SSH host key fingerprints from its console${keys.length ? `: ${keys.join(', ')}` : ' (waits for cloud-init to print them)'}`,
        cli: [`aws ec2 get-console-output --instance-id ${instanceId} --latest --output text | sed -n '/BEGIN SSH HOST KEY FINGERPRINTS/,/END SSH HOST KEY FINGERPRINTS/p'`],
        notes: ['runbook: `ssh -i "KeyVM-BFHK.pem" ubuntu@<ip>` takes the host key on trust at the first login; here SSH accepts only these keys'],
      };
    },

    async apply(ctx, result): Promise<Outputs> {
      if (result.kind === 'present') return result.outputs;
      const instanceId = ctx.need(instanceStep, 'instanceId');
      const started = Date.now();
      const fingerprints = await pollUntil(
        async () => {
          const fps = await consoleFingerprints(ctx, instanceId);
          if (fps.length === 0) ctx.progress(`waiting for cloud-init to print the host keys (${Math.round((Date.now() - started) / 1000)} s)`);
          return fps.length > 0 ? fps : undefined;
        },
        { what: `the host keys of ${name} in its console output`, signal: ctx.signal, intervalMs: 1000, timeoutMs: CONSOLE_TIMEOUT_MS },
      );
      return { instanceId, fingerprints: fingerprintsToOutput(fingerprints) };
    },
  };
}
