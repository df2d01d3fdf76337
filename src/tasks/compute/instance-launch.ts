import {
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { awsErrorCode, isAwsErrorCode } from '../../aws/errors.js';
import { refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { StepContext } from '../../engine/types.js';
import { required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { instanceById, instanceLookup, isLive } from './instance-describe.js';
import { inventoryOf } from '../inventory/of-context.js';

/** What one RunInstances needs, all known (ids from the steps this one needs). */
export interface LaunchRequest {
  stepId: string;
  name: string;
  imageId: string;
  instanceType: string;
  keyName: string;
  subnetId: string;
  securityGroupId: string;
  rootDeviceName: string;
  /** Explicit, as the image's (moto refuses a root mapping without a size or snapshot). */
  rootVolumeSizeGb?: number;
}

/**
 * ClientTokens tried in turn. AWS keeps a RunInstances token at least 24 h after its instance is
 * terminated and answers IdempotentInstanceTerminated to it (or IdempotentParameterMismatch when the
 * launch parameters changed since, e.g. a subnet made again), so after `down` the next `up` moves on
 * to the next token of the deterministic series; a resumed launch walks the same series and gets its
 * own instance back from the first token that is not spent. A spent token is passed only after the
 * step's tags showed no live instance (mutateOnce's refind), so a live launch is never duplicated
 * unless AWS's describes lag behind it and its parameters changed meanwhile — a duplicate the next
 * find then reports as a conflict.
 */
export const MAX_LAUNCH_TOKENS = 5;
export const launchTokenPurpose = (n: number) => (n === 1 ? 'launch' : `launch-${n}`);
const SPENT_TOKEN = ['IdempotentInstanceTerminated', 'IdempotentParameterMismatch'];

/** Poll period and patience: an instance is running after ~30 s in AWS, rarely after minutes. */
const POLL_MS = 1000;
const RUNNING_TIMEOUT_MS = 10 * 60_000;

export const IMDS_V2 = { HttpTokens: 'required', HttpEndpoint: 'enabled' } as const;

export function runInstancesInput(ctx: StepContext, request: LaunchRequest, clientToken: string): RunInstancesCommandInput {
  return {
    ImageId: request.imageId,
    InstanceType: request.instanceType as RunInstancesCommandInput['InstanceType'],
    KeyName: request.keyName,
    SubnetId: request.subnetId,
    SecurityGroupIds: [request.securityGroupId],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken,
    MetadataOptions: { ...IMDS_V2 },
    BlockDeviceMappings: [
      {
        DeviceName: request.rootDeviceName,
        Ebs: {
          VolumeType: 'gp3',
          Encrypted: true,
          DeleteOnTermination: true,
          ...(request.rootVolumeSizeGb ? { VolumeSize: request.rootVolumeSizeGb } : {}),
        },
      },
    ],
    TagSpecifications: [...tagSpecifications('instance', ctx.tags(request.name)), ...tagSpecifications('volume', ctx.tags(request.name))],
  };
}

/** Launches the instance (at most one, whatever is lost on the way) and records its id; resolves with the id. */
export async function launchInstance(ctx: StepContext, request: LaunchRequest): Promise<string> {
  const lookup = instanceLookup(ctx.aws.ec2, ctx.signal);
  // The instances there were before this launch (the plan's read, any state): a RunInstances answer naming
  // one of them replays an earlier launch, and that read tells whether its instance is still alive.
  const instances = inventoryOf(ctx).compute.instances;
  const before = new Map((await instances.all()).map((i) => [i.InstanceId ?? '', i]));
  for (let n = 1; n <= MAX_LAUNCH_TOKENS; n += 1) {
    const clientToken = ctx.clientToken(launchTokenPurpose(n));
    let instanceId: string;
    let answered: Instance | undefined;
    try {
      instanceId = await mutate(
        ctx,
        'RunInstances',
        async (abortSignal) => {
          const answer = await ctx.aws.ec2Once.send(new RunInstancesCommand(runInstancesInput(ctx, request, clientToken)), { abortSignal });
          answered = answer.Instances?.[0];
          return required(answered?.InstanceId, 'an InstanceId (RunInstances)');
        },
        { clientToken, refind: () => refindIdByTags(lookup, { project: ctx.project, stepId: request.stepId }) },
      );
    } catch (error) {
      if (!isAwsErrorCode(error, ...SPENT_TOKEN)) throw error;
      ctx.progress(`launch token ${n} was used by an earlier launch (${awsErrorCode(error) ?? 'spent'}); trying the next one`);
      continue;
    }
    await ctx.recordOutputs({ instanceId });
    // A token AWS still remembers may answer with its terminated instance instead of the error.
    const earlier = before.get(instanceId);
    if (earlier && !isLive(earlier)) {
      ctx.progress(`launch token ${n} answered with ${instanceId}, which is ${earlier.State?.Name ?? 'gone'}; trying the next one`);
      continue;
    }
    if (!earlier && answered?.InstanceId === instanceId) instances.put(answered);
    return instanceId;
  }
  throw new Error(
    `${request.name}: the ${MAX_LAUNCH_TOKENS} launch ClientTokens of step ${request.stepId} were all used by earlier launches (now terminated, or with other parameters); ` +
      'AWS forgets them about a day after the termination: rerun then.',
  );
}

/**
 * Waits until the instance runs; fails when it stops or terminates on the way (capacity, volume or key
 * problems). No call when what is known of it (the plan's read, or a wait since) already says running.
 */
export async function waitUntilRunning(ctx: StepContext, instanceId: string): Promise<Instance> {
  const known = inventoryOf(ctx).compute.instances.peek(instanceId);
  if (known?.State?.Name === 'running') return known;
  return pollUntil(
    async () => {
      // Every POLL_MS, with the other instances being waited for.
      const instance = await inventoryOf(ctx).compute.look(instanceId, POLL_MS);
      const state = instance?.State?.Name;
      if (!instance || state === 'pending') return undefined;
      if (state === 'running') return instance;
      const reason = instance.StateReason?.Message || instance.StateTransitionReason || 'no reason given';
      throw new Error(`instance ${instanceId} became ${state ?? 'unknown'} instead of running (${reason})`);
    },
    { what: `instance ${instanceId} to be running`, signal: ctx.signal, intervalMs: 0, timeoutMs: RUNNING_TIMEOUT_MS },
  );
}

/** A stopped (or stopping) instance of ours is started again. */
export async function startInstance(ctx: StepContext, instance: Instance): Promise<void> {
  const instanceId = instance.InstanceId as string;
  if (instance.State?.Name === 'stopping') {
    await pollUntil(async () => ((await instanceById(ctx.aws.ec2, instanceId, ctx.signal))?.State?.Name === 'stopped' ? true : undefined), {
      what: `instance ${instanceId} to finish stopping`,
      signal: ctx.signal,
      intervalMs: POLL_MS,
      timeoutMs: RUNNING_TIMEOUT_MS,
    });
  }
  await mutate(ctx, 'StartInstances', (abortSignal) => ctx.aws.ec2Once.send(new StartInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }));
}

export function imdsV2Missing(instance: Instance): boolean {
  return instance.MetadataOptions?.HttpTokens !== IMDS_V2.HttpTokens || instance.MetadataOptions?.HttpEndpoint !== IMDS_V2.HttpEndpoint;
}

export async function requireImdsV2(ctx: StepContext, instanceId: string): Promise<void> {
  await mutate(ctx, 'ModifyInstanceMetadataOptions', (abortSignal) =>
    ctx.aws.ec2Once.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: instanceId, ...IMDS_V2 }), { abortSignal }),
  );
}

/** Terminates and waits until AWS says terminated (security groups it uses can be deleted only then). */
export async function terminateInstance(ctx: StepContext, instanceId: string): Promise<void> {
  await removeIdempotently(
    ctx,
    'TerminateInstances',
    (abortSignal) => ctx.aws.ec2Once.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
    ['InvalidInstanceID.NotFound'],
  );
  await pollUntil(
    async () => {
      const instance = await inventoryOf(ctx).compute.look(instanceId, POLL_MS);
      return !instance || instance.State?.Name === 'terminated' ? true : undefined;
    },
    { what: `instance ${instanceId} to be terminated`, signal: ctx.signal, intervalMs: 0, timeoutMs: RUNNING_TIMEOUT_MS },
  );
}
