import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DescribeNatGatewaysCommand,
  type CreateNatGatewayCommandInput,
  type Filter,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { describeInternetGateways, describeRouteTables, describeSubnets, describeVpcs } from '../../src/aws/ec2-describe.js';
import { tagSpecifications, tagValue } from '../../src/aws/tags.js';
import { createStepContext } from '../../src/engine/context.js';
import type { Step } from '../../src/engine/types.js';
import { natGatewayMonthly, publicIpv4Monthly } from '../../src/tasks/costs.js';
import { natRouteTarget, natStepIds, natSteps } from '../../src/tasks/nat.js';
import { describeAddresses, describeNatGateways } from '../../src/tasks/nat/describe.js';
import { formatElapsed } from '../../src/tasks/nat/wait-nat.js';
import { networkStepIds, vpcNetworkSteps } from '../../src/tasks/network.js';
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

const config = testConfig();
const OURS: Filter[] = [{ Name: 'tag:aws-runbook:project', Values: ['bfhk'] }];
const ia = { ...networkStepIds('ia'), ...natStepIds('ia') };
const cyber = { ...networkStepIds('cyber'), ...natStepIds('cyber') };

/** A team VPC's network with its NAT gateway, as the lead wires it. */
function teamSteps(vpc: 'ia' | 'cyber'): Step[] {
  return [...vpcNetworkSteps(config, vpc, { privateDefaultRoute: natRouteTarget(config, vpc) }), ...natSteps(config, vpc)];
}

describe('natSteps (shape)', () => {
  it('gives the EIP and the NAT gateway of a team VPC, in the network section, with the needs teardown relies on', () => {
    const steps = natSteps(config, 'ia');
    expect(steps.map((s) => [s.id, s.section, s.needs])).toEqual([
      ['network.ia.nat-eip', 'network', []],
      ['network.ia.nat-gateway', 'network', ['network.ia.subnet-public', 'network.ia.nat-eip', 'network.ia.igw-attachment']],
    ]);
    expect(steps.map((s) => s.title)).toEqual(['Elastic IP EIP-NAT-IA-BFHK (for the NAT gateway)', 'NAT gateway NAT-IA-BFHK']);
    expect(natRouteTarget(config, 'cyber')).toEqual({
      kind: 'nat-gateway',
      stepId: 'network.cyber.nat-gateway',
      outputKey: 'natGatewayId',
      placeholder: '$CYBER_NAT_ID',
      label: 'NAT-Cyber-BFHK',
    });
    const route = stepById(teamSteps('cyber'), cyber.routePrivateDefault);
    expect(route.needs).toEqual([cyber.rtPrivate, cyber.natGateway]);
    // Every need resolves inside network + NAT.
    const all = teamSteps('ia');
    const known = new Set(all.map((s) => s.id));
    for (const step of all) for (const need of step.needs) expect(known.has(need), `${step.id} needs ${need}`).toBe(true);
  });

  it('formats elapsed time for the progress lines', () => {
    expect(formatElapsed(4_200)).toBe('4s');
    expect(formatElapsed(125_000)).toBe('2m 05s');
  });
});

describe('Elastic IP + NAT gateway against moto', () => {
  let clients: AwsClients;
  let journal: JournalEntry[];
  let host: MemoryHost;
  let natRequests: CreateNatGatewayCommandInput[];

  useMotoTasks({ config }, (rig) => {
    ({ clients, journal, host } = rig);
    natRequests = [];
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateNatGatewayCommand') natRequests.push(args.input as CreateNatGatewayCommandInput);
        return next(args);
      },
      { step: 'initialize', name: 'captureCreateNatGateway' },
    );
  });

  const out = (stepId: string, key: string) => {
    const value = host.outputsOf(stepId)?.[key];
    if (!value) throw new Error(`no ${key} for ${stepId}`);
    return value;
  };

  /** The network of a team VPC up to what the NAT gateway needs. */
  async function networkBeforeNat(vpc: 'ia' | 'cyber', ...extra: string[]): Promise<Step[]> {
    const steps = teamSteps(vpc);
    const ids = { ...networkStepIds(vpc), ...natStepIds(vpc) };
    await runSteps(
      steps.filter((s) => [ids.vpc, ids.subnetPublic, ids.igw, ids.igwAttachment, ids.eip, ...extra].includes(s.id)),
      host,
    );
    return steps;
  }

  /** Rewrites DescribeNatGateways answers on the read client (moto makes every NAT available at once). */
  function rewriteNatStates(rewrite: (call: number) => { State: string; FailureMessage?: string } | undefined): void {
    let call = 0;
    clients.ec2.middlewareStack.remove('rewriteNatStates');
    clients.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'DescribeNatGatewaysCommand') {
          call += 1;
          const patch = rewrite(call);
          const output = result.output as { NatGateways?: Record<string, unknown>[] };
          if (patch) output.NatGateways = output.NatGateways?.map((n) => ({ ...n, ...patch }));
        }
        return result;
      },
      { step: 'initialize', name: 'rewriteNatStates' },
    );
  }

  it('builds IA and Cyber: tagged EIPs, available NATs in the public subnets with a ClientToken, private 0/0 → NAT, public 0/0 → IGW', async () => {
    for (const vpc of ['ia', 'cyber'] as const) {
      const report = await runSteps(teamSteps(vpc), host);
      expect(report.conflict).toBeUndefined();
    }

    for (const [vpc, ids, label] of [
      ['ia', ia, 'IA'],
      ['cyber', cyber, 'Cyber'],
    ] as const) {
      const allocationId = out(ids.eip, 'allocationId');
      const [address] = await describeAddresses(clients.ec2, [{ Name: 'allocation-id', Values: [allocationId] }]);
      expect(address?.Domain).toBe('vpc');
      expect(address?.PublicIp).toBe(out(ids.eip, 'publicIp'));
      expect(tagValue(address?.Tags, 'Name')).toBe(`EIP-NAT-${label}-BFHK`);
      expect(tagValue(address?.Tags, 'aws-runbook:project')).toBe('bfhk');
      expect(tagValue(address?.Tags, 'aws-runbook:step')).toBe(`network.${vpc}.nat-eip`);

      const natGatewayId = out(ids.natGateway, 'natGatewayId');
      const [nat] = (await clients.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natGatewayId] }))).NatGateways ?? [];
      expect(nat?.State).toBe('available');
      expect(nat?.SubnetId).toBe(out(ids.subnetPublic, 'subnetId'));
      expect(nat?.VpcId).toBe(out(ids.vpc, 'vpcId'));
      expect(nat?.NatGatewayAddresses?.map((a) => a.AllocationId)).toEqual([allocationId]);
      expect(tagValue(nat?.Tags, 'Name')).toBe(`NAT-${label}-BFHK`);
      expect(tagValue(nat?.Tags, 'aws-runbook:step')).toBe(`network.${vpc}.nat-gateway`);

      const tables = await describeRouteTables(clients.ec2, [{ Name: 'vpc-id', Values: [out(ids.vpc, 'vpcId')] }]);
      const table = (id: string) => tables.find((t) => t.RouteTableId === out(id, 'routeTableId'));
      const defaultRoute = (id: string) => table(id)?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
      expect(defaultRoute(ids.rtPrivate)).toMatchObject({ NatGatewayId: natGatewayId });
      expect(defaultRoute(ids.rtPrivate)?.GatewayId).toBeUndefined();
      expect(defaultRoute(ids.rtPublic)).toMatchObject({ GatewayId: out(ids.igw, 'internetGatewayId') });
      expect(host.outputsOf(ids.routePrivateDefault)).toEqual({
        routeTableId: out(ids.rtPrivate, 'routeTableId'),
        destinationCidrBlock: '0.0.0.0/0',
        targetId: natGatewayId,
      });
    }

    // The ClientToken is sent, recorded before the call, and derived from project, step, subnet and EIP.
    expect(natRequests).toHaveLength(2);
    const iaToken = createStepContext(host, ia.natGateway).clientToken(`create ${out(ia.subnetPublic, 'subnetId')} ${out(ia.eip, 'allocationId')}`);
    expect(natRequests[0]).toMatchObject({
      SubnetId: out(ia.subnetPublic, 'subnetId'),
      AllocationId: out(ia.eip, 'allocationId'),
      ConnectivityType: 'public',
      ClientToken: iaToken,
      TagSpecifications: [{ ResourceType: 'natgateway' }],
    });
    expect(journal.find((e) => e.type === 'begin' && e.action === 'CreateNatGateway')).toEqual({
      type: 'begin',
      stepId: ia.natGateway,
      action: 'CreateNatGateway',
      clientToken: iaToken,
    });
    expect(natRequests[1]?.ClientToken).not.toBe(iaToken);
    const calls = mutatingCalls(journal);
    expect(calls.filter((c) => c === 'AllocateAddress')).toHaveLength(2);
    expect(calls.filter((c) => c === 'CreateNatGateway')).toHaveLength(2);
    // The private route is created after its NAT, which is created after the IGW is attached.
    const beginOf = (stepId: string, action: string) => journal.findIndex((e) => e.type === 'begin' && e.stepId === stepId && e.action === action);
    for (const ids of [ia, cyber]) {
      expect(beginOf(ids.igwAttachment, 'AttachInternetGateway')).toBeLessThan(beginOf(ids.natGateway, 'CreateNatGateway'));
      expect(beginOf(ids.natGateway, 'CreateNatGateway')).toBeLessThan(beginOf(ids.routePrivateDefault, 'CreateRoute'));
    }
    expect(journal.filter((e) => e.type === 'call' && e.mutating && e.client !== 'ec2Once')).toEqual([]);
  });

  it('on a rerun finds everything present, ours and complete, and sends nothing that changes anything', async () => {
    const steps = teamSteps('ia');
    await runSteps(steps, host);
    const before = new Map(host.outputs);
    journal.length = 0;
    for (const step of steps) {
      const ctx = createStepContext(host, step.id);
      const found = await step.find(ctx);
      expect(found, step.id).toEqual({ kind: 'present', outputs: before.get(step.id), ours: true, differences: [], unfinished: [] });
      expect(step.preview(ctx, found).cli, step.id).toEqual([]);
      expect(step.preview(ctx, found).monthlyCostUsd, step.id).toBeUndefined();
    }
    const again = await runSteps(steps, host);
    expect(again.runs.filter((r) => r.applied)).toEqual([]);

    // With the state lost too: everything is adopted by its tags.
    const fresh = new MemoryHost(config, clients, journal);
    const adopted = await runSteps(steps, fresh);
    expect(adopted.conflict).toBeUndefined();
    for (const [stepId, outputs] of before) expect(fresh.outputsOf(stepId), stepId).toEqual(outputs);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('a CreateNatGateway whose answer is lost is found by its tags, not sent twice', async () => {
    const steps = await networkBeforeNat('ia');
    const lost = loseFirstAnswer(clients.ec2Once, 'CreateNatGatewayCommand');
    journal.length = 0;
    const step = stepById(steps, ia.natGateway);
    const outputs = await step.apply(createStepContext(host, step.id), { kind: 'absent' });
    expect(lost()).toBe(true);
    expect(mutatingCalls(journal)).toEqual(['CreateNatGateway']);
    const live = (await describeNatGateways(clients.ec2, [])).filter((n) => n.State !== 'deleted');
    expect(live.map((n) => n.NatGatewayId)).toEqual([outputs.natGatewayId]);
    expect(host.outputsOf(ia.natGateway)).toEqual(outputs);
  });

  it('when AWS answers a ClientToken with a dead NAT of an earlier attempt, tries the next token of the chain', async () => {
    const steps = await networkBeforeNat('ia');
    const spare = await clients.ec2Once.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const old = await clients.ec2Once.send(new CreateNatGatewayCommand({ SubnetId: out(ia.subnetPublic, 'subnetId'), AllocationId: spare.AllocationId }));
    const deadId = old.NatGateway?.NatGatewayId as string;
    // The first CreateNatGateway is answered as AWS answers a reused token: with the old NAT, now failed.
    let answered = false;
    clients.ec2Once.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateNatGatewayCommand' && !answered) {
          answered = true;
          return { output: { NatGateway: { NatGatewayId: deadId, State: 'failed' }, $metadata: {} }, response: {} } as Awaited<ReturnType<typeof next>>;
        }
        return next(args);
      },
      { step: 'initialize', name: 'answerWithDeadNat', priority: 'high' },
    );
    const natStates = new Map<string, string>([[deadId, 'failed']]);
    clients.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'DescribeNatGatewaysCommand') {
          const output = result.output as { NatGateways?: { NatGatewayId?: string; State?: string }[] };
          output.NatGateways = output.NatGateways?.map((n) => ({ ...n, State: natStates.get(n.NatGatewayId ?? '') ?? n.State }));
        }
        return result;
      },
      { step: 'initialize', name: 'oldNatFailed' },
    );
    journal.length = 0;
    const step = stepById(steps, ia.natGateway);
    const ctx = createStepContext(host, step.id);
    const outputs = await step.apply(ctx, { kind: 'absent' });
    expect(outputs.natGatewayId).not.toBe(deadId);
    const purpose = `create ${out(ia.subnetPublic, 'subnetId')} ${out(ia.eip, 'allocationId')}`;
    const tokens = journal.flatMap((e) => (e.type === 'begin' && e.action === 'CreateNatGateway' ? [e.clientToken] : []));
    expect(tokens).toEqual([ctx.clientToken(purpose), ctx.clientToken(`${purpose} after ${deadId}`)]);
    expect(host.progressLines.some((l) => l.includes(`answered ${deadId}`) && l.includes('failed'))).toBe(true);
  });

  it('waits for a pending NAT gateway with progress lines carrying the elapsed time, and finishes one found pending on resume', async () => {
    const steps = await networkBeforeNat('ia');
    rewriteNatStates((call) => (call <= 2 ? { State: 'pending' } : undefined));
    const step = stepById(steps, ia.natGateway);
    const ctx = createStepContext(host, step.id);
    await step.apply(ctx, { kind: 'absent' });
    const waiting = host.progressLines.filter((l) => l.includes('is pending, waiting for it to be available'));
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]).toMatch(/\(\d+s\)$/);

    // Resume: the NAT is found pending → unfinished; apply only waits, no second create.
    host.outputs.delete(ia.natGateway);
    rewriteNatStates((call) => (call === 1 ? { State: 'pending' } : undefined));
    journal.length = 0;
    const found = await step.find(ctx);
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: ['wait until the NAT gateway is available (it is pending)'] });
    expect(step.preview(ctx, found).cli).toEqual([`aws ec2 wait nat-gateway-available --nat-gateway-ids ${found.kind === 'present' ? found.outputs.natGatewayId : ''}`]);
    await step.apply(ctx, found);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('stops with the FailureMessage when the NAT gateway fails', async () => {
    const steps = await networkBeforeNat('ia');
    rewriteNatStates((call) => (call >= 2 ? { State: 'failed', FailureMessage: 'Elastic IP address is already associated' } : undefined));
    const step = stepById(steps, ia.natGateway);
    await expect(step.apply(createStepContext(host, step.id), { kind: 'absent' })).rejects.toMatchObject({
      name: 'RunbookConflict',
      message: expect.stringMatching(/failed: Elastic IP address is already associated/),
    });
  });

  it('reports a NAT gateway of ours in another subnet with another EIP as differences naming both', async () => {
    const steps = await networkBeforeNat('ia', ia.subnetPrivate(1));
    const ctx = createStepContext(host, ia.natGateway);
    const spare = await clients.ec2Once.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const made = await clients.ec2Once.send(
      new CreateNatGatewayCommand({
        SubnetId: out(ia.subnetPrivate(1), 'subnetId'),
        AllocationId: spare.AllocationId,
        TagSpecifications: tagSpecifications('natgateway', ctx.tags('NAT-IA-BFHK')),
      }),
    );
    const natId = made.NatGateway?.NatGatewayId;
    const found = await stepById(steps, ia.natGateway).find(ctx);
    expect(found).toMatchObject({
      kind: 'present',
      ours: true,
      differences: [
        `NAT gateway ${natId} is in subnet ${out(ia.subnetPrivate(1), 'subnetId')}, wanted ${out(ia.subnetPublic, 'subnetId')}`,
        `NAT gateway ${natId} uses Elastic IP ${spare.AllocationId}, wanted ${out(ia.eip, 'allocationId')}`,
      ],
    });
  });

  it('refuses to release an Elastic IP a live NAT gateway still holds', async () => {
    const steps = teamSteps('ia');
    await runSteps(steps, host);
    const eip = stepById(steps, ia.eip);
    journal.length = 0;
    await expect(eip.destroy?.(createStepContext(host, ia.eip), host.outputsOf(ia.eip) ?? {})).rejects.toMatchObject({
      name: 'RunbookConflict',
      message: expect.stringContaining(`still used by NAT gateway ${out(ia.natGateway, 'natGatewayId')} (available)`),
    });
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('previews the exact CLI with placeholders, then real ids; the cost of each; the seed slips', async () => {
    const steps = teamSteps('ia');
    const previewOf = (id: string) => stepById(steps, id).preview(createStepContext(host, id), { kind: 'absent' });
    const eip = previewOf(ia.eip);
    expect(eip.cli).toEqual([
      "IA_EIP_ALLOCATION_ID=$(aws ec2 allocate-address --domain vpc --tag-specifications 'ResourceType=elastic-ip,Tags=[{Key=Name,Value=EIP-NAT-IA-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=network.ia.nat-eip}]' --query AllocationId --output text)",
    ]);
    expect(eip.monthlyCostUsd).toBe(publicIpv4Monthly('us-east-2'));
    expect(eip.notes?.join(' ')).toContain('eipalloc-06b4437d4faaec0fd');

    const nat = previewOf(ia.natGateway);
    expect(nat.cli).toEqual([
      "IA_NAT_ID=$(aws ec2 create-nat-gateway --subnet-id $IA_SUBNET_PUBLIC_ID --allocation-id $IA_EIP_ALLOCATION_ID --connectivity-type public --client-token $IA_NAT_ID_CLIENT_TOKEN --tag-specifications 'ResourceType=natgateway,Tags=[{Key=Name,Value=NAT-IA-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=network.ia.nat-gateway}]' --query NatGateway.NatGatewayId --output text)",
      'aws ec2 wait nat-gateway-available --nat-gateway-ids $IA_NAT_ID',
    ]);
    expect(nat.monthlyCostUsd).toBe(natGatewayMonthly('us-east-2'));
    expect(nat.monthlyCostUsd).toBeCloseTo(32.85, 2);
    const natNotes = nat.notes?.join('\n') ?? '';
    expect(natNotes).toContain('data processed through the NAT gateway ($0.045/GB) is not included');
    expect(natNotes).toMatch(/PUBLIC table rtb-0c109bc902995016f.*--gateway-id.*--nat-gateway-id/);
    expect(previewOf(ia.routePrivateDefault).cli).toEqual([
      'aws ec2 create-route --route-table-id $IA_RT_PRIVATE_ID --destination-cidr-block 0.0.0.0/0 --nat-gateway-id $IA_NAT_ID',
    ]);
    expect(stepById(teamSteps('cyber'), cyber.natGateway).preview(createStepContext(host, cyber.natGateway), { kind: 'absent' }).notes?.join(' ')).toContain(
      'nat-03f168f72156ff941',
    );

    await networkBeforeNat('ia');
    const withIds = previewOf(ia.natGateway).cli[0] ?? '';
    const token = createStepContext(host, ia.natGateway).clientToken(`create ${out(ia.subnetPublic, 'subnetId')} ${out(ia.eip, 'allocationId')}`);
    expect(withIds).toContain(`--subnet-id ${out(ia.subnetPublic, 'subnetId')} --allocation-id ${out(ia.eip, 'allocationId')} --connectivity-type public --client-token ${token} `);
  });

  it('destroys in reverse: route, then NAT (waited until deleted), then the EIP; nothing tagged is left; idempotent', async () => {
    const steps = teamSteps('ia');
    await runSteps(steps, host);
    const saved = new Map(host.outputs);
    journal.length = 0;

    const destroyed = await destroySteps(steps, host);
    expect(destroyed.indexOf(ia.routePrivateDefault)).toBeLessThan(destroyed.indexOf(ia.natGateway));
    expect(destroyed.indexOf(ia.natGateway)).toBeLessThan(destroyed.indexOf(ia.eip));
    const calls = mutatingCalls(journal);
    expect(calls.indexOf('DeleteNatGateway')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('DeleteNatGateway')).toBeLessThan(calls.indexOf('ReleaseAddress'));
    // Between the delete and the release, the NAT was seen deleted.
    const deleteAt = journal.findIndex((e) => e.type === 'call' && e.action === 'DeleteNatGateway');
    const releaseAt = journal.findIndex((e) => e.type === 'call' && e.action === 'ReleaseAddress');
    expect(journal.slice(deleteAt, releaseAt).some((e) => e.type === 'call' && e.action === 'DescribeNatGateways')).toBe(true);

    expect(await describeAddresses(clients.ec2, OURS)).toEqual([]);
    const natsLeft = (await describeNatGateways(clients.ec2, [])).filter((n) => n.State !== 'deleted');
    expect(natsLeft).toEqual([]);
    expect(await describeVpcs(clients.ec2, OURS)).toEqual([]);
    expect(await describeSubnets(clients.ec2, OURS)).toEqual([]);
    expect(await describeInternetGateways(clients.ec2, OURS)).toEqual([]);
    expect(await describeRouteTables(clients.ec2, OURS)).toEqual([]);
    expect(journal.filter((e) => e.type === 'begin').length).toBe(calls.length);

    // Again from the same outputs: all gone already, nothing fails.
    for (const [stepId, outputs] of saved) host.outputs.set(stepId, outputs);
    await expect(destroySteps(steps, host)).resolves.toHaveLength(steps.length);
    expect(host.progressLines.some((l) => l.includes('NAT gateway') && l.includes('already deleted'))).toBe(true);
    expect(host.progressLines.some((l) => l.includes('already released'))).toBe(true);

    const natDown = stepById(steps, ia.natGateway).destroyPreview?.(createStepContext(host, ia.natGateway), saved.get(ia.natGateway) ?? {});
    expect(natDown?.cli).toEqual([
      `aws ec2 delete-nat-gateway --nat-gateway-id ${saved.get(ia.natGateway)?.natGatewayId}`,
      `aws ec2 wait nat-gateway-deleted --nat-gateway-ids ${saved.get(ia.natGateway)?.natGatewayId}`,
    ]);
    const eipDown = stepById(steps, ia.eip).destroyPreview?.(createStepContext(host, ia.eip), saved.get(ia.eip) ?? {});
    expect(eipDown?.cli).toEqual([`aws ec2 release-address --allocation-id ${saved.get(ia.eip)?.allocationId}`]);
  });
});
