import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import { sandboxSession } from '../../helpers/sandbox-session.js';
import type { RunbookSession } from '../../../src/engine/session.js';
import { createCheckContext } from '../../../src/tasks/checks/context.js';
import { databaseChecks } from '../../../src/tasks/checks/database.js';
import { allChecks } from '../../../src/tasks/checks/index.js';
import { networkChecks } from '../../../src/tasks/checks/network.js';
import { runChecks, type CheckReport } from '../../../src/tasks/checks/run-checks.js';
import { securityChecks } from '../../../src/tasks/checks/security.js';
import { storageChecks } from '../../../src/tasks/checks/storage.js';
import type { Check, CheckOutcome } from '../../../src/tasks/checks/types.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';

/**
 * The AWS checks (network, security, database, storage buckets) against moto after a full `up` of the
 * infrastructure sections, run in-process; then one thing broken at a time with plain SDK calls to
 * moto, and each time exactly the expected checks fail, with a hint naming the resource.
 */

const SECTIONS = ['network', 'peering', 'security', 'database', 'storage', 'compute'] as const;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let sandbox: Sandbox;
let session: RunbookSession;
let config: Config;
let checkClients: AwsClients;
let ec2: EC2Client;
let rds: RDSClient;
let s3: S3Client;
let checks: Check[];

/** An output the run recorded (names only: the checks read AWS). */
function out(stepId: string, key: string): string {
  const value = session.state?.steps[stepId]?.outputs?.[key];
  if (!value) throw new Error(`no ${key} recorded for ${stepId}`);
  return value;
}

/** A fresh verify run of the four AWS groups: a new context, so every describe is made again. */
async function verify(only: readonly Check[] = checks): Promise<CheckReport> {
  const ctx = createCheckContext({
    config,
    aws: checkClients,
    hosts: NO_HOSTS,
    signal: new AbortController().signal,
    outputsOf: (stepId) => session.state?.steps[stepId]?.outputs,
  });
  return runChecks(only, ctx);
}

const failing = (report: CheckReport) => report.checks.filter((c) => c.status === 'fail').map((c) => c.id).sort();
const outcome = (report: CheckReport, id: string): CheckOutcome => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no outcome for ${id}`);
  return found;
};
const notPassing = (report: CheckReport) => report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.evidence}`);

beforeAll(async () => {
  sandbox = await startSandbox();
  const dir = await mkdtemp(join(tmpdir(), 'awsrb-checks-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
  config = configSchema.parse({ suffix: 'Chk', region: 'us-east-2', access: { adminCidr: '203.0.113.7/32', publicKeyPath: join(dir, 'id.pub') } });
  session = await sandboxSession(config, sandbox.endpoint, join(dir, 'state'));
  await session.loadIdentity();
  expect(await session.apply([...SECTIONS])).toBe('ok');
  checkClients = createAwsClients({ region: config.region, endpoint: sandbox.endpoint });
  ec2 = new EC2Client({ region: config.region, endpoint: sandbox.motoEndpoint, credentials });
  rds = new RDSClient({ region: config.region, endpoint: sandbox.motoEndpoint, credentials });
  s3 = new S3Client({ region: config.region, endpoint: sandbox.motoEndpoint, credentials, forcePathStyle: true });
  checks = [...networkChecks(config), ...securityChecks(config), ...databaseChecks(config), ...storageChecks(config)];
}, 120_000);

afterAll(async () => {
  for (const client of [ec2, rds, s3, checkClients]) client?.destroy();
  await session?.close();
  await sandbox?.stop();
});

describe('the AWS checks after a full up', () => {
  it('are in the checklist with stable, unique ids in their four groups', () => {
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const listed = new Set(allChecks(config).map((c) => c.id));
    for (const id of ids) expect(listed.has(id), id).toBe(true);
    expect(new Set(checks.map((c) => c.group))).toEqual(new Set(['network', 'security', 'database', 'storage']));
    for (const check of checks) expect(check.id.startsWith(`${check.group}.`), check.id).toBe(true);
    expect(ids).toEqual(
      expect.arrayContaining([
        'network.vpc.mvp',
        'network.routes.cyber-private',
        'network.peering.cyber-ia',
        'network.no-mvp-ia-path',
        'security.ec2-19.no-open-admin-ports',
        'security.ec2-2.default-sg-closed',
        'security.ec2-8.imdsv2-required',
        'security.rds-2.not-public',
        'security.rds-11.backups-retained',
        'database.instance.managed-password',
        'storage.s3-8.public-access-blocked',
        'storage.bucket.lifecycle',
      ]),
    );
  });

  it('all pass, each with evidence naming what it saw', async () => {
    const report = await verify();
    expect(notPassing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(checks.length);
    expect(outcome(report, 'network.vpc.cyber').evidence).toContain(out('network.cyber.vpc', 'vpcId'));
    expect(outcome(report, 'network.routes.mvp-public').evidence).toContain(out('peering.cyber-mvp', 'vpcPeeringConnectionId'));
    expect(outcome(report, 'security.ec2-2.default-sg-closed').evidence).toContain(out('security.default-sg.ia', 'groupId'));
    expect(outcome(report, 'security.ec2-8.imdsv2-required').evidence).toMatch(/VMIA-Workstation-Chk .*VMCyber-Gitlab-Chk|VMCyber-Gitlab-Chk .*VMIA-Workstation-Chk/);
    expect(outcome(report, 'storage.bucket.versioning').evidence).toContain(out('storage.bucket', 'bucketName'));
  });

  it('SSH opened to 0.0.0.0/0 on the web group: EC2.19, the web SSH rule and the web table fail, naming the group and the rule', async () => {
    const web = out('security.web', 'groupId');
    const added = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    );
    const ruleId = added.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    expect(ruleId).toMatch(/^sgr-/);
    const report = await verify();
    expect(failing(report)).toEqual(['security.ec2-19.no-open-admin-ports', 'security.web.rules-as-designed', 'security.web.ssh-from-bastion-subnet-only']);
    const ec219 = outcome(report, 'security.ec2-19.no-open-admin-ports');
    expect(ec219.evidence).toContain(`SG-Web-Chk (${web}) allows tcp 22 from 0.0.0.0/0 (${ruleId})`);
    expect(ec219.hint).toContain(`aws ec2 revoke-security-group-ingress --group-id ${web} --security-group-rule-ids ${ruleId}`);
    expect(outcome(report, 'security.web.rules-as-designed').evidence).toContain('not in the design: tcp 22 from 0.0.0.0/0');
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, SecurityGroupRuleIds: [ruleId] }));
  });

  it('all traffic from ::/0 on the IA group: EC2.19 sees it as SSH and MariaDB open too', async () => {
    const ia = out('security.ia', 'groupId');
    const added = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ia, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
    const ruleId = added.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    const report = await verify();
    expect(failing(report)).toEqual(['security.ec2-19.no-open-admin-ports', 'security.ia.rules-as-designed', 'security.ia.ssh-from-bastion-subnet-only']);
    expect(outcome(report, 'security.ec2-19.no-open-admin-ports').evidence).toBe(`SG-IA-Chk (${ia}) allows all traffic from ::/0 (${ruleId})`);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ia, SecurityGroupRuleIds: [ruleId] }));
  });

  it('a route from MVP to IA in the MVP main route table (untagged): only the no-MVP↔IA check fails', async () => {
    const tables = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [out('network.mvp.vpc', 'vpcId')] }, { Name: 'association.main', Values: ['true'] }] }),
    );
    const main = tables.RouteTables?.find((t) => t.Associations?.some((a) => a.Main))?.RouteTableId ?? '';
    expect(main).toMatch(/^rtb-/);
    await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: '10.2.0.0/16', VpcPeeringConnectionId: out('peering.cyber-mvp', 'vpcPeeringConnectionId') }));
    const report = await verify();
    expect(failing(report)).toEqual(['network.no-mvp-ia-path']);
    expect(outcome(report, 'network.no-mvp-ia-path').evidence).toContain(`${main} routes 10.2.0.0/16 → ${out('peering.cyber-mvp', 'vpcPeeringConnectionId')}`);
    expect(outcome(report, 'network.no-mvp-ia-path').hint).toContain('the routes named above');
    await ec2.send(new DeleteRouteCommand({ RouteTableId: main, DestinationCidrBlock: '10.2.0.0/16' }));
  });

  it('a peering route deleted by hand: only that route table fails, and the hint recreates the route', async () => {
    const table = out('network.cyber.rt-private', 'routeTableId');
    const peering = out('peering.cyber-mvp', 'vpcPeeringConnectionId');
    await ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: '10.1.0.0/16' }));
    const report = await verify();
    expect(failing(report)).toEqual(['network.routes.cyber-private']);
    const routes = outcome(report, 'network.routes.cyber-private');
    expect(routes.evidence).toContain(`no route 10.1.0.0/16 → Peering-Cyber-MVP-Chk (${peering})`);
    expect(routes.hint).toContain(`aws ec2 create-route --route-table-id ${table} --destination-cidr-block 10.1.0.0/16 --vpc-peering-connection-id ${peering}`);
    expect(routes.hint).toContain('aws-runbook up --only peering');
    await ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: peering }));
  });

  it('the database made public (ModifyDBInstance): only RDS.2 fails, naming the instance', async () => {
    // moto applies ModifyDBInstance at once and leaves the status `available`; AWS applies PubliclyAccessible at once too.
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'database-1-chk', PubliclyAccessible: true, ApplyImmediately: true }));
    const report = await verify();
    expect(failing(report)).toEqual(['security.rds-2.not-public']);
    expect(outcome(report, 'security.rds-2.not-public').hint).toBe(
      'aws rds modify-db-instance --db-instance-identifier database-1-chk --no-publicly-accessible --apply-immediately',
    );
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'database-1-chk', PubliclyAccessible: false, ApplyImmediately: true }));
  });

  it('versioning suspended: only the versioning check fails, naming the bucket', async () => {
    const bucket = out('storage.bucket', 'bucketName');
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    const report = await verify();
    expect(failing(report)).toEqual(['storage.bucket.versioning']);
    expect(outcome(report, 'storage.bucket.versioning').evidence).toContain(`${bucket}: versioning is Suspended`);
    expect(outcome(report, 'storage.bucket.versioning').hint).toContain(`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`);
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  it('a rule added to a default group: only EC2.2 fails; up --only security closes it again', async () => {
    const group = out('security.default-sg.mvp', 'groupId');
    const added = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: group }] }] }),
    );
    const ruleId = added.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    const report = await verify();
    expect(failing(report)).toEqual(['security.ec2-2.default-sg-closed']);
    const ec22 = outcome(report, 'security.ec2-2.default-sg-closed');
    expect(ec22.evidence).toContain(`the default group ${group} of VPC-MVP-Chk has inbound all traffic from ${group} (${ruleId})`);
    expect(ec22.hint).toContain('security.default-sg.mvp');
    expect(ec22.hint).toContain(`aws ec2 revoke-security-group-ingress --group-id ${group} --security-group-rule-ids ${ruleId}`);

    expect(await session.apply(['security'])).toBe('ok');
    expect(notPassing(await verify())).toEqual([]);
  });

  it('an instance terminated: of the whole checklist, hosts.ia.running fails and the predicted matrix lacks the IA host; EC2.8 says which instance it could not judge', async () => {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [out('compute.ia', 'instanceId')] }));
    // The whole checklist (the SSH checks skip: no hosts here): the missing instance is the hosts group's failure.
    const whole = await verify(allChecks(config));
    expect(failing(whole)).toEqual(['connectivity.predicted-matches-design', 'hosts.ia.running']);
    expect(outcome(whole, 'hosts.ia.running').hint).toBeTruthy();
    expect(outcome(whole, 'connectivity.predicted-matches-design').evidence).toMatch(/\bia\b/);
    const report = await verify();
    expect(failing(report)).toEqual([]);
    const ec28 = outcome(report, 'security.ec2-8.imdsv2-required');
    expect(ec28.status).toBe('pass');
    expect(ec28.evidence).toMatch(/not checked \(no such instance: terminated or never launched\): VMIA-Workstation-Chk$/);
    expect(ec28.evidence).not.toContain(out('compute.ia', 'instanceId'));
  });

  it('a peering deleted by hand: the peering and every route table that routed through it fail', async () => {
    const peering = out('peering.cyber-ia', 'vpcPeeringConnectionId');
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: peering }));
    const report = await verify();
    expect(failing(report)).toEqual([
      'network.peering.cyber-ia',
      'network.routes.cyber-private',
      'network.routes.cyber-public',
      'network.routes.ia-private',
      'network.routes.ia-public',
    ]);
    expect(outcome(report, 'network.peering.cyber-ia').evidence).toBe('peering Peering-Cyber-IA-Chk is missing (nothing tagged aws-runbook:step=peering.cyber-ia)');
    expect(outcome(report, 'network.peering.cyber-ia').hint).toContain('aws-runbook up --only peering');
    expect(outcome(report, 'network.routes.ia-private').evidence).toContain('10.3.0.0/16 → Peering-Cyber-IA-Chk: Peering-Cyber-IA-Chk is missing');
  });
});
