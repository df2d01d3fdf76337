import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { TagLookup } from '../../aws/find.js';
import type { Outputs } from '../../engine/types.js';
import { allPages, sendOptions } from '../../aws/paging.js';

/** States of an instance that still exists for us; terminated and shutting-down ones are gone. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

export function isLive(instance: Instance): boolean {
  return (LIVE_STATES as readonly string[]).includes(instance.State?.Name ?? '');
}

const opts = sendOptions;

/** Every instance matching the filters, all pages. */
export async function describeInstances(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<Instance[]> {
  return allPages(async (NextToken) => {
    const answer = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: (answer.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []), nextToken: answer.NextToken };
  });
}

/** One instance by id; undefined when AWS does not know it (yet: describes lag a fresh launch). */
export async function instanceById(ec2: EC2Client, instanceId: string, signal?: AbortSignal): Promise<Instance | undefined> {
  try {
    const answer = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), opts(signal));
    return answer.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  } catch (error) {
    if (isAwsErrorCode(error, 'InvalidInstanceID.NotFound')) return undefined;
    throw error;
  }
}

/** Live instances only: the state filter is sent, and re-checked (filters are never trusted). */
export function instanceLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<Instance> {
  return {
    kind: 'instance',
    describe: async (filters) =>
      (await describeInstances(ec2, [...filters, { Name: 'instance-state-name', Values: [...LIVE_STATES] }], signal)).filter(isLive),
    id: (i) => i.InstanceId,
    tags: (i) => i.Tags,
    vpcId: (i) => i.VpcId,
    vpcFilter: 'vpc-id',
  };
}

/**
 * What later steps need of an instance. The addresses are AWS's (or an emulator's invented ones):
 * outputs only — the tool never connects to them on its own (hosts go through the bastion, and in
 * the sandbox only lab-mapped addresses are reachable).
 */
export function instanceOutputs(instance: Instance): Outputs {
  return {
    instanceId: instance.InstanceId ?? '',
    ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
    ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}),
    ...(instance.Placement?.AvailabilityZone ? { availabilityZone: instance.Placement.AvailabilityZone } : {}),
  };
}
