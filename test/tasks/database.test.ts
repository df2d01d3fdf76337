import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { CreateSecurityGroupCommand, DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { stepTagFilters, tagSpecifications, tagValue } from '../../src/aws/tags.js';
import { createStepContext } from '../../src/engine/context.js';
import type { FindResult, Step } from '../../src/engine/types.js';
import { databaseSteps, setDatabaseFinalSnapshot, setDatabaseWait } from '../../src/tasks/database.js';
import { networkStepIds, vpcNetworkSteps } from '../../src/tasks/network.js';
import { ABSENT, present } from '../../src/tasks/found.js';
import {
  destroySteps,
  loseFirstAnswer,
  MemoryHost,
  mutatingCalls,
  runSteps,
  testConfig,
  type JournalEntry,
} from '../helpers/moto.js';
import type { SentCommand } from '../helpers/call-journal.js';
import { useMotoTasks } from '../helpers/moto-tasks.js';
import { stepById } from '../helpers/step-by-id.js';

const config = testConfig();
const net = networkStepIds('mvp');
const GROUP = 'database.subnet-group';
const INSTANCE = 'database.instance';
const SG = 'security.rds';
const SEED_PASSWORD = 'Azerty123!';

/** Stand-in for the security section's `security.rds` (written elsewhere): one tagged group, output `groupId`. */
function rdsSecurityGroupStandIn(): Step {
  const lookup = async (ctx: ReturnType<typeof createStepContext>) => {
    const answer = await ctx.aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: stepTagFilters(ctx.project, SG) }));
    return answer.SecurityGroups?.[0]?.GroupId;
  };
  return {
    id: SG,
    section: 'security',
    title: 'RDS security group (test stand-in)',
    needs: [net.vpc],
    async find(ctx): Promise<FindResult> {
      const groupId = await lookup(ctx);
      return groupId ? present({ groupId }, true) : ABSENT;
    },
    preview: () => ({ summary: 'stand-in', cli: [] }),
    async apply(ctx, found) {
      if (found.kind === 'present') return found.outputs;
      const answer = await ctx.aws.ec2Once.send(
        new CreateSecurityGroupCommand({
          VpcId: ctx.need(net.vpc, 'vpcId'),
          GroupName: 'RDS-BFHK',
          Description: 'stand-in',
          TagSpecifications: tagSpecifications('security-group', ctx.tags('SG-RDS-BFHK')),
        }),
      );
      return { groupId: answer.GroupId as string };
    },
    async destroy(ctx, outputs) {
      if (outputs.groupId) await ctx.aws.ec2Once.send(new DeleteSecurityGroupCommand({ GroupId: outputs.groupId }));
    },
  };
}

/**
 * Delete every DB instance, DB subnet group and snapshot (between tests; the shared network stays).
 * moto keeps the automated snapshot of a deleted instance (DeleteAutomatedBackups false) under a
 * per-minute name, and refuses to create the same identifier again within that minute.
 */
async function removeAllDatabaseResources(clients: AwsClients): Promise<void> {
  for (const snapshot of (await clients.rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? []) {
    await clients.rdsOnce.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshot.DBSnapshotIdentifier }));
  }
  for (const instance of (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
    await clients.rdsOnce.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance.DBInstanceIdentifier, SkipFinalSnapshot: true }));
  }
  for (const group of (await clients.rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []) {
    if (group.DBSubnetGroupName !== 'default') await clients.rdsOnce.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: group.DBSubnetGroupName }));
  }
}

describe('databaseSteps (shape)', () => {
  it('has the subnet group on the MVP private subnets, then the instance after it and security.rds', () => {
    const steps = databaseSteps(config);
    expect(steps.map((s) => [s.id, s.section, s.needs])).toEqual([
      [GROUP, 'database', [net.subnetPrivate(1), net.subnetPrivate(2)]],
      [INSTANCE, 'database', [GROUP, SG]],
    ]);
    expect(stepById(steps, INSTANCE).title).toContain('database-1-bfhk');
  });
});

describe('database section against moto', () => {
  let clients: AwsClients;
  let journal: JournalEntry[];
  let sent: SentCommand[];
  let host: MemoryHost;
  const steps = () => [...vpcNetworkSteps(config, 'mvp').filter((s) => [net.vpc, net.subnetPublic, net.subnetPrivate(1), net.subnetPrivate(2)].includes(s.id)), rdsSecurityGroupStandIn(), ...databaseSteps(config)];
  const out = (stepId: string, key: string) => {
    const value = host.outputsOf(stepId)?.[key];
    if (!value) throw new Error(`no ${key} for ${stepId}`);
    return value;
  };
  const ctxOf = (id: string) => createStepContext(host, id);
  /** The steps with only the database ones destroyable: the shared network stays. */
  const databaseOnly = () => steps().map((s) => (s.section === 'database' ? s : { ...s, destroy: undefined }));
  const liveInstance = async (): Promise<DBInstance | undefined> =>
    (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances?.find((i) => i.DBInstanceIdentifier === 'database-1-bfhk');

  // The network and the stand-in security group are built once; each test starts without any RDS resource.
  useMotoTasks(
    {
      config,
      journaled: ['ec2', 'ec2Once', 'rds', 'rdsOnce'],
      buildOnce: () => steps().filter((s) => s.section !== 'database'),
      cleanBefore: removeAllDatabaseResources,
      cleanAfter: async () => {
        setDatabaseWait({ intervalMs: undefined });
        setDatabaseFinalSnapshot(false);
      },
    },
    (rig) => ({ clients, journal, sent, host } = rig),
  );

  it('creates the subnet group on the two private subnets and a private, encrypted, Multi-AZ MariaDB whose password RDS keeps', async () => {
    const report = await runSteps(steps(), host);
    expect(report.conflict).toBeUndefined();

    const [group] = (await clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'rds-private-bfhk' }))).DBSubnetGroups ?? [];
    const groupSubnets = group?.Subnets?.map((s) => s.SubnetIdentifier).sort();
    expect(groupSubnets).toEqual([out(net.subnetPrivate(1), 'subnetId'), out(net.subnetPrivate(2), 'subnetId')].sort());
    expect(groupSubnets).not.toContain(out(net.subnetPublic, 'subnetId'));
    expect(new Set(group?.Subnets?.map((s) => s.SubnetAvailabilityZone?.Name))).toEqual(new Set(['us-east-2a', 'us-east-2b']));
    const groupTags = (await clients.rds.send(new ListTagsForResourceCommand({ ResourceName: group?.DBSubnetGroupArn }))).TagList;
    expect(groupTags).toEqual([
      { Key: 'Name', Value: 'rds-private-bfhk' },
      { Key: 'aws-runbook:project', Value: 'bfhk' },
      { Key: 'aws-runbook:step', Value: GROUP },
    ]);
    expect(host.outputsOf(GROUP)).toEqual({ dbSubnetGroupName: 'rds-private-bfhk' });

    const db = await liveInstance();
    expect(db).toMatchObject({
      Engine: 'mariadb',
      EngineVersion: '10.11.9',
      DBInstanceClass: 'db.m7g.large',
      AllocatedStorage: 400,
      StorageType: 'gp3',
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      MasterUsername: 'admin',
      DeletionProtection: false,
      CopyTagsToSnapshot: true,
      DBInstanceStatus: 'available',
    });
    expect(db?.DBSubnetGroup?.DBSubnetGroupName).toBe('rds-private-bfhk');
    expect(db?.DBSubnetGroup?.Subnets?.map((s) => s.SubnetIdentifier).sort()).toEqual(groupSubnets);
    expect(db?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([out(SG, 'groupId')]);
    expect(db?.MasterUserSecret?.SecretArn).toMatch(/^arn:aws:secretsmanager:us-east-2:\d{12}:secret:/);
    expect(tagValue(db?.TagList, 'aws-runbook:step')).toBe(INSTANCE);
    expect(host.outputsOf(INSTANCE)).toEqual({
      dbInstanceIdentifier: 'database-1-bfhk',
      endpointAddress: db?.Endpoint?.Address,
      endpointPort: '3306',
      masterUserSecretArn: db?.MasterUserSecret?.SecretArn,
    });

    const create = sent.find((s) => s.action === 'CreateDBInstance');
    expect(create?.client).toBe('rdsOnce');
    expect(create?.input).toMatchObject({ ManageMasterUserPassword: true, EngineVersion: '10.11.9' });
    expect(create?.input).not.toHaveProperty('MasterUserPassword');
    for (const [i, entry] of journal.entries()) {
      if (entry.type === 'call' && entry.mutating) expect(journal[i - 1], entry.action).toMatchObject({ type: 'begin', action: entry.action });
    }
    const rdsMutations = mutatingCalls(journal).filter((a) => /DB/.test(a));
    expect(rdsMutations).toEqual(['CreateDBSubnetGroup', 'CreateDBInstance']);
    expect(sent.filter((s) => /^Create/.test(s.action) && s.client === 'rds')).toEqual([]);
    expect(host.progressLines.some((l) => /^database\.instance: database-1-bfhk: available; waiting for it to be available \(\d+s elapsed\)$/.test(l))).toBe(true);

    // No password anywhere: outputs, journal, progress, previews.
    const previews = databaseSteps(config).map((s) => s.preview(ctxOf(s.id), ABSENT));
    const everything = JSON.stringify([[...host.outputs], journal, sent, host.progressLines, previews]);
    expect(everything).not.toContain(SEED_PASSWORD);
    expect(everything).not.toContain('"MasterUserPassword"');
    expect(previews.flatMap((p) => p.cli).join('\n')).not.toContain('--master-user-password');
  });

  it('on a rerun finds both present, ours and complete, and sends nothing that changes anything', async () => {
    await runSteps(steps(), host);
    const before = new Map(host.outputs);
    journal.length = 0;
    for (const step of databaseSteps(config)) {
      const found = await step.find(ctxOf(step.id));
      expect(found, step.id).toEqual({ kind: 'present', outputs: before.get(step.id), ours: true, differences: [], unfinished: [] });
      expect(step.preview(ctxOf(step.id), found).cli).toEqual([]);
    }
    const again = await runSteps(steps(), host);
    expect(again.runs.filter((r) => r.applied)).toEqual([]);
    expect(mutatingCalls(journal)).toEqual([]);

    // State lost: adopted from the deterministic names and the tags, still without a mutating call.
    const fresh = new MemoryHost(config, clients, journal);
    await runSteps(steps(), fresh);
    expect(mutatingCalls(journal)).toEqual([]);
    expect(fresh.outputsOf(INSTANCE)).toEqual(before.get(INSTANCE));
  });

  it('a CreateDBInstance whose answer is lost is found again by its identifier: one instance, one create', async () => {
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    const lost = loseFirstAnswer(clients.rdsOnce, 'CreateDBInstanceCommand');
    const outputs = await stepById(steps(), INSTANCE).apply(ctxOf(INSTANCE), ABSENT);
    expect(lost()).toBe(true);
    expect(mutatingCalls(journal).filter((a) => a === 'CreateDBInstance')).toHaveLength(1);
    expect(outputs.dbInstanceIdentifier).toBe('database-1-bfhk');
    expect((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances).toHaveLength(1);
  });

  it('a CreateDBSubnetGroup whose answer is lost is found again by its name and tags', async () => {
    const lost = loseFirstAnswer(clients.rdsOnce, 'CreateDBSubnetGroupCommand');
    await expect(stepById(steps(), GROUP).apply(ctxOf(GROUP), ABSENT)).resolves.toEqual({ dbSubnetGroupName: 'rds-private-bfhk' });
    expect(lost()).toBe(true);
    expect(mutatingCalls(journal)).toEqual(['CreateDBSubnetGroup']);
    expect(host.outputsOf(GROUP)).toEqual({ dbSubnetGroupName: 'rds-private-bfhk' });
  });

  it('DBInstanceAlreadyExists for our own instance is success (adopted); for someone else’s it is a conflict', async () => {
    await runSteps(steps(), host);
    journal.length = 0;
    const instance = stepById(steps(), INSTANCE);
    await expect(instance.apply(ctxOf(INSTANCE), ABSENT)).resolves.toMatchObject({ dbInstanceIdentifier: 'database-1-bfhk' });
    expect(mutatingCalls(journal)).toEqual(['CreateDBInstance']);
    expect(host.progressLines).toContain('database.instance: DB instance database-1-bfhk already exists as wanted: adopted');
    expect((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances).toHaveLength(1);

    await clients.rdsOnce.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'database-1-bfhk', SkipFinalSnapshot: true }));
    await clients.rdsOnce.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'database-1-bfhk',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'mariadb',
        EngineVersion: '10.11.9',
        AllocatedStorage: 20,
        MasterUsername: 'admin',
        ManageMasterUserPassword: true,
        DBSubnetGroupName: 'rds-private-bfhk',
      }),
    );
    const found = await instance.find(ctxOf(INSTANCE));
    expect(found).toMatchObject({ kind: 'present', ours: false });
    expect(instance.preview(ctxOf(INSTANCE), found).summary).toMatch(/^Conflict: .*tag is missing/);
    await expect(instance.apply(ctxOf(INSTANCE), ABSENT)).rejects.toSatisfy((e: unknown) => classifyAwsError(e).kind === 'conflict');
  });

  it('finds a subnet group whose name differs only in case, and adopts it without a call', async () => {
    const groupStep = stepById(steps(), GROUP);
    await clients.rdsOnce.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: 'RDS-Private-BFHK',
        DBSubnetGroupDescription: 'made by hand',
        SubnetIds: [out(net.subnetPrivate(1), 'subnetId'), out(net.subnetPrivate(2), 'subnetId')],
        Tags: ctxOf(GROUP).tags('rds-private-bfhk'),
      }),
    );
    journal.length = 0;
    const found = await groupStep.find(ctxOf(GROUP));
    expect(found).toEqual({ kind: 'present', outputs: { dbSubnetGroupName: 'rds-private-bfhk' }, ours: true, differences: [], unfinished: [] });
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('asks for a subnet group’s tags only while its ownership is in question: not for the group the state records the step made', async () => {
    const groupStep = stepById(steps(), GROUP);
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    const tagReads = () => journal.filter((e) => e.type === 'call' && e.action === 'ListTagsForResource');
    const ours = { kind: 'present', outputs: { dbSubnetGroupName: 'rds-private-bfhk' }, ours: true, differences: [], unfinished: [] };
    // Not recorded as done (a first plan, a lost create answer, a group made by hand): its tags tell whose it is.
    journal.length = 0;
    expect(await groupStep.find(ctxOf(GROUP))).toEqual(ours);
    expect(tagReads()).toHaveLength(1);
    const [made] = (await clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'rds-private-bfhk' }))).DBSubnetGroups ?? [];
    await clients.rds.send(new RemoveTagsFromResourceCommand({ ResourceName: made?.DBSubnetGroupArn, TagKeys: ['aws-runbook:project'] }));
    expect(await groupStep.find(ctxOf(GROUP))).toMatchObject({ kind: 'present', ours: false, differences: [expect.stringMatching(/^DB subnet group rds-private-bfhk exists but its aws-runbook:project tag is missing/)] });
    // Recorded as done under this name: ours, no tag read (RDS names are unique in an account and region).
    host.done.set(GROUP, { dbSubnetGroupName: 'rds-private-bfhk' });
    journal.length = 0;
    expect(await groupStep.find(ctxOf(GROUP))).toEqual(ours);
    expect(tagReads()).toEqual([]);
    expect(journal.filter((e) => e.type === 'call').map((e) => (e.type === 'call' ? e.action : ''))).toEqual(['DescribeDBSubnetGroups']);
  });

  it('sees the seed’s slip, a group that includes the PUBLIC subnet, as a conflict naming it', async () => {
    const publicId = out(net.subnetPublic, 'subnetId');
    await clients.rdsOnce.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: 'rds-private-bfhk',
        DBSubnetGroupDescription: 'seed style',
        SubnetIds: [out(net.subnetPrivate(1), 'subnetId'), publicId],
        Tags: ctxOf(GROUP).tags('rds-private-bfhk'),
      }),
    );
    const groupStep = stepById(steps(), GROUP);
    const found = await groupStep.find(ctxOf(GROUP));
    expect(found).toMatchObject({ kind: 'present', ours: true });
    expect(found.kind === 'present' && found.differences.join(' ')).toContain(`${publicId} is the MVP PUBLIC subnet`);
    const report = await runSteps(steps(), host);
    expect(report.conflict?.stepId).toBe(GROUP);
  });

  it('reports what apply cannot change (encryption, class) as differences, with the encryption hint', async () => {
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    await clients.rdsOnce.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'database-1-bfhk',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'mariadb',
        EngineVersion: '10.11.9',
        AllocatedStorage: 400,
        StorageType: 'gp3',
        MultiAZ: true,
        StorageEncrypted: false,
        MasterUsername: 'admin',
        ManageMasterUserPassword: true,
        DBSubnetGroupName: 'rds-private-bfhk',
        Tags: ctxOf(INSTANCE).tags('database-1-bfhk'),
      }),
    );
    const found = await stepById(steps(), INSTANCE).find(ctxOf(INSTANCE));
    expect(found).toMatchObject({ kind: 'present', ours: true });
    const differences = found.kind === 'present' ? found.differences : [];
    expect(differences).toContain(
      'database-1-bfhk: storage encryption is off, wanted on: encryption cannot be turned on after creation (snapshot it, copy the snapshot encrypted, restore from the copy, or delete it)',
    );
    expect(differences.some((d) => d.startsWith('database-1-bfhk: class is db.t4g.micro, wanted db.m7g.large'))).toBe(true);
  });

  it('finishes an instance of ours with a short backup retention and another security group with one ModifyDBInstance', async () => {
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    await clients.rdsOnce.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'database-1-bfhk',
        DBInstanceClass: 'db.m7g.large',
        Engine: 'mariadb',
        EngineVersion: '10.11.9',
        AllocatedStorage: 400,
        StorageType: 'gp3',
        MultiAZ: true,
        PubliclyAccessible: false,
        StorageEncrypted: true,
        BackupRetentionPeriod: 1,
        CopyTagsToSnapshot: true,
        MasterUsername: 'admin',
        ManageMasterUserPassword: true,
        DBSubnetGroupName: 'rds-private-bfhk',
        Tags: ctxOf(INSTANCE).tags('database-1-bfhk'),
      }),
    );
    journal.length = 0;
    const instance = stepById(steps(), INSTANCE);
    const found = await instance.find(ctxOf(INSTANCE));
    const sg = out(SG, 'groupId');
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [] });
    expect(found.kind === 'present' && found.unfinished[0]).toBe('set backup retention to 7 days (it is 1)');
    expect(instance.preview(ctxOf(INSTANCE), found).cli).toEqual([
      `aws rds modify-db-instance --db-instance-identifier database-1-bfhk --backup-retention-period 7 --vpc-security-group-ids ${sg} --apply-immediately`,
      'aws rds wait db-instance-available --db-instance-identifier database-1-bfhk',
    ]);
    await instance.apply(ctxOf(INSTANCE), found);
    expect(mutatingCalls(journal)).toEqual(['ModifyDBInstance']);
    const db = await liveInstance();
    expect(db?.BackupRetentionPeriod).toBe(7);
    expect(db?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([sg]);
  });

  it('waits for a creating instance with its own short poll, reporting progress, and stops on Ctrl-C', async () => {
    await runSteps(steps(), host);
    setDatabaseWait({ intervalMs: 20 });
    let creatingAnswers = 3;
    clients.rds.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'DescribeDBInstancesCommand' || creatingAnswers <= 0) return result;
        creatingAnswers -= 1;
        const output = result.output as { DBInstances?: DBInstance[] };
        output.DBInstances = output.DBInstances?.map((i) => ({ ...i, DBInstanceStatus: 'creating', Endpoint: undefined }));
        return result;
      },
      { step: 'initialize', name: 'creatingForAWhile' },
    );
    const instance = stepById(steps(), INSTANCE);
    const found = await instance.find(ctxOf(INSTANCE));
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: ['wait until the instance is available (it is creating)'] });
    journal.length = 0;
    host.progressLines.length = 0;
    const outputs = await instance.apply(ctxOf(INSTANCE), found);
    expect(outputs.endpointPort).toBe('3306');
    expect(mutatingCalls(journal)).toEqual([]);
    expect(host.progressLines.filter((l) => l.includes(': creating; waiting for it to be available'))).toHaveLength(2);
    expect(host.progressLines.at(-1)).toMatch(/database-1-bfhk: available; waiting for it to be available \(\d+s elapsed\)/);

    creatingAnswers = Number.POSITIVE_INFINITY;
    setTimeout(() => host.controller.abort(), 100);
    const started = Date.now();
    await expect(instance.apply(ctxOf(INSTANCE), found)).rejects.toSatisfy((e: unknown) => classifyAwsError(e).kind === 'aborted');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits for an instance still being deleted to go, then creates it again', async () => {
    await runSteps(steps(), host);
    const [old] = (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'database-1-bfhk' }))).DBInstances ?? [];
    await clients.rdsOnce.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'database-1-bfhk', SkipFinalSnapshot: true }));
    setDatabaseWait({ intervalMs: 20 });
    let deletingAnswers = 3;
    clients.rds.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (context.commandName !== 'DescribeDBInstancesCommand' || deletingAnswers <= 0) throw error;
          deletingAnswers -= 1;
          return { output: { DBInstances: [{ ...old, DBInstanceStatus: 'deleting' }], $metadata: {} }, response: {} };
        }
      },
      { step: 'initialize', name: 'deletingForAWhile' },
    );
    journal.length = 0;
    const instance = stepById(steps(), INSTANCE);
    const found = await instance.find(ctxOf(INSTANCE));
    expect(found).toEqual({ kind: 'present', outputs: {}, ours: true, differences: [], unfinished: ['wait until the old instance has finished deleting, then create it again'] });
    expect(instance.preview(ctxOf(INSTANCE), found).cli[0]).toBe('aws rds wait db-instance-deleted --db-instance-identifier database-1-bfhk');
    await instance.apply(ctxOf(INSTANCE), found);
    expect(deletingAnswers).toBe(0);
    expect(mutatingCalls(journal)).toEqual(['CreateDBInstance']);
    expect((await liveInstance())?.DBInstanceStatus).toBe('available');
  });

  it('previews the exact CLI (no password, placeholders then real ids), the seed slips and the cost', async () => {
    const [groupStep, instance] = databaseSteps(config) as [Step, Step];
    const nothingBuilt = new MemoryHost(config, clients);
    const group = groupStep.preview(createStepContext(nothingBuilt, GROUP), ABSENT);
    expect(group.cli).toEqual([
      "aws rds create-db-subnet-group --db-subnet-group-name rds-private-bfhk --db-subnet-group-description 'Private subnets of VPC-MVP-BFHK for the database (aws-runbook)' --subnet-ids $MVP_SUBNET_PRIVATE1_ID $MVP_SUBNET_PRIVATE2_ID --tags Key=Name,Value=rds-private-bfhk Key=aws-runbook:project,Value=bfhk Key=aws-runbook:step,Value=database.subnet-group",
    ]);
    expect(group.notes?.join(' ')).toContain('PUBLIC subnet subnet-05e8caac9f82d6e34');

    const db = instance.preview(createStepContext(nothingBuilt, INSTANCE), ABSENT);
    expect(db.cli).toEqual([
      'aws rds create-db-instance --db-instance-identifier database-1-bfhk --engine mariadb --engine-version 10.11.9 --db-instance-class db.m7g.large --allocated-storage 400 --storage-type gp3 --multi-az --no-publicly-accessible --storage-encrypted --backup-retention-period 7 --master-username admin --manage-master-user-password --db-subnet-group-name $DB_SUBNET_GROUP_NAME --vpc-security-group-ids $RDS_SG_ID --no-deletion-protection --copy-tags-to-snapshot --tags Key=Name,Value=database-1-bfhk Key=aws-runbook:project,Value=bfhk Key=aws-runbook:step,Value=database.instance',
      'aws rds wait db-instance-available --db-instance-identifier database-1-bfhk',
    ]);
    expect(db.monthlyCostUsd).toBe(337.68);
    const notes = db.notes?.join(' ') ?? '';
    expect(notes).toContain('plain text on the command line (--master-user-password …)');
    expect(notes).not.toContain(SEED_PASSWORD);
    expect(notes).toContain('backup storage beyond the database size, I/O and data transfer are not included');
    expect(notes).toContain('Deletion protection is off');

    expect(groupStep.preview(ctxOf(GROUP), ABSENT).cli[0]).toContain(`--subnet-ids ${out(net.subnetPrivate(1), 'subnetId')} ${out(net.subnetPrivate(2), 'subnetId')} `);
    await runSteps(steps().filter((s) => s.id !== INSTANCE), host);
    expect(instance.preview(ctxOf(INSTANCE), ABSENT).cli[0]).toContain(`--db-subnet-group-name rds-private-bfhk --vpc-security-group-ids ${out(SG, 'groupId')} `);
    expect(groupStep.preview(ctxOf(GROUP), await groupStep.find(ctxOf(GROUP))).monthlyCostUsd).toBeUndefined();
  });

  it('destroys the instance (no final snapshot, automated backups kept), waits until it is gone, then the group; idempotent', async () => {
    await runSteps(steps(), host);
    const saved = new Map(host.outputs);
    journal.length = 0;
    const [groupStep, instance] = databaseSteps(config) as [Step, Step];
    const preview = instance.destroyPreview?.(ctxOf(INSTANCE), saved.get(INSTANCE) ?? {});
    expect(preview?.cli).toEqual([
      'aws rds delete-db-instance --db-instance-identifier database-1-bfhk --skip-final-snapshot --no-delete-automated-backups',
      'aws rds wait db-instance-deleted --db-instance-identifier database-1-bfhk',
    ]);
    expect(groupStep.destroyPreview?.(ctxOf(GROUP), saved.get(GROUP) ?? {}).cli).toEqual(['aws rds delete-db-subnet-group --db-subnet-group-name rds-private-bfhk']);

    const destroyed = await destroySteps(databaseOnly(), host);
    expect(destroyed.indexOf(INSTANCE)).toBeLessThan(destroyed.indexOf(GROUP));
    expect((await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances).toEqual([]);
    expect((await clients.rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups?.map((g) => g.DBSubnetGroupName)).not.toContain('rds-private-bfhk');
    expect(sent.find((s) => s.action === 'DeleteDBInstance')?.input).toEqual({ DBInstanceIdentifier: 'database-1-bfhk', SkipFinalSnapshot: true, DeleteAutomatedBackups: false });
    expect(mutatingCalls(journal).filter((a) => /DB/.test(a))).toEqual(['DeleteDBInstance', 'DeleteDBSubnetGroup']);
    expect(host.progressLines.some((l) => l.startsWith('database.instance: database-1-bfhk: gone; waiting for it to be deleted'))).toBe(true);

    for (const id of [GROUP, INSTANCE]) host.outputs.set(id, saved.get(id) ?? {});
    await expect(destroySteps(databaseOnly(), host)).resolves.toEqual([INSTANCE, GROUP]);
    expect(host.progressLines.filter((l) => l.includes('already gone'))).toHaveLength(2);
  });

  it('keeps a final snapshot when asked (down --final-snapshot), under a dated name shown in the preview', async () => {
    await runSteps(steps(), host);
    setDatabaseFinalSnapshot(true, new Date('2026-11-25T12:36:50Z'));
    const instance = stepById(databaseSteps(config), INSTANCE);
    expect(instance.destroyPreview?.(ctxOf(INSTANCE), host.outputsOf(INSTANCE) ?? {}).cli[0]).toBe(
      'aws rds delete-db-instance --db-instance-identifier database-1-bfhk --final-db-snapshot-identifier database-1-bfhk-final-20261125-1236 --no-delete-automated-backups',
    );
    await instance.destroy?.(ctxOf(INSTANCE), host.outputsOf(INSTANCE) ?? {});
    const snapshots = await clients.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'database-1-bfhk-final-20261125-1236' }));
    expect(snapshots.DBSnapshots?.map((s) => s.DBInstanceIdentifier)).toEqual(['database-1-bfhk']);
    expect(await liveInstance()).toBeUndefined();
  });
});
