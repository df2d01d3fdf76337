import {
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  type DBInstance,
  type DBSubnetGroup,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { isAwsErrorCode } from '../../aws/errors.js';
import { sendOptions } from '../../aws/paging.js';

/** Read-only RDS describes (retrying client): not-found answers become undefined. */

const opts = sendOptions;

/** The subnet group of that name (compared lower-cased: RDS stores names in lower case), or undefined. */
export async function describeSubnetGroup(rds: RDSClient, name: string, signal?: AbortSignal): Promise<DBSubnetGroup | undefined> {
  try {
    const answer = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }), opts(signal));
    return answer.DBSubnetGroups?.find((g) => g.DBSubnetGroupName?.toLowerCase() === name.toLowerCase());
  } catch (error) {
    if (isAwsErrorCode(error, 'DBSubnetGroupNotFound')) return undefined;
    throw error;
  }
}

/** The instance with that identifier (case-insensitive, as RDS treats it), or undefined. */
export async function describeInstance(rds: RDSClient, identifier: string, signal?: AbortSignal): Promise<DBInstance | undefined> {
  try {
    const answer = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), opts(signal));
    return answer.DBInstances?.find((i) => i.DBInstanceIdentifier?.toLowerCase() === identifier.toLowerCase());
  } catch (error) {
    if (isAwsErrorCode(error, 'DBInstanceNotFound')) return undefined;
    throw error;
  }
}

export async function listTags(rds: RDSClient, arn: string, signal?: AbortSignal): Promise<Tag[]> {
  const answer = await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }), opts(signal));
  return answer.TagList ?? [];
}
