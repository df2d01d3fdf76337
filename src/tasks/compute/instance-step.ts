import type { Instance } from '@aws-sdk/client-ec2';
import { cliTagSpecifications, shellQuote } from '../../aws/cli.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext, StepPreview } from '../../engine/types.js';
import { ec2InstanceMonthly, formatMonthly, pricesFor, pricesNote, publicIpv4Monthly } from '../costs.js';
import { ABSENT, adoptableOutputs, present } from '../found.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from '../network/names.js';
import { instanceById, instanceLookup, instanceOutputs } from './instance-describe.js';
import { imdsV2Missing, launchInstance, launchTokenPurpose, requireImdsV2, startInstance, terminateInstance, waitUntilRunning } from './instance-launch.js';
import { AMI_PLACEHOLDER, COMPUTE_STEP_IDS, hasElasticIp, KEY_PAIR_PLACEHOLDER, type InstanceSpec } from './names.js';
import { instanceNotes } from './seed-notes.js';
import { isWantedUbuntuImage, UBUNTU_IMAGE } from './ubuntu-image.js';
import { inventoryOf } from '../inventory/of-context.js';

const START = 'start it (it is stopped)';
const REQUIRE_IMDS_V2 = 'require IMDSv2 (HttpTokens=required, HttpEndpoint=enabled)';
/** Root volume size assumed for prices when the image does not say (Canonical's Ubuntu images: 8 GB). */
const DEFAULT_ROOT_GB = 8;

/**
 * Outputs: `instanceId`, `privateIp`, `publicIp` (a public host without an Elastic IP), `availabilityZone`.
 * A host with an Elastic IP gets its public address from its association step instead: the address it
 * launches with is released when the Elastic IP arrives. Never connected to by this step.
 */
export function instanceStep(config: Config, spec: InstanceSpec): Step {
  const outputsOf = (instance: Instance): Outputs => {
    const { publicIp, ...rest } = instanceOutputs(instance);
    return hasElasticIp(spec.key) || publicIp === undefined ? rest : { ...rest, publicIp };
  };
  const type = config.instances[spec.key].type;
  const ami = COMPUTE_STEP_IDS.ami;
  const keyPair = COMPUTE_STEP_IDS.keyPair;
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });

  /** What apply cannot change on a running instance (each is a conflict for the operator). */
  async function differencesOf(ctx: StepContext, instance: Instance): Promise<string[]> {
    const found: string[] = [];
    const id = instance.InstanceId ?? '?';
    if (instance.InstanceType !== type) {
      found.push(`instance ${id} is a ${instance.InstanceType ?? '?'}, wanted ${type} (resize it by hand — stop, modify-instance-attribute, start — or set instances.${spec.key}.type)`);
    }
    const subnetId = ctx.output(spec.subnetStepId, 'subnetId');
    if (subnetId && instance.SubnetId !== subnetId) found.push(`instance ${id} is in subnet ${instance.SubnetId ?? '?'}, wanted ${spec.subnetName} (${subnetId})`);
    const groupId = ctx.output(spec.securityStepId, 'groupId');
    const groups = (instance.SecurityGroups ?? []).map((g) => g.GroupId);
    if (groupId && !groups.includes(groupId)) found.push(`instance ${id} has security groups ${groups.join(', ') || '(none)'}, wanted ${groupId} (${spec.securityGroup})`);
    const keyName = ctx.output(keyPair, 'keyName');
    if (keyName && instance.KeyName !== keyName) found.push(`instance ${id} was launched with key pair ${instance.KeyName ?? '(none)'}, wanted ${keyName}`);
    const wantedImage = ctx.output(ami, 'imageId');
    if (wantedImage && instance.ImageId !== wantedImage) {
      // An older Ubuntu 24.04 image from Canonical is fine (a newer one was published since the launch).
      const image = instance.ImageId ? await inventoryOf(ctx).compute.image(instance.ImageId) : undefined;
      if (image && !isWantedUbuntuImage(image)) {
        found.push(`instance ${id} runs image ${instance.ImageId ?? '?'} (${image.Name ?? 'no name'}, owner ${image.OwnerId ?? '?'}), wanted ${UBUNTU_IMAGE.label} from Canonical (${wantedImage})`);
      }
    }
    return found;
  }

  function unfinishedOf(instance: Instance): string[] {
    const work: string[] = [];
    const state = instance.State?.Name;
    if (state === 'pending') work.push('wait until it is running (it is pending)');
    if (state === 'stopping') work.push('wait until it has stopped, then start it');
    if (state === 'stopped') work.push(START);
    if (imdsV2Missing(instance)) work.push(REQUIRE_IMDS_V2);
    return work;
  }

  function launchLine(ctx: StepContext): string {
    const mapping = `DeviceName=${ctx.output(ami, 'rootDeviceName') ?? '/dev/sda1'},Ebs={VolumeType=gp3,Encrypted=true,DeleteOnTermination=true}`;
    const volumeTags = cliTagSpecifications('volume', ctx.tags(spec.name)).replace(/^--tag-specifications /, '');
    return (
      `${shellVariable(spec.placeholder)}=$(aws ec2 run-instances --image-id ${ctx.ref(ami, 'imageId', AMI_PLACEHOLDER)} --instance-type ${type} ` +
      `--key-name ${ctx.ref(keyPair, 'keyName', KEY_PAIR_PLACEHOLDER)} --subnet-id ${ctx.ref(spec.subnetStepId, 'subnetId', spec.subnetPlaceholder)} ` +
      `--security-group-ids ${ctx.ref(spec.securityStepId, 'groupId', spec.securityPlaceholder)} --count 1 --client-token ${ctx.clientToken(launchTokenPurpose(1))} ` +
      `--metadata-options HttpTokens=required,HttpEndpoint=enabled --block-device-mappings ${shellQuote(mapping)} ` +
      `${cliTagSpecifications('instance', ctx.tags(spec.name))} ${volumeTags} --query 'Instances[0].InstanceId' --output text)`
    );
  }

  function finishLines(id: string, unfinished: string[]): string[] {
    return [
      ...(unfinished.includes(START) ? [`aws ec2 start-instances --instance-ids ${id}`] : []),
      ...(unfinished.includes(REQUIRE_IMDS_V2) ? [`aws ec2 modify-instance-metadata-options --instance-id ${id} --http-tokens required --http-endpoint enabled`] : []),
      `aws ec2 wait instance-running --instance-ids ${id}`,
    ];
  }

  function costOf(ctx: StepContext): { monthlyCostUsd?: number; note: string } {
    const rootGb = Number(ctx.output(ami, 'rootVolumeSizeGb') ?? DEFAULT_ROOT_GB);
    const region = ctx.config.region;
    const instance = ec2InstanceMonthly(region, type, rootGb);
    if (instance === undefined) {
      return { note: pricesFor(region) ? `No price for ${type} in ${region}: see the AWS Pricing Calculator.` : `Cost: unknown: ${pricesNote(region)}.` };
    }
    // A public host's address is counted once, on its Elastic IP step (which replaces the one it launches with).
    const autoAddress = spec.public && !hasElasticIp(spec.key);
    const ip = autoAddress ? (publicIpv4Monthly(region) ?? 0) : 0;
    return {
      monthlyCostUsd: Math.round((instance + ip) * 100) / 100,
      note:
        `Cost: the ${type} on demand with its ${rootGb} GB gp3 root volume (${formatMonthly(instance)})` +
        (autoAddress ? ` plus the auto-assigned public IPv4 address, billed like an Elastic IP (${formatMonthly(ip)})` : '') +
        (spec.public && !autoAddress ? '; its public address is priced on its Elastic IP step' : '') +
        '; data transfer and snapshots are not included.',
    };
  }

  return {
    id: spec.id,
    section: 'compute',
    typicalSeconds: 30, // pending → running
    title: `Instance ${spec.name} (${type}, ${spec.subnetName})`,
    needs: [ami, keyPair, spec.subnetStepId, spec.securityStepId],

    async find(ctx): Promise<FindResult> {
      const lookup = instanceLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, await inventoryOf(ctx).compute.liveInstances(), fullQuery);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      if (!match.ours) return present({ instanceId: match.id }, false, differences);
      differences.push(...(await differencesOf(ctx, match.item)));
      return present(outputsOf(match.item), true, differences, unfinishedOf(match.item));
    },

    preview(ctx, found): StepPreview {
      const id = found.kind === 'present' ? found.outputs.instanceId : undefined;
      const cost = costOf(ctx);
      const base = stepPreview(found, {
        what: `instance ${spec.name} (${type}, ${spec.role}) in ${spec.subnetName}${spec.public ? ', public IPv4' : ', no public address'}`,
        ...(id ? { id } : {}),
        create: [launchLine(ctx), `aws ec2 wait instance-running --instance-ids ${spec.placeholder}`],
        finish: (unfinished) => finishLines(id ?? spec.placeholder, unfinished),
        notes: [...instanceNotes(spec.key), cost.note],
      });
      if (found.kind !== 'absent') return base;
      return cost.monthlyCostUsd !== undefined ? { ...base, monthlyCostUsd: cost.monthlyCostUsd } : { ...base, costUnknown: true };
    },

    async apply(ctx, found): Promise<Outputs> {
      let instanceId: string;
      if (found.kind === 'present') {
        instanceId = adoptableOutputs(found, spec.id, 'instanceId').instanceId as string;
        const live = await inventoryOf(ctx).compute.instance(instanceId);
        if (live && (live.State?.Name === 'stopped' || live.State?.Name === 'stopping')) await startInstance(ctx, live);
      } else {
        const rootGb = ctx.output(ami, 'rootVolumeSizeGb');
        instanceId = await launchInstance(ctx, {
          stepId: spec.id,
          name: spec.name,
          imageId: ctx.need(ami, 'imageId'),
          instanceType: type,
          keyName: ctx.need(keyPair, 'keyName'),
          subnetId: ctx.need(spec.subnetStepId, 'subnetId'),
          securityGroupId: ctx.need(spec.securityStepId, 'groupId'),
          rootDeviceName: ctx.need(ami, 'rootDeviceName'),
          ...(rootGb ? { rootVolumeSizeGb: Number(rootGb) } : {}),
        });
      }
      ctx.progress(`waiting for ${instanceId} to be running`);
      let running = await waitUntilRunning(ctx, instanceId);
      if (imdsV2Missing(running)) {
        await requireImdsV2(ctx, instanceId);
        running = (await instanceById(ctx.aws.ec2, instanceId, ctx.signal)) ?? running;
        inventoryOf(ctx).compute.instances.put(running);
      }
      const outputs = outputsOf(running);
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const instanceId = outputs.instanceId ?? (await refindIdByTags(instanceLookup(ctx.aws.ec2, ctx.signal), query(ctx)));
      if (!instanceId) return;
      await terminateInstance(ctx, instanceId);
    },

    destroyPreview(ctx, outputs) {
      const instanceId = outputs.instanceId ?? ctx.ref(spec.id, 'instanceId', spec.placeholder);
      return {
        summary: `Terminate instance ${spec.name} (${instanceId}) and its root volume; wait until it is terminated`,
        cli: [`aws ec2 terminate-instances --instance-ids ${instanceId}`, `aws ec2 wait instance-terminated --instance-ids ${instanceId}`],
      };
    },
  };
}
