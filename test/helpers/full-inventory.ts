import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { networkInventory } from './inventory.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const tag = (tags: Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

/**
 * Everything of a project, described straight from moto and reduced to a comparable shape (ids
 * replaced by names): the network, peering, security groups and rules, the database, the bucket and
 * the instances.
 */
export async function fullInventory(endpoint: string, project: string) {
  const ec2 = new EC2Client({ region: 'us-east-2', endpoint, credentials });
  const rds = new RDSClient({ region: 'us-east-2', endpoint, credentials });
  const s3 = new S3Client({ region: 'us-east-2', endpoint, credentials, forcePathStyle: true });
  try {
    const ours = <T extends { Tags?: Tag[] }>(items: T[] | undefined) => (items ?? []).filter((item) => tag(item.Tags, 'aws-runbook:project') === project);
    const network = await networkInventory(endpoint, project);
    const peerings = ours((await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections).filter((p) => p.Status?.Code !== 'deleted');
    const groups = ours((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups);
    const groupName = new Map(groups.map((g) => [g.GroupId!, tag(g.Tags, 'Name')!]));
    const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    const instances = ours(reservations.flatMap((r) => r.Instances ?? [])).filter((i) => i.State?.Name !== 'terminated');
    const keys = ((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).filter((k) => tag(k.Tags, 'aws-runbook:project') === project);
    const addresses = ((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? []).filter((a) => tag(a.Tags, 'aws-runbook:project') === project);
    const databases = ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((d) => d.TagList?.some((t) => t.Key === 'aws-runbook:project' && t.Value === project));
    const subnetGroups = ((await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []).filter((g) => g.DBSubnetGroupName?.endsWith(`-${project}`));
    const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).filter((b) => b.Name?.startsWith(`${project}-backups-`));
    const bucketSettings = await Promise.all(
      buckets.map(async (b) => ({
        name: b.Name,
        publicAccessBlock: (await s3.send(new GetPublicAccessBlockCommand({ Bucket: b.Name! }))).PublicAccessBlockConfiguration,
        encryption: (await s3.send(new GetBucketEncryptionCommand({ Bucket: b.Name! }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
        versioning: (await s3.send(new GetBucketVersioningCommand({ Bucket: b.Name! }))).Status,
        lifecycleRules: ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b.Name! }))).Rules ?? []).length,
      })),
    );
    // Each VPC's `default` group (untagged, made by AWS): how many rules it still has (EC2.2 wants none).
    const vpcs = ours((await ec2.send(new DescribeVpcsCommand({}))).Vpcs);
    const allGroups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
    const allRules = (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
    const defaultSecurityGroups = vpcs
      .map((v) => {
        const group = allGroups.find((g) => g.VpcId === v.VpcId && g.GroupName === 'default');
        const rules = allRules.filter((r) => r.GroupId === group?.GroupId);
        return { vpc: tag(v.Tags, 'Name'), inbound: rules.filter((r) => !r.IsEgress).length, outbound: rules.filter((r) => r.IsEgress).length };
      })
      .sort((a, b) => String(a.vpc).localeCompare(String(b.vpc)));
    const subnets = ours((await ec2.send(new DescribeSubnetsCommand({}))).Subnets);
    const subnetName = new Map(subnets.map((subnet) => [subnet.SubnetId!, tag(subnet.Tags, 'Name')!]));
    return {
      network,
      peerings: peerings
        .map((p) => ({ name: tag(p.Tags, 'Name'), status: p.Status?.Code, requester: p.RequesterVpcInfo?.CidrBlock, accepter: p.AccepterVpcInfo?.CidrBlock }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      securityGroups: groups
        .map((g) => ({
          name: tag(g.Tags, 'Name'),
          rules: (g.IpPermissions ?? [])
            .flatMap((p) => [
              ...(p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} from ${r.CidrIp}`),
              ...(p.UserIdGroupPairs ?? []).map((r) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} from ${groupName.get(r.GroupId!) ?? r.GroupId}`),
            ])
            .sort(),
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      defaultSecurityGroups,
      databases: databases.map((d) => ({
        id: d.DBInstanceIdentifier,
        engine: d.Engine,
        version: d.EngineVersion,
        class: d.DBInstanceClass,
        storage: d.AllocatedStorage,
        multiAz: d.MultiAZ,
        public: d.PubliclyAccessible,
        encrypted: d.StorageEncrypted,
        retention: d.BackupRetentionPeriod,
        managedPassword: Boolean(d.MasterUserSecret?.SecretArn),
        subnetGroup: d.DBSubnetGroup?.DBSubnetGroupName,
        securityGroups: (d.VpcSecurityGroups ?? []).map((g) => groupName.get(g.VpcSecurityGroupId!) ?? g.VpcSecurityGroupId),
      })),
      subnetGroups: subnetGroups.map((g) => ({ name: g.DBSubnetGroupName, subnets: (g.Subnets ?? []).map((s) => s.SubnetAvailabilityZone?.Name).sort() })),
      buckets: bucketSettings,
      keyPairs: keys.map((k) => k.KeyName),
      // Every Elastic IP of the project and the instance it is on (a NAT gateway's: none).
      elasticIps: addresses
        .map((a) => ({ name: tag(a.Tags, 'Name'), instance: tag(instances.find((i) => i.InstanceId === a.InstanceId)?.Tags, 'Name') ?? null }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      instances: instances
        .map((i) => ({
          name: tag(i.Tags, 'Name'),
          type: i.InstanceType,
          state: i.State?.Name,
          subnet: subnetName.get(i.SubnetId ?? '') ?? i.SubnetId,
          securityGroups: (i.SecurityGroups ?? []).map((g) => groupName.get(g.GroupId!) ?? g.GroupId),
          keyName: i.KeyName,
          imdsV2: i.MetadataOptions?.HttpTokens,
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    };
  } finally {
    ec2.destroy();
    rds.destroy();
    s3.destroy();
  }
}

