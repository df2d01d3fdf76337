import { DescribeIamInstanceProfileAssociationsCommand, DescribeImagesCommand, RunInstancesCommand, AssociateIamInstanceProfileCommand } from '@aws-sdk/client-ec2';
import {
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import { createStepContext } from '../../../src/engine/context.js';
import type { Step } from '../../../src/engine/types.js';
import { backupSteps } from '../../../src/tasks/backup.js';
import { decodePolicyDocument, trustPolicy } from '../../../src/tasks/backup/policy.js';
import { destroySteps, loseFirstAnswer, MemoryHost, resetMoto, runSteps, testConfig, type MotoServer } from '../../helpers/moto.js';
import { useMotoTasks } from '../../helpers/moto-tasks.js';

/** The backup section's IAM steps against a real moto: role, instance profile, association. */

const config = testConfig();
const NAME = 'aws-runbook-bfhk-us-east-2-db-backup';
const IAM_STEPS = ['backup.iam-role', 'backup.instance-profile', 'backup.profile-association'];

let moto: MotoServer;
let clients: AwsClients;
let host: MemoryHost;
let instanceId: string;
/** The IAM steps, their needs outside this set (bucket, instance) given as recorded outputs instead. */
const steps = (): Step[] =>
  backupSteps(config)
    .filter((s) => IAM_STEPS.includes(s.id))
    .map((s) => ({ ...s, needs: s.needs.filter((need) => IAM_STEPS.includes(need)) }));

useMotoTasks({ config, journaled: [] }, async (rig) => {
  ({ moto, clients, host } = rig);
  host.outputs.set('storage.bucket', { bucketName: 'bfhk-backups-123456789012-us-east-2' });
  const image = (await clients.ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
  const launched = await clients.ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: 't3.small' }));
  instanceId = launched.Instances?.[0]?.InstanceId ?? '';
  host.outputs.set('compute.ecommerce', { instanceId });
});

const inlinePolicy = async (policy = 'put-db-dumps') =>
  decodePolicyDocument((await clients.iam.send(new GetRolePolicyCommand({ RoleName: NAME, PolicyName: policy }))).PolicyDocument);
const associations = async () =>
  ((await clients.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? []).map((a) => [a.InstanceId, a.IamInstanceProfile?.Arn]);

describe('backup IAM steps', () => {
  it('make a role allowed only PutObject on backups/, its profile, attached to the shop instance; a rerun changes nothing', async () => {
    const first = await runSteps(steps(), host);
    expect(first.runs.map((r) => [r.stepId, r.found.kind, r.applied])).toEqual(IAM_STEPS.map((id) => [id, 'absent', true]));

    const role = (await clients.iam.send(new GetRoleCommand({ RoleName: NAME }))).Role;
    expect(role?.Path).toBe('/aws-runbook/');
    expect(decodePolicyDocument(role?.AssumeRolePolicyDocument)).toEqual(trustPolicy());
    expect((await clients.iam.send(new ListRolePoliciesCommand({ RoleName: NAME }))).PolicyNames).toEqual(['put-db-dumps']);
    expect(await inlinePolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PutDbDumps', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bfhk-backups-123456789012-us-east-2/backups/*' }],
    });
    const profile = (await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: NAME }))).InstanceProfile;
    expect(profile?.Roles?.map((r) => r.RoleName)).toEqual([NAME]);
    expect(await associations()).toEqual([[instanceId, profile?.Arn]]);
    expect(host.outputsOf('backup.profile-association')).toMatchObject({ instanceId, profileArn: profile?.Arn });

    const second = await runSteps(steps(), host);
    expect(second.runs.map((r) => [r.stepId, r.found.kind, r.applied])).toEqual(IAM_STEPS.map((id) => [id, 'present', false]));
  });

  it('take back anything else granted to the role: extra inline policies, managed policies, a widened policy', async () => {
    await runSteps(steps(), host);
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: NAME, PolicyName: 'put-db-dumps', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: NAME, PolicyName: 'extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] }) }));
    const managed = await clients.iam.send(new CreatePolicyCommand({ PolicyName: 'admin-ish', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: NAME, PolicyArn: managed.Policy?.Arn }));

    const roleStep = steps()[0]!;
    const found = await roleStep.find(createStepContext(host, roleStep.id));
    expect(found.kind === 'present' && found.unfinished).toEqual([
      'put the inline policy put-db-dumps (s3:PutObject on bfhk-backups-123456789012-us-east-2/backups/* only)',
      'remove the inline policy extra',
      `detach the managed policy ${managed.Policy?.Arn}`,
    ]);
    const rerun = await runSteps(steps(), host);
    expect(rerun.runs.map((r) => r.applied)).toEqual([true, false, false]);
    expect((await clients.iam.send(new ListRolePoliciesCommand({ RoleName: NAME }))).PolicyNames).toEqual(['put-db-dumps']);
    expect((await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: NAME }))).AttachedPolicies).toEqual([]);
    expect(await inlinePolicy()).toMatchObject({ Statement: [{ Action: 's3:PutObject' }] });
  });

  it('a lost CreateRole answer is refound by name: one role, finished', async () => {
    const lost = loseFirstAnswer(clients.iamOnce, 'CreateRoleCommand');
    const report = await runSteps(steps(), host);
    expect(lost()).toBe(true);
    expect(report.conflict).toBeUndefined();
    const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles ?? [];
    expect(roles.map((r) => r.RoleName)).toEqual([NAME]);
    expect(await inlinePolicy()).toMatchObject({ Statement: [{ Action: 's3:PutObject' }] });
  });

  it('never adopt a role or an instance profile made by someone else, nor replace another profile on the instance', async () => {
    await clients.iam.send(new CreateRoleCommand({ RoleName: NAME, AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) }));
    const report = await runSteps(steps(), host);
    expect(report.conflict?.stepId).toBe('backup.iam-role');
    expect(report.conflict?.found.kind === 'present' && report.conflict.found.differences[0]).toMatch(/aws-runbook:project tag is missing/);

    await resetMoto(moto);
    const image = (await clients.ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
    const other = (await clients.ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
    host.outputs.clear();
    host.outputs.set('storage.bucket', { bucketName: 'b1' });
    host.outputs.set('compute.ecommerce', { instanceId: other });
    await clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'someone-elses' }));
    await clients.ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: other, IamInstanceProfile: { Name: 'someone-elses' } }));
    const again = await runSteps(steps(), host);
    expect(again.conflict?.stepId).toBe('backup.profile-association');
    expect(again.conflict?.found.kind === 'present' && again.conflict.found.differences[0]).toMatch(/already has the instance profile .*someone-elses/);
  });

  it('down removes the association, the profile and the role (inline policy first); a second down finds nothing', async () => {
    await runSteps(steps(), host);
    const destroyed = await destroySteps(steps(), host);
    expect(destroyed).toEqual([...IAM_STEPS].reverse());
    expect(await associations()).toEqual([]);
    expect((await clients.iam.send(new ListRolesCommand({}))).Roles).toEqual([]);
    for (const step of steps()) {
      expect((await step.find(createStepContext(new MemoryHost(config, clients), step.id))).kind, step.id).toBe('absent');
    }
  });
});
