import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  DescribeSecurityGroupRulesCommand,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { tagSpecifications, tagValue } from '../../src/aws/tags.js';
import { createStepContext } from '../../src/engine/context.js';
import type { Step } from '../../src/engine/types.js';
import { networkStepIds, vpcNetworkSteps } from '../../src/tasks/network.js';
import { securityGroupRules, securitySteps } from '../../src/tasks/security.js';
import { describeSecurityGroups } from '../../src/tasks/security/describe.js';
import {
  destroySteps,
  loseFirstAnswer,
  MemoryHost,
  mutatingCalls,
  runSteps,
  testConfig,
  type JournalEntry,
} from '../helpers/moto.js';
import { useMotoTasks } from '../helpers/moto-tasks.js';
import { stepById } from '../helpers/step-by-id.js';

const ADMIN = '203.0.113.7/32';
const config = testConfig({ access: { adminCidr: ADMIN } });
const OURS = [{ Name: 'tag:aws-runbook:project', Values: ['bfhk'] }];
const VPC_STEPS = (['mvp', 'ia', 'cyber'] as const).flatMap((v) => vpcNetworkSteps(config, v).filter((s) => s.id === networkStepIds(v).vpc));

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('securitySteps (shape and table)', () => {
  it('has a group step and an ingress step per group; rds comes after web', () => {
    const steps = securitySteps(config);
    expect(steps.map((s) => [s.id, s.needs])).toEqual([
      ['security.web', ['network.mvp.vpc']],
      ['security.web.ingress', ['security.web']],
      ['security.rds', ['network.mvp.vpc', 'security.web']],
      ['security.rds.ingress', ['security.rds', 'security.web']],
      ['security.cyber', ['network.cyber.vpc']],
      ['security.cyber.ingress', ['security.cyber']],
      ['security.ia', ['network.ia.vpc']],
      ['security.ia.ingress', ['security.ia']],
      ['security.default-sg.mvp', ['network.mvp.vpc']],
      ['security.default-sg.ia', ['network.ia.vpc']],
      ['security.default-sg.cyber', ['network.cyber.vpc']],
    ]);
    expect(new Set(steps.map((s) => s.section))).toEqual(new Set(['security']));
  });

  it('keeps the rules as data: one table for steps, previews and the reachability model', () => {
    const table = Object.fromEntries(securityGroupRules(config).map((g) => [g.key, g]));
    expect(table.web?.ingress.map((r) => `${r.protocol} ${r.fromPort} ${r.source.kind === 'cidr' ? r.source.cidr : r.source.group}`)).toEqual([
      'tcp 80 0.0.0.0/0',
      'tcp 443 0.0.0.0/0',
      'tcp 5085 0.0.0.0/0',
      'tcp 22 10.3.1.0/24',
      'icmp -1 10.3.0.0/16',
    ]);
    expect(table.rds?.ingress).toEqual([{ protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { kind: 'group', group: 'web' }, description: 'MariaDB from SG-Web-BFHK' }]);
    expect(table.cyber?.ingress.map((r) => `${r.protocol} ${r.fromPort} ${r.source.kind === 'cidr' ? r.source.cidr : ''}`)).toEqual([
      `tcp 22 ${ADMIN}`,
      `tcp 80 ${ADMIN}`,
      `tcp 443 ${ADMIN}`,
      'tcp 80 10.3.2.0/24',
      'tcp 22 10.3.0.0/16',
      'icmp -1 10.3.0.0/16',
    ]);
    expect(table.ia?.vpc).toBe('ia');
    expect(table.cyber?.missingSettings).toEqual([]);
  });

  it('without an admin CIDR, the cyber ingress step does not guess: its preview says so and apply refuses as invalid', async () => {
    const bare = testConfig();
    const step = stepById(securitySteps(bare), 'security.cyber.ingress');
    const host = new MemoryHost(bare, {} as AwsClients);
    host.outputs.set('security.cyber', { groupId: 'sg-0123' });
    const ctx = createStepContext(host, step.id);
    const preview = step.preview(ctx, { kind: 'absent' });
    expect(preview.summary).toContain('admin CIDR not set — run `aws-runbook init --admin-cidr <your IP>/32`');
    expect(preview.cli).toEqual([]);
    const error = await step.apply(ctx, { kind: 'absent' }).catch((e: unknown) => e);
    expect(classifyAwsError(error).kind).toBe('invalid');
    expect(String(error)).toMatch(/admin CIDR not set.*access\.adminCidr/);
    // What does not depend on the admin CIDR is still designed: GitLab's HTTP for the monitoring subnet, SSH and ping inside the VPC.
    expect(securityGroupRules(bare).find((g) => g.key === 'cyber')?.ingress.map((r) => r.fromPort)).toEqual([80, 22, -1]);
  });
  it('previews closing a default group before the VPC exists, with the lookups in the CLI', () => {
    const step = stepById(securitySteps(config), 'security.default-sg.ia');
    const preview = step.preview(createStepContext(new MemoryHost(config, {} as AwsClients), step.id), { kind: 'absent' });
    expect(preview.summary).toBe('Close the default security group of VPC-IA-BFHK (revoke its inbound and outbound rules)');
    expect(preview.cli).toEqual([
      "IA_DEFAULT_SG_ID=$(aws ec2 describe-security-groups --filters Name=vpc-id,Values=$IA_VPC_ID Name=group-name,Values=default --query 'SecurityGroups[0].GroupId' --output text)",
      "aws ec2 revoke-security-group-ingress --group-id $IA_DEFAULT_SG_ID --security-group-rule-ids $(aws ec2 describe-security-group-rules --filters Name=group-id,Values=$IA_DEFAULT_SG_ID --query 'SecurityGroupRules[?!IsEgress].SecurityGroupRuleId' --output text)",
      "aws ec2 revoke-security-group-egress --group-id $IA_DEFAULT_SG_ID --security-group-rule-ids $(aws ec2 describe-security-group-rules --filters Name=group-id,Values=$IA_DEFAULT_SG_ID --query 'SecurityGroupRules[?IsEgress].SecurityGroupRuleId' --output text)",
    ]);
    expect(preview.notes?.join(' ')).toMatch(/EC2\.2.*cannot be deleted: it goes with its VPC\. Costs nothing/);
    expect(preview.monthlyCostUsd).toBeUndefined();
  });
});

describe('security groups against moto', () => {
  let clients: AwsClients;
  let journal: JournalEntry[];
  let host: MemoryHost;

  useMotoTasks({ config }, async (rig) => {
    ({ clients, journal, host } = rig);
    await runSteps(VPC_STEPS, host);
    journal.length = 0;
  });

  const out = (stepId: string, key: string) => {
    const value = host.outputsOf(stepId)?.[key];
    if (!value) throw new Error(`no ${key} for ${stepId}`);
    return value;
  };
  const ctxOf = (stepId: string) => createStepContext(host, stepId);
  /** The VPCs are already there: their steps find them present and change nothing. */
  const run = (steps: readonly Step[], on: MemoryHost = host) => runSteps([...VPC_STEPS, ...steps], on);

  async function rulesOf(groupId: string, egress = false): Promise<SecurityGroupRule[]> {
    const answer = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
    return (answer.SecurityGroupRules ?? []).filter((r) => r.GroupId === groupId && (r.IsEgress === true) === egress);
  }
  /** "tcp 22-22 from 10.3.1.0/24" / "... from sg-..." */
  const ruleLines = async (groupId: string) =>
    (await rulesOf(groupId))
      .map((r) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} from ${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId ?? '?'}`)
      .sort();

  /** The mutating calls the steps sent (through the no-retry client: a test's own calls use the other). */
  const ourCalls = (entries: readonly JournalEntry[]) => entries.flatMap((e) => (e.type === 'call' && e.mutating && e.client === 'ec2Once' ? [e.action] : []));

  /** Records the IpPermissions of every AuthorizeSecurityGroupIngress sent. */
  function captureAuthorizations(): IpPermission[][] {
    const sent: IpPermission[][] = [];
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'AuthorizeSecurityGroupIngressCommand') sent.push((args.input as { IpPermissions: IpPermission[] }).IpPermissions);
        return next(args);
      },
      { step: 'initialize', name: 'captureAuthorizations' },
    );
    return sent;
  }

  /**
   * Someone else's AuthorizeSecurityGroupIngress (through the other client) between our describe and our
   * first authorize: `rivalPermissions` picks which of our call's permissions the rival adds. Returns
   * whether the race happened.
   */
  function raceFirstAuthorize(rivalPermissions: (ours: IpPermission[]) => IpPermission[]): () => boolean {
    let raced = false;
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'AuthorizeSecurityGroupIngressCommand' && !raced) {
          raced = true;
          const input = args.input as { GroupId: string; IpPermissions: IpPermission[] };
          await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: input.GroupId, IpPermissions: rivalPermissions(input.IpPermissions) }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'raceFirstAuthorize' },
    );
    return () => raced;
  }

  it('creates the four groups in their VPCs and exactly the rules of the table, tagged, egress left as AWS makes it', async () => {
    const sent = captureAuthorizations();
    const report = await run(securitySteps(config));
    expect(report.conflict).toBeUndefined();
    const web = out('security.web', 'groupId');
    const expected = {
      'security.web': { vpc: 'network.mvp.vpc', name: 'SG-Web-BFHK' },
      'security.rds': { vpc: 'network.mvp.vpc', name: 'SG-RDS-BFHK' },
      'security.cyber': { vpc: 'network.cyber.vpc', name: 'SG-Cyber-BFHK' },
      'security.ia': { vpc: 'network.ia.vpc', name: 'SG-IA-BFHK' },
    };
    for (const [stepId, want] of Object.entries(expected)) {
      const [group] = await describeSecurityGroups(clients.ec2, [{ Name: 'group-id', Values: [out(stepId, 'groupId')] }]);
      expect(group?.GroupName, stepId).toBe(want.name);
      expect(group?.VpcId, stepId).toBe(out(want.vpc, 'vpcId'));
      expect(tagValue(group?.Tags, 'Name')).toBe(want.name);
      expect(tagValue(group?.Tags, 'aws-runbook:project')).toBe('bfhk');
      expect(tagValue(group?.Tags, 'aws-runbook:step')).toBe(stepId);
      expect((await rulesOf(out(stepId, 'groupId'), true)).map((r) => `${r.IpProtocol} ${r.CidrIpv4}`)).toEqual(['-1 0.0.0.0/0']);
    }
    expect(await ruleLines(web)).toEqual(
      ['tcp 80-80 from 0.0.0.0/0', 'tcp 443-443 from 0.0.0.0/0', 'tcp 5085-5085 from 0.0.0.0/0', 'tcp 22-22 from 10.3.1.0/24', 'icmp -1--1 from 10.3.0.0/16'].sort(),
    );
    expect(await ruleLines(out('security.rds', 'groupId'))).toEqual([`tcp 3306-3306 from ${web}`]);
    expect(await ruleLines(out('security.cyber', 'groupId'))).toEqual(
      [`tcp 22-22 from ${ADMIN}`, `tcp 80-80 from ${ADMIN}`, `tcp 443-443 from ${ADMIN}`, 'tcp 80-80 from 10.3.2.0/24', 'tcp 22-22 from 10.3.0.0/16', 'icmp -1--1 from 10.3.0.0/16'].sort(),
    );
    expect(await ruleLines(out('security.ia', 'groupId'))).toEqual(['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24']);

    const webRules = await rulesOf(web);
    expect(webRules.map((r) => tagValue(r.Tags, 'aws-runbook:step'))).toEqual(Array(5).fill('security.web.ingress'));
    expect(webRules.find((r) => r.FromPort === 5085)?.Description).toBe('Shop (Rocket eCommerce) port 5085 from anywhere');
    expect(out('security.web.ingress', 'ruleIds').split(',').sort()).toEqual(webRules.map((r) => r.SecurityGroupRuleId).sort());

    const calls = mutatingCalls(journal);
    expect(calls.filter((c) => c === 'CreateSecurityGroup')).toHaveLength(4);
    // One AuthorizeSecurityGroupIngress per group, carrying all of its rules: web 5, rds 1, cyber 6, ia 2.
    expect(calls.filter((c) => c === 'AuthorizeSecurityGroupIngress')).toHaveLength(4);
    expect(sent.map((permissions) => permissions.length).sort()).toEqual([1, 2, 5, 6]);
    // The three default groups (EC2.2): moto makes them with the allow-all outbound rule only (AWS also adds
    // an inbound rule from the group itself, which the same step revokes).
    expect(calls.filter((c) => c === 'RevokeSecurityGroupEgress')).toHaveLength(3);
    expect(calls).toHaveLength(4 + 4 + 3);
    for (const vpc of ['mvp', 'ia', 'cyber']) {
      const [group] = await describeSecurityGroups(clients.ec2, [{ Name: 'vpc-id', Values: [out(`network.${vpc}.vpc`, 'vpcId')] }, { Name: 'group-name', Values: ['default'] }]);
      expect(out(`security.default-sg.${vpc}`, 'groupId'), vpc).toBe(group?.GroupId);
      expect([...(await rulesOf(group?.GroupId ?? '?')), ...(await rulesOf(group?.GroupId ?? '?', true))], vpc).toEqual([]);
    }
    expect(journal.filter((e) => e.type === 'call' && e.mutating && e.client !== 'ec2Once')).toEqual([]);
    journal.forEach((e, i) => {
      if (e.type === 'call' && e.mutating) expect(journal[i - 1]).toMatchObject({ type: 'begin', action: e.action });
    });
  });

  it('on a rerun everything is present, ours and complete: no CLI line and not one mutating call; lost state is adopted', async () => {
    const steps = securitySteps(config);
    await run(steps);
    const before = new Map(host.outputs);
    journal.length = 0;
    for (const step of steps) {
      const found = await step.find(ctxOf(step.id));
      expect(found, step.id).toEqual({ kind: 'present', outputs: before.get(step.id), ours: true, differences: [], unfinished: [] });
      expect(step.preview(ctxOf(step.id), found).cli, step.id).toEqual([]);
    }
    expect((await run(steps)).runs.filter((r) => r.applied)).toEqual([]);

    const fresh = new MemoryHost(config, clients, journal);
    const adopted = await run(steps, fresh);
    expect(adopted.conflict).toBeUndefined();
    for (const step of steps) expect(fresh.outputsOf(step.id), step.id).toEqual(before.get(step.id));
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('a rule added by hand (SSH from 0.0.0.0/0) is a conflict naming it, and is never revoked silently', async () => {
    const steps = securitySteps(config);
    await run(steps);
    const web = out('security.web', 'groupId');
    await clients.ec2Once.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const handRule = (await rulesOf(web)).find((r) => r.FromPort === 22 && r.CidrIpv4 === '0.0.0.0/0');
    journal.length = 0;

    const ingress = stepById(steps, 'security.web.ingress');
    const found = await ingress.find(ctxOf(ingress.id));
    expect(found).toMatchObject({ kind: 'present', ours: true, unfinished: [] });
    expect(found.kind === 'present' && found.differences).toEqual([
      `tcp 22 from 0.0.0.0/0 (${handRule?.SecurityGroupRuleId}) is on SG-Web-BFHK but not in the design (revoke it by hand if it is not wanted: aws ec2 revoke-security-group-ingress --group-id ${web} --security-group-rule-ids ${handRule?.SecurityGroupRuleId})`,
    ]);
    expect(ingress.preview(ctxOf(ingress.id), found).summary).toMatch(/^Conflict: .*tcp 22 from 0\.0\.0\.0\/0/);
    expect((await run(steps)).conflict?.stepId).toBe('security.web.ingress');
    await expect(ingress.apply(ctxOf(ingress.id), { kind: 'absent' })).rejects.toMatchObject({ name: 'RunbookConflict', message: expect.stringContaining('tcp 22 from 0.0.0.0/0') });
    expect(mutatingCalls(journal)).toEqual([]);
    expect(await ruleLines(web)).toContain('tcp 22-22 from 0.0.0.0/0');
  });

  it('finishes a half-done ingress: only the missing rules are authorized', async () => {
    const steps = securitySteps(config);
    await run([stepById(steps, 'security.web')]);
    const web = out('security.web', 'groupId');
    const ctx = ctxOf('security.web.ingress');
    await clients.ec2Once.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        TagSpecifications: tagSpecifications('security-group-rule', ctx.tags('SG-Web-BFHK')),
      }),
    );
    const sent = captureAuthorizations();
    journal.length = 0;

    const ingress = stepById(steps, 'security.web.ingress');
    const found = await ingress.find(ctx);
    expect(found).toMatchObject({
      kind: 'present',
      ours: true,
      differences: [],
      unfinished: ['authorize tcp 80 from 0.0.0.0/0', 'authorize tcp 5085 from 0.0.0.0/0', 'authorize tcp 22 from 10.3.1.0/24', 'authorize ICMP (all types) from 10.3.0.0/16'],
    });
    const cli = ingress.preview(ctx, found).cli;
    expect(cli).toHaveLength(4);
    expect(cli.join('\n')).not.toContain('FromPort=443');

    const outputs = await ingress.apply(ctx, found);
    // The four missing rules, in table order, in one call; 443 (there already) is not sent.
    expect(sent.map((call) => call.map((p) => `${p.IpProtocol} ${p.FromPort} ${p.IpRanges?.[0]?.CidrIp}`))).toEqual([
      ['tcp 80 0.0.0.0/0', 'tcp 5085 0.0.0.0/0', 'tcp 22 10.3.1.0/24', 'icmp -1 10.3.0.0/16'],
    ]);
    expect(mutatingCalls(journal)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await ruleLines(web)).toHaveLength(5);
    expect(outputs.ruleIds?.split(',')).toHaveLength(5);
  });

  it('a lost AuthorizeSecurityGroupIngress or CreateSecurityGroup answer is refound, not sent twice', async () => {
    const dropped = new Set<string>();
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const name = context.commandName ?? '';
        if (['CreateSecurityGroupCommand', 'AuthorizeSecurityGroupIngressCommand'].includes(name) && !dropped.has(name)) {
          dropped.add(name);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'initialize', name: 'dropFirstAnswers' },
    );
    const sent = captureAuthorizations();
    const steps = securitySteps(config).filter((s) => s.id.startsWith('security.ia'));
    const report = await run(steps);
    expect(dropped.size).toBe(2);
    expect(report.conflict).toBeUndefined();
    // The one call carried both IA rules; its answer was lost, both were found, and it was not sent again.
    expect(sent.map((permissions) => permissions.length)).toEqual([2]);
    expect(mutatingCalls(journal)).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress']);
    const tagged = await describeSecurityGroups(clients.ec2, OURS);
    expect(tagged.map((g) => g.GroupId)).toEqual([out('security.ia', 'groupId')]);
    expect(await ruleLines(out('security.ia', 'groupId'))).toEqual(['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24']);
  });

  it('InvalidPermission.Duplicate for the wanted rule (added meanwhile) counts as done', async () => {
    const steps = securitySteps(config).filter((s) => s.id.startsWith('security.ia'));
    await run([stepById(steps, 'security.ia')]);
    const ia = out('security.ia', 'groupId');
    // Someone else adds the same rules between our describe and our call.
    const raced = raceFirstAuthorize((ours) => ours);
    journal.length = 0;
    const outputs = await stepById(steps, 'security.ia.ingress').apply(ctxOf('security.ia.ingress'), { kind: 'absent' });
    expect(raced()).toBe(true);
    expect(host.progressLines).toContain('security.ia.ingress: tcp 22 from 10.3.1.0/24: already there');
    expect(await ruleLines(ia)).toEqual(['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24']);
    expect(outputs.ruleIds?.split(',').sort()).toEqual((await rulesOf(ia)).map((r) => r.SecurityGroupRuleId).sort());
    // Both rules were added meanwhile (the racer's call went through the other client): nothing left to send.
    expect(ourCalls(journal)).toEqual(['AuthorizeSecurityGroupIngress']);
  });

  it('InvalidPermission.Duplicate for one rule of the call (added meanwhile): the next call sends only the rules still missing', async () => {
    const steps = securitySteps(config).filter((s) => s.id.startsWith('security.ia'));
    await run([stepById(steps, 'security.ia')]);
    const ia = out('security.ia', 'groupId');
    // Someone else adds the first rule (tcp 22) between our describe and our call.
    const raced = raceFirstAuthorize((ours) => ours.slice(0, 1));
    const sent = captureAuthorizations();
    journal.length = 0;
    const outputs = await stepById(steps, 'security.ia.ingress').apply(ctxOf('security.ia.ingress'), { kind: 'absent' });
    expect(raced()).toBe(true);
    expect(sent.map((call) => call.map((p) => `${p.IpProtocol} ${p.FromPort}`))).toEqual([['tcp 22', 'icmp -1'], ['icmp -1']]);
    expect(host.progressLines).toContain('security.ia.ingress: tcp 22 from 10.3.1.0/24: already there');
    expect(host.progressLines.some((l) => l.includes('ICMP') && l.includes('already there'))).toBe(false);
    // Each call announced in the state first.
    expect(journal.filter((e) => e.type === 'begin' || (e.type === 'call' && e.mutating && e.client === 'ec2Once')).map((e) => e.type)).toEqual(['begin', 'call', 'begin', 'call']);
    expect(await ruleLines(ia)).toEqual(['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24']);
    expect(outputs.ruleIds?.split(',').sort()).toEqual((await rulesOf(ia)).map((r) => r.SecurityGroupRuleId).sort());
  });

  it('InvalidPermission.Duplicate while no wanted rule is listed is a conflict naming the rules, not a loop', async () => {
    const steps = securitySteps(config).filter((s) => s.id.startsWith('security.ia'));
    await run([stepById(steps, 'security.ia')]);
    const ia = out('security.ia', 'groupId');
    const sent = captureAuthorizations();
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'AuthorizeSecurityGroupIngressCommand') return next(args);
        throw Object.assign(new Error('the specified rule already exists'), { name: 'InvalidPermission.Duplicate', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'initialize', name: 'alwaysDuplicate' },
    );
    await expect(stepById(steps, 'security.ia.ingress').apply(ctxOf('security.ia.ingress'), { kind: 'absent' })).rejects.toMatchObject({
      name: 'RunbookConflict',
      message: `SG-IA-BFHK (${ia}) answers that tcp 22 from 10.3.1.0/24, ICMP (all types) from 10.3.0.0/16 are duplicates, but no such rule is listed`,
    });
    expect(sent).toHaveLength(1);
  });

  it("a group of someone else with our group name in our VPC is a conflict naming it", async () => {
    const other = await clients.ec2Once.send(new CreateSecurityGroupCommand({ GroupName: 'SG-IA-BFHK', Description: 'not ours', VpcId: out('network.ia.vpc', 'vpcId') }));
    journal.length = 0;
    const step = stepById(securitySteps(config), 'security.ia');
    const found = await step.find(ctxOf(step.id));
    expect(found).toMatchObject({ kind: 'present', ours: false });
    expect(found.kind === 'present' && found.differences[0]).toContain(`security group ${other.GroupId} already has the group name SG-IA-BFHK`);
    await expect(step.apply(ctxOf(step.id), { kind: 'absent' })).rejects.toMatchObject({ name: 'RunbookConflict', message: expect.stringContaining(other.GroupId ?? '?') });
    expect(mutatingCalls(journal)).toEqual(['CreateSecurityGroup']);
  });

  it('destroys rds before web (rule revoked, then groups deleted), leaves no tagged group, and is idempotent', async () => {
    const steps = securitySteps(config);
    await run(steps);
    const saved = new Map(host.outputs);
    journal.length = 0;

    // With the VPC steps: AWS refuses to delete a VPC that still has groups, so they go last.
    const destroyed = await destroySteps([...VPC_STEPS, ...steps], host);
    expect(destroyed.indexOf('security.rds.ingress')).toBeLessThan(destroyed.indexOf('security.web'));
    expect(destroyed.indexOf('security.rds')).toBeLessThan(destroyed.indexOf('security.web'));
    expect(await describeSecurityGroups(clients.ec2, OURS)).toEqual([]);
    const calls = mutatingCalls(journal);
    expect(calls.filter((c) => c === 'DeleteSecurityGroup')).toHaveLength(4);
    expect(calls.filter((c) => c === 'RevokeSecurityGroupIngress')).toHaveLength(4);
    expect(journal.filter((e) => e.type === 'begin').length).toBe(calls.length);

    expect(destroyed.slice(-3).sort()).toEqual(VPC_STEPS.map((v) => v.id).sort());
    for (const [stepId, outputs] of saved) host.outputs.set(stepId, outputs);
    await expect(destroySteps([...VPC_STEPS, ...steps], host)).resolves.toContain('security.web');
    expect(host.progressLines.some((l) => l.includes('DeleteSecurityGroup: already gone'))).toBe(true);

    const preview = stepById(steps, 'security.rds.ingress').destroyPreview?.(ctxOf('security.rds.ingress'), saved.get('security.rds.ingress') ?? {});
    expect(preview?.cli).toEqual([
      `aws ec2 revoke-security-group-ingress --group-id ${saved.get('security.rds')?.groupId} --security-group-rule-ids ${saved.get('security.rds.ingress')?.ruleIds}`,
    ]);
  });

  it('retries DeleteSecurityGroup while AWS answers DependencyViolation, then names what still uses the group', async () => {
    const steps = securitySteps(config, { deletion: { timeoutMs: 600, intervalMs: 100 } });
    await run(steps.filter((s) => s.id.startsWith('security.ia')));
    const ia = out('security.ia', 'groupId');
    const subnet = await clients.ec2Once.send(new CreateSubnetCommand({ VpcId: out('network.ia.vpc', 'vpcId'), CidrBlock: '10.2.9.0/24' }));
    const eni = await clients.ec2Once.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.Subnet?.SubnetId, Groups: [ia] }));
    let refusals = 2;
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteSecurityGroupCommand' && refusals > 0) {
          refusals -= 1;
          throw awsError('DependencyViolation', `resource ${ia} has a dependent object`);
        }
        return next(args);
      },
      { step: 'initialize', name: 'refuseDelete' },
    );
    const group = stepById(steps, 'security.ia');
    await group.destroy?.(ctxOf(group.id), { groupId: ia });
    expect(mutatingCalls(journal).filter((c) => c === 'DeleteSecurityGroup')).toHaveLength(3);
    expect(host.progressLines.some((l) => l.includes(`SG-IA-BFHK (${ia}) is still in use`))).toBe(true);

    refusals = Number.POSITIVE_INFINITY;
    const error = await group.destroy?.(ctxOf(group.id), { groupId: ia }).catch((e: unknown) => e);
    expect(classifyAwsError(error).kind).toBe('conflict');
    expect((error as Error).message).toMatch(
      new RegExp(`^security group SG-IA-BFHK \\(${ia}\\) is still in use after \\d+ s: network interfaces ${eni.NetworkInterface?.NetworkInterfaceId}\\b.* still use it$`),
    );
    expect((error as { hint?: string }).hint).toContain(`Name=group-id,Values=${ia}`);

    // The web group while the rds group's rule still references it (the order `down` avoids).
    await run(steps.filter((s) => s.id.startsWith('security.web') || s.id.startsWith('security.rds')));
    const web = stepById(steps, 'security.web');
    const refused = await web.destroy?.(ctxOf(web.id), { groupId: out('security.web', 'groupId') }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain(`rules of SG-RDS-BFHK (${out('security.rds', 'groupId')}) reference it`);
  });

  it('closes a default group again when rules come back (as AWS makes them); a lost revoke answer is sent again and its "not found" counts as done', async () => {
    const step = stepById(securitySteps(config), 'security.default-sg.mvp');
    await run([step]);
    const group = out('security.default-sg.mvp', 'groupId');
    // What AWS itself puts in a new VPC's default group: all traffic in from its own members, all traffic out.
    await clients.ec2Once.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: group }] }] }));
    await clients.ec2Once.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const [inRule] = await rulesOf(group);
    const [outRule] = await rulesOf(group, true);
    journal.length = 0;

    const ctx = ctxOf(step.id);
    const found = await step.find(ctx);
    expect(found).toEqual({
      kind: 'present',
      outputs: { groupId: group },
      ours: true,
      differences: [],
      unfinished: expect.arrayContaining([
        `revoke inbound all traffic from ${group} (${inRule?.SecurityGroupRuleId})`,
        `revoke outbound all traffic to 0.0.0.0/0 (${outRule?.SecurityGroupRuleId})`,
      ]),
    });
    expect(step.preview(ctx, found).cli).toEqual([
      `aws ec2 revoke-security-group-ingress --group-id ${group} --security-group-rule-ids ${inRule?.SecurityGroupRuleId}`,
      `aws ec2 revoke-security-group-egress --group-id ${group} --security-group-rule-ids ${outRule?.SecurityGroupRuleId}`,
    ]);
    expect(step.preview(ctx, found).summary).toMatch(/^The default security group of VPC-MVP-BFHK \(sg-[0-9a-f]+\) still allows traffic/);

    const lost = loseFirstAnswer(clients.ec2Once, 'RevokeSecurityGroupIngressCommand');
    expect(await step.apply(ctx, found)).toEqual({ groupId: group });
    expect(lost()).toBe(true);
    expect([...(await rulesOf(group)), ...(await rulesOf(group, true))]).toEqual([]);
    // The lost revoke was made; sent again it answers "not found", which counts as done.
    expect(mutatingCalls(journal)).toEqual(['RevokeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress']);
    expect(host.progressLines).toContain('security.default-sg.mvp: RevokeSecurityGroupIngress: already gone');
    journal.forEach((e, i) => {
      if (e.type === 'call' && e.mutating) expect(journal[i - 1]).toMatchObject({ type: 'begin', action: e.action });
    });

    const closed = await step.find(ctx);
    expect(closed).toEqual({ kind: 'present', outputs: { groupId: group }, ours: true, differences: [], unfinished: [] });
    expect(step.preview(ctx, closed)).toMatchObject({ summary: `The default security group of VPC-MVP-BFHK (${group}) allows nothing, as wanted`, cli: [] });
    expect(step.destroy).toBeUndefined();
  });

  it('previews the exact CLI with placeholders, then real ids; notes the seed slips; costs nothing', async () => {
    const steps = securitySteps(config);
    const previewOf = (id: string) => stepById(steps, id).preview(ctxOf(id), { kind: 'absent' });
    host.outputs.delete('network.mvp.vpc');
    expect(previewOf('security.web').cli).toEqual([
      "SG_WEB_ID=$(aws ec2 create-security-group --group-name SG-Web-BFHK --description 'Web hosts (Ecommerce, WordPress): HTTP, HTTPS and the shop port from anywhere, SSH from the Cyber public subnet' --vpc-id $MVP_VPC_ID --tag-specifications 'ResourceType=security-group,Tags=[{Key=Name,Value=SG-Web-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=security.web}]' --query GroupId --output text)",
    ]);
    const rdsLine = () => previewOf('security.rds.ingress').cli[0];
    expect(rdsLine()).toBe(
      'aws ec2 authorize-security-group-ingress --group-id $SG_RDS_ID --ip-permissions "IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=$SG_WEB_ID,Description=MariaDB from SG-Web-BFHK}]" ' +
        "--tag-specifications 'ResourceType=security-group-rule,Tags=[{Key=Name,Value=SG-RDS-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=security.rds.ingress}]'",
    );
    expect(previewOf('security.web.ingress').cli[4]).toContain("--ip-permissions 'IpProtocol=icmp,FromPort=-1,ToPort=-1,IpRanges=[{CidrIp=10.3.0.0/16,Description=Ping from the Cyber VPC}]'");
    expect(previewOf('security.web.ingress').notes?.join(' ')).toMatch(/Cyber → MVP ping works, which needs it/);
    expect(previewOf('security.cyber.ingress').notes?.join(' ')).toMatch(/never says where Uptime Kuma's port 3001/);
    expect(previewOf('security.web').notes?.join(' ')).toMatch(/only as a console screenshot.*default allow-all egress/);
    expect(previewOf('security.ia.ingress').notes).toEqual(expect.arrayContaining(['  ia → cyber  blocked by SG-Cyber-BFHK (ICMP only from 10.3.0.0/16)', '  cyber → mvp  ok']));
    for (const step of steps) expect(previewOf(step.id).monthlyCostUsd ?? 0, step.id).toBe(0);

    host.outputs.set('security.web', { groupId: 'sg-0abc' });
    host.outputs.set('security.rds', { groupId: 'sg-0def' });
    expect(rdsLine()).toContain("--group-id sg-0def --ip-permissions 'IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=sg-0abc,");
  });
});
