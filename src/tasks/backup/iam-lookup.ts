import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  type ListAttachedRolePoliciesCommandOutput,
  ListInstanceProfileTagsCommand,
  ListRolePoliciesCommand,
  type ListRolePoliciesCommandOutput,
  ListRoleTagsCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import type { AwsClients } from '../../aws/clients.js';
import { isAwsErrorCode } from '../../aws/errors.js';
import { decodePolicyDocument } from './policy.js';

/** Read-only IAM lookups of the backup role and instance profile (by their deterministic names). */

export interface RoleFacts {
  arn: string;
  tags: Tag[];
  trust: unknown;
  /** Inline policies by name (decoded documents). */
  inline: Map<string, unknown>;
  /** ARNs of attached managed policies. */
  attached: string[];
}

const opts = (signal: AbortSignal) => ({ abortSignal: signal });

/** The role and everything that grants it permissions, or undefined when there is no such role. */
export async function readRole(aws: AwsClients, name: string, signal: AbortSignal): Promise<RoleFacts | undefined> {
  let role;
  try {
    role = (await aws.iam.send(new GetRoleCommand({ RoleName: name }), opts(signal))).Role;
  } catch (error) {
    if (isAwsErrorCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
  if (!role?.Arn) return undefined;
  // GetRole carries the tags on AWS; ListRoleTags is the documented way and what emulators answer.
  const tags = role.Tags?.length ? role.Tags : ((await aws.iam.send(new ListRoleTagsCommand({ RoleName: name }), opts(signal))).Tags ?? []);
  const inline = new Map<string, unknown>();
  let marker: string | undefined;
  do {
    const page: ListRolePoliciesCommandOutput = await aws.iam.send(new ListRolePoliciesCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }), opts(signal));
    for (const policyName of page.PolicyNames ?? []) {
      const policy = await aws.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }), opts(signal));
      inline.set(policyName, decodePolicyDocument(policy.PolicyDocument));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const attached: string[] = [];
  marker = undefined;
  do {
    const page: ListAttachedRolePoliciesCommandOutput = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, ...(marker ? { Marker: marker } : {}) }), opts(signal));
    for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) attached.push(policy.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return { arn: role.Arn, tags, trust: decodePolicyDocument(role.AssumeRolePolicyDocument), inline, attached };
}

export interface ProfileFacts {
  arn: string;
  tags: Tag[];
  roles: string[];
}

export async function readInstanceProfile(aws: AwsClients, name: string, signal: AbortSignal): Promise<ProfileFacts | undefined> {
  let profile;
  try {
    profile = (await aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }), opts(signal))).InstanceProfile;
  } catch (error) {
    if (isAwsErrorCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
  if (!profile?.Arn) return undefined;
  const tags = profile.Tags?.length
    ? profile.Tags
    : ((await aws.iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: name }), opts(signal))).Tags ?? []);
  return { arn: profile.Arn, tags, roles: (profile.Roles ?? []).flatMap((role) => (role.RoleName ? [role.RoleName] : [])) };
}
