import {
  CreateRouteCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DeleteVpcPeeringConnectionCommand,
  type RouteTable,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { describeInternetGateways, describeRouteTables, describeSubnets, describeVpcs } from '../../src/aws/ec2-describe.js';
import { tagSpecifications, tagValue } from '../../src/aws/tags.js';
import type { VpcKey } from '../../src/config/schema.js';
import { createStepContext } from '../../src/engine/context.js';
import type { Outputs, Step } from '../../src/engine/types.js';
import { natRouteTarget, natSteps } from '../../src/tasks/nat.js';
import { describeAddresses, describeNatGateways } from '../../src/tasks/nat/describe.js';
import { networkStepIds, vpcNetworkSteps } from '../../src/tasks/network.js';
import { peeringStepIds, peeringSteps } from '../../src/tasks/peering.js';
import { describePeerings } from '../../src/tasks/peering/describe.js';
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
const VPCS: VpcKey[] = ['mvp', 'ia', 'cyber'];
const CIDR = { mvp: '10.1.0.0/16', ia: '10.2.0.0/16', cyber: '10.3.0.0/16' } as const;
const net = { mvp: networkStepIds('mvp'), ia: networkStepIds('ia'), cyber: networkStepIds('cyber') };
const ids = { cyberMvp: peeringStepIds.connection('mvp'), cyberIa: peeringStepIds.connection('ia') };

/** MVP, IA (with NAT) and Cyber (with NAT), as the lead wires the network section. */
function networkSteps(): Step[] {
  return [
    ...vpcNetworkSteps(config, 'mvp'),
    ...vpcNetworkSteps(config, 'ia', { privateDefaultRoute: natRouteTarget(config, 'ia') }),
    ...natSteps(config, 'ia'),
    ...vpcNetworkSteps(config, 'cyber', { privateDefaultRoute: natRouteTarget(config, 'cyber') }),
    ...natSteps(config, 'cyber'),
  ];
}

/** The peer routes (not local, not the default route) of a table, as "cidr → target". */
function peerRoutes(table: RouteTable | undefined): string[] {
  return (table?.Routes ?? [])
    .filter((r) => r.GatewayId !== 'local' && r.DestinationCidrBlock !== '0.0.0.0/0')
    .map((r) => `${r.DestinationCidrBlock} → ${r.VpcPeeringConnectionId ?? r.GatewayId ?? r.NatGatewayId ?? '?'}`)
    .sort();
}

/**
 * The steps plus stand-ins for the network steps they need (already built: their outputs are in the
 * host), so `runSteps` can order them without describing the whole network again.
 */
function withBuiltNetwork(steps: readonly Step[], host: MemoryHost): Step[] {
  const known = new Set(steps.map((s) => s.id));
  const missing = [...new Set(steps.flatMap((s) => s.needs))].filter((id) => !known.has(id));
  const stubs = missing.map(
    (id): Step => ({
      id,
      section: 'network',
      title: `built: ${id}`,
      needs: [],
      find: async () => ({ kind: 'present', outputs: host.outputsOf(id) ?? {}, ours: true, differences: [], unfinished: [] }),
      preview: () => ({ summary: id, cli: [] }),
      apply: async () => host.outputsOf(id) ?? {},
    }),
  );
  return [...stubs, ...steps];
}

const livePeerings = async (clients: AwsClients): Promise<VpcPeeringConnection[]> =>
  (await describePeerings(clients.ec2, [])).filter((p) => p.Status?.Code !== 'deleted');

describe('peeringSteps (shape)', () => {
  it('two peerings requested by Cyber, and a route per table on both sides, none between MVP and IA', () => {
    const steps = peeringSteps(config);
    expect(new Set(steps.map((s) => s.section))).toEqual(new Set(['peering']));
    expect(steps.map((s) => [s.id, s.needs])).toEqual([
      ['peering.cyber-mvp', ['network.cyber.vpc', 'network.mvp.vpc']],
      ['peering.cyber-ia', ['network.cyber.vpc', 'network.ia.vpc']],
      ['peering.route.cyber-public-to-mvp', ['network.cyber.rt-public', 'peering.cyber-mvp']],
      ['peering.route.cyber-private-to-mvp', ['network.cyber.rt-private', 'peering.cyber-mvp']],
      ['peering.route.mvp-public-to-cyber', ['network.mvp.rt-public', 'peering.cyber-mvp']],
      ['peering.route.mvp-private-to-cyber', ['network.mvp.rt-private', 'peering.cyber-mvp']],
      ['peering.route.cyber-public-to-ia', ['network.cyber.rt-public', 'peering.cyber-ia']],
      ['peering.route.cyber-private-to-ia', ['network.cyber.rt-private', 'peering.cyber-ia']],
      ['peering.route.ia-public-to-cyber', ['network.ia.rt-public', 'peering.cyber-ia']],
      ['peering.route.ia-private-to-cyber', ['network.ia.rt-private', 'peering.cyber-ia']],
    ]);
    expect(stepById(steps, ids.cyberMvp).title).toBe('VPC peering Peering-Cyber-MVP-BFHK (VPC-Cyber-BFHK → VPC-MVP-BFHK)');
    expect(stepById(steps, 'peering.route.ia-private-to-cyber').title).toBe('Route 10.3.0.0/16 → Peering-Cyber-IA-BFHK in RouteIAPriv-BFHK');
    expect(steps.some((s) => /mvp.*-to-ia|ia.*-to-mvp/.test(s.id))).toBe(false);
    const known = new Set([...networkSteps(), ...steps].map((s) => s.id));
    for (const step of steps) for (const need of step.needs) expect(known.has(need), `${step.id} needs ${need}`).toBe(true);
  });
});

describe('peering against moto (networks built once)', () => {
  let clients: AwsClients;
  let journal: JournalEntry[];
  let host: MemoryHost;
  let networkOutputs: ReadonlyMap<string, Outputs>;

  useMotoTasks(
    {
      config,
      buildOnce: networkSteps,
      cleanBefore: 'nothing',
      // Back to the bare networks: no peering, no route but local and 0.0.0.0/0.
      cleanAfter: async () => {
        for (const table of await tablesOf(VPCS)) {
          for (const route of table.Routes ?? []) {
            if (route.GatewayId === 'local' || route.DestinationCidrBlock === '0.0.0.0/0') continue;
            await clients.ec2.send(new DeleteRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: route.DestinationCidrBlock }));
          }
        }
        for (const peering of await livePeerings(clients)) {
          await clients.ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: peering.VpcPeeringConnectionId }));
        }
      },
    },
    (rig) => ({ clients, journal, host, built: networkOutputs } = rig),
  );

  const out = (stepId: string, key: string) => {
    const value = host.outputsOf(stepId)?.[key];
    if (!value) throw new Error(`no ${key} for ${stepId}`);
    return value;
  };

  async function tablesOf(vpcs: VpcKey[]): Promise<RouteTable[]> {
    const vpcIds = vpcs.map((v) => networkOutputs.get(net[v].vpc)?.vpcId as string);
    return describeRouteTables(clients.ec2, [{ Name: 'vpc-id', Values: vpcIds }]);
  }

  async function table(vpc: VpcKey, role: 'public' | 'private'): Promise<RouteTable | undefined> {
    const id = out(role === 'public' ? net[vpc].rtPublic : net[vpc].rtPrivate, 'routeTableId');
    return (await tablesOf([vpc])).find((t) => t.RouteTableId === id);
  }

  it('makes both peerings active (requester Cyber) and routes the peer CIDR in every table of both sides, nothing MVP↔IA', async () => {
    const report = await runSteps(withBuiltNetwork(peeringSteps(config), host), host);
    expect(report.conflict).toBeUndefined();

    const cyberVpc = out(net.cyber.vpc, 'vpcId');
    for (const [stepId, peer, name] of [
      [ids.cyberMvp, 'mvp', 'Peering-Cyber-MVP-BFHK'],
      [ids.cyberIa, 'ia', 'Peering-Cyber-IA-BFHK'],
    ] as const) {
      const peering = (await livePeerings(clients)).find((p) => p.VpcPeeringConnectionId === out(stepId, 'vpcPeeringConnectionId'));
      expect(peering?.Status?.Code).toBe('active');
      expect(peering?.RequesterVpcInfo?.VpcId).toBe(cyberVpc);
      expect(peering?.AccepterVpcInfo?.VpcId).toBe(out(net[peer].vpc, 'vpcId'));
      expect(tagValue(peering?.Tags, 'Name')).toBe(name);
      expect(tagValue(peering?.Tags, 'aws-runbook:project')).toBe('bfhk');
      expect(tagValue(peering?.Tags, 'aws-runbook:step')).toBe(stepId);
    }
    expect(await livePeerings(clients)).toHaveLength(2);

    const toMvp = out(ids.cyberMvp, 'vpcPeeringConnectionId');
    const toIa = out(ids.cyberIa, 'vpcPeeringConnectionId');
    for (const role of ['public', 'private'] as const) {
      expect(peerRoutes(await table('cyber', role)), `cyber ${role}`).toEqual([`${CIDR.mvp} → ${toMvp}`, `${CIDR.ia} → ${toIa}`]);
      expect(peerRoutes(await table('mvp', role)), `mvp ${role}`).toEqual([`${CIDR.cyber} → ${toMvp}`]);
      expect(peerRoutes(await table('ia', role)), `ia ${role}`).toEqual([`${CIDR.cyber} → ${toIa}`]);
    }
    // Not transitive: no MVP table knows IA, no IA table knows MVP.
    for (const t of await tablesOf(['mvp'])) expect(t.Routes?.some((r) => r.DestinationCidrBlock === CIDR.ia)).toBe(false);
    for (const t of await tablesOf(['ia'])) expect(t.Routes?.some((r) => r.DestinationCidrBlock === CIDR.mvp)).toBe(false);
    // The default routes are untouched.
    expect((await table('ia', 'private'))?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.NatGatewayId).toBe(
      networkOutputs.get('network.ia.nat-gateway')?.natGatewayId,
    );

    expect(host.outputsOf('peering.route.cyber-private-to-ia')).toEqual({
      routeTableId: out(net.cyber.rtPrivate, 'routeTableId'),
      destinationCidrBlock: CIDR.ia,
      vpcPeeringConnectionId: toIa,
    });
    expect(mutatingCalls(journal).sort()).toEqual(
      [
        ...Array<string>(2).fill('CreateVpcPeeringConnection'),
        ...Array<string>(2).fill('AcceptVpcPeeringConnection'),
        ...Array<string>(8).fill('CreateRoute'),
      ].sort(),
    );
    expect(journal.filter((e) => e.type === 'begin').length).toBe(12);
    expect(journal.filter((e) => e.type === 'call' && e.mutating && e.client !== 'ec2Once')).toEqual([]);
  });

  it('on a rerun finds everything present, ours and complete, and sends nothing that changes anything (state lost too)', async () => {
    const steps = peeringSteps(config);
    await runSteps(withBuiltNetwork(steps, host), host);
    const before = new Map([...host.outputs].filter(([id]) => id.startsWith('peering.')));
    journal.length = 0;
    for (const step of steps) {
      const ctx = createStepContext(host, step.id);
      const found = await step.find(ctx);
      expect(found, step.id).toEqual({ kind: 'present', outputs: before.get(step.id), ours: true, differences: [], unfinished: [] });
      expect(step.preview(ctx, found).cli, step.id).toEqual([]);
    }
    expect((await runSteps(withBuiltNetwork(steps, host), host)).runs.filter((r) => r.applied)).toEqual([]);

    const fresh = new MemoryHost(config, clients, journal);
    for (const [stepId, outputs] of networkOutputs) fresh.outputs.set(stepId, { ...outputs });
    expect((await runSteps(withBuiltNetwork(steps, fresh), fresh)).conflict).toBeUndefined();
    for (const [stepId, outputs] of before) expect(fresh.outputsOf(stepId), stepId).toEqual(outputs);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('accepts a peering found pending-acceptance on resume, without requesting a second one', async () => {
    const ctx = createStepContext(host, ids.cyberMvp);
    const made = await clients.ec2Once.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: out(net.cyber.vpc, 'vpcId'),
        PeerVpcId: out(net.mvp.vpc, 'vpcId'),
        TagSpecifications: tagSpecifications('vpc-peering-connection', ctx.tags('Peering-Cyber-MVP-BFHK')),
      }),
    );
    const pcx = made.VpcPeeringConnection?.VpcPeeringConnectionId as string;
    journal.length = 0;
    const step = stepById(peeringSteps(config), ids.cyberMvp);
    const found = await step.find(ctx);
    expect(found).toEqual({
      kind: 'present',
      outputs: { vpcPeeringConnectionId: pcx },
      ours: true,
      differences: [],
      unfinished: ['accept the peering request (pending-acceptance)'],
    });
    expect(step.preview(ctx, found).cli).toEqual([
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${pcx}`,
      `aws ec2 wait vpc-peering-connection-exists --vpc-peering-connection-ids ${pcx} --filters Name=status-code,Values=active`,
    ]);
    const report = await runSteps(withBuiltNetwork([step], host), host);
    expect(report.runs.find((r) => r.stepId === ids.cyberMvp)?.applied).toBe(true);
    expect(mutatingCalls(journal)).toEqual(['AcceptVpcPeeringConnection']);
    expect(host.outputsOf(ids.cyberMvp)).toEqual({ vpcPeeringConnectionId: pcx });
    const live = await livePeerings(clients);
    expect(live.map((p) => [p.VpcPeeringConnectionId, p.Status?.Code])).toEqual([[pcx, 'active']]);
  });

  it('double-checks what DescribeVpcPeeringConnections returns (moto ignores Filters): others are not adopted; one joining our VPCs is a conflict', async () => {
    // An untagged MVP→IA peering: moto returns it to every filtered describe.
    await clients.ec2Once.send(new CreateVpcPeeringConnectionCommand({ VpcId: out(net.mvp.vpc, 'vpcId'), PeerVpcId: out(net.ia.vpc, 'vpcId') }));
    const steps = peeringSteps(config);
    const cyberMvp = stepById(steps, ids.cyberMvp);
    expect(await cyberMvp.find(createStepContext(host, ids.cyberMvp))).toEqual({ kind: 'absent' });

    // Someone else's Cyber→IA peering: one per pair of VPCs, so ours cannot be made.
    const other = await clients.ec2Once.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: out(net.cyber.vpc, 'vpcId'),
        PeerVpcId: out(net.ia.vpc, 'vpcId'),
        TagSpecifications: tagSpecifications('vpc-peering-connection', [{ Key: 'Name', Value: 'by-hand' }]),
      }),
    );
    const otherId = other.VpcPeeringConnection?.VpcPeeringConnectionId;
    const found = await stepById(steps, ids.cyberIa).find(createStepContext(host, ids.cyberIa));
    expect(found).toMatchObject({ kind: 'present', ours: false });
    expect(found.kind === 'present' && found.differences[0]).toContain(`VPC peering ${otherId} (pending-acceptance) already joins`);

    // One named like ours by another project: a conflict, never adopted.
    await clients.ec2Once.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: out(net.cyber.vpc, 'vpcId'),
        PeerVpcId: out(net.mvp.vpc, 'vpcId'),
        TagSpecifications: tagSpecifications('vpc-peering-connection', [
          { Key: 'Name', Value: 'Peering-Cyber-MVP-BFHK' },
          { Key: 'aws-runbook:project', Value: 'other' },
        ]),
      }),
    );
    const named = await cyberMvp.find(createStepContext(host, ids.cyberMvp));
    expect(named).toMatchObject({ kind: 'present', ours: false });
    expect(named.kind === 'present' && named.differences.join(' ')).toMatch(/"other", not "bfhk"/);
    journal.length = 0;
    expect((await runSteps(withBuiltNetwork(steps, host), host)).conflict?.stepId).toBe(ids.cyberMvp);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('a CreateVpcPeeringConnection whose answer is lost is found by its tags, not sent twice', async () => {
    const lost = loseFirstAnswer(clients.ec2Once, 'CreateVpcPeeringConnectionCommand');
    const step = stepById(peeringSteps(config), ids.cyberIa);
    const outputs = await step.apply(createStepContext(host, ids.cyberIa), { kind: 'absent' });
    expect(lost()).toBe(true);
    expect(mutatingCalls(journal)).toEqual(['CreateVpcPeeringConnection', 'AcceptVpcPeeringConnection']);
    expect((await livePeerings(clients)).map((p) => [p.VpcPeeringConnectionId, p.Status?.Code])).toEqual([[outputs.vpcPeeringConnectionId, 'active']]);
  });

  it('stops with the status message when the peering is rejected, failed or expired', async () => {
    clients.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'DescribeVpcPeeringConnectionsCommand') {
          const output = result.output as { VpcPeeringConnections?: VpcPeeringConnection[] };
          output.VpcPeeringConnections = output.VpcPeeringConnections?.map((p) => ({
            ...p,
            Status: { Code: 'failed', Message: 'Overlapping CIDR blocks' },
          })) as VpcPeeringConnection[];
        }
        return result;
      },
      { step: 'initialize', name: 'peeringFails' },
    );
    const step = stepById(peeringSteps(config), ids.cyberMvp);
    await expect(step.apply(createStepContext(host, ids.cyberMvp), { kind: 'absent' })).rejects.toMatchObject({
      name: 'RunbookConflict',
      message: expect.stringMatching(/is failed: Overlapping CIDR blocks/),
    });
  });

  it('a peer route already there through our peering is success; through something else it is a conflict naming both', async () => {
    const steps = peeringSteps(config);
    await runSteps(withBuiltNetwork(steps.filter((s) => s.id === ids.cyberMvp || s.id === ids.cyberIa), host), host);
    const toMvp = out(ids.cyberMvp, 'vpcPeeringConnectionId');
    const toIa = out(ids.cyberIa, 'vpcPeeringConnectionId');
    const cyberPublic = out(net.cyber.rtPublic, 'routeTableId');
    const mvpPrivate = out(net.mvp.rtPrivate, 'routeTableId');
    // Same target, made by hand (as the seed would): RouteAlreadyExists counts as done.
    await clients.ec2Once.send(new CreateRouteCommand({ RouteTableId: mvpPrivate, DestinationCidrBlock: CIDR.cyber, VpcPeeringConnectionId: toMvp }));
    // Wrong target: 10.1.0.0/16 in the Cyber public table through the Cyber↔IA peering.
    await clients.ec2Once.send(new CreateRouteCommand({ RouteTableId: cyberPublic, DestinationCidrBlock: CIDR.mvp, VpcPeeringConnectionId: toIa }));
    journal.length = 0;

    const same = stepById(steps, 'peering.route.mvp-private-to-cyber');
    const sameCtx = createStepContext(host, same.id);
    expect(await same.find(sameCtx)).toMatchObject({ kind: 'present', ours: true, differences: [] });
    await expect(same.apply(sameCtx, { kind: 'absent' })).resolves.toEqual({
      routeTableId: mvpPrivate,
      destinationCidrBlock: CIDR.cyber,
      vpcPeeringConnectionId: toMvp,
    });

    const wrong = stepById(steps, 'peering.route.cyber-public-to-mvp');
    const wrongCtx = createStepContext(host, wrong.id);
    const message = `${CIDR.mvp} in ${cyberPublic} (RouteCyberPub-BFHK) points at ${toIa}, wanted ${toMvp} (Peering-Cyber-MVP-BFHK)`;
    expect(await wrong.find(wrongCtx)).toEqual({ kind: 'present', outputs: {}, ours: true, differences: [message], unfinished: [] });
    await expect(wrong.apply(wrongCtx, { kind: 'absent' })).rejects.toMatchObject({ name: 'RunbookConflict', message });
    expect(mutatingCalls(journal)).toEqual(['CreateRoute', 'CreateRoute']);

    // Destroy leaves a route that no longer points at our peering.
    await wrong.destroy?.(wrongCtx, { routeTableId: cyberPublic, destinationCidrBlock: CIDR.mvp, vpcPeeringConnectionId: toMvp });
    expect(peerRoutes(await table('cyber', 'public'))).toEqual([`${CIDR.mvp} → ${toIa}`]);
    expect(host.progressLines.some((l) => l.includes('left in place'))).toBe(true);
  });

  it('previews the exact CLI with placeholders, then real ids; notes the seed slips and that peering has no hourly cost', () => {
    const steps = peeringSteps(config);
    const bare = new MemoryHost(config, clients);
    const previewOf = (h: MemoryHost, id: string) => stepById(steps, id).preview(createStepContext(h, id), { kind: 'absent' });
    const peering = previewOf(bare, ids.cyberMvp);
    expect(peering.cli).toEqual([
      "PEERING_MVP_ID=$(aws ec2 create-vpc-peering-connection --vpc-id $CYBER_VPC_ID --peer-vpc-id $MVP_VPC_ID --tag-specifications 'ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=Peering-Cyber-MVP-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=peering.cyber-mvp}]' --query VpcPeeringConnection.VpcPeeringConnectionId --output text)",
      'aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id $PEERING_MVP_ID',
      'aws ec2 wait vpc-peering-connection-exists --vpc-peering-connection-ids $PEERING_MVP_ID --filters Name=status-code,Values=active',
    ]);
    expect(peering.monthlyCostUsd).toBeUndefined();
    const notes = peering.notes?.join('\n') ?? '';
    expect(notes).toContain('$CYBER_ID, $MVP_ID and $IA_ID, shell variables it never sets');
    expect(notes).toContain('No hourly charge');
    expect(previewOf(bare, 'peering.route.ia-public-to-cyber').cli).toEqual([
      'aws ec2 create-route --route-table-id $IA_RT_PUBLIC_ID --destination-cidr-block 10.3.0.0/16 --vpc-peering-connection-id $PEERING_IA_ID',
    ]);
    expect(previewOf(bare, 'peering.route.ia-public-to-cyber').notes?.join(' ')).toContain('never adds a Cyber↔IA route');
    expect(previewOf(bare, 'peering.route.mvp-private-to-cyber').notes?.join(' ')).toContain('$RT_MVP_ID');
    for (const step of steps) expect(previewOf(bare, step.id).monthlyCostUsd, step.id).toBeUndefined();

    expect(previewOf(host, ids.cyberIa).cli[0]).toContain(`--vpc-id ${out(net.cyber.vpc, 'vpcId')} --peer-vpc-id ${out(net.ia.vpc, 'vpcId')} `);
    expect(previewOf(host, 'peering.route.cyber-private-to-ia').cli[0]).toContain(`--route-table-id ${out(net.cyber.rtPrivate, 'routeTableId')} `);
  });
  // Last on purpose: it tears down the networks the other tests of this block share.
  it('destroys in reverse: routes, peerings (waited until deleted), NATs before their EIPs, then the networks; nothing tagged is left', async () => {
    const steps = [...networkSteps(), ...peeringSteps(config)];
    expect((await runSteps(steps, host)).conflict).toBeUndefined();
    const saved = new Map(host.outputs);
    journal.length = 0;

    const destroyed = await destroySteps(steps, host);
    const at = (id: string) => destroyed.indexOf(id);
    expect(at('peering.route.mvp-public-to-cyber')).toBeLessThan(at(ids.cyberMvp));
    expect(at(ids.cyberMvp)).toBeLessThan(at(net.mvp.vpc));
    expect(at(ids.cyberIa)).toBeLessThan(at(net.cyber.vpc));
    expect(at('peering.route.ia-private-to-cyber')).toBeLessThan(at(net.ia.rtPrivate));
    expect(at('network.ia.nat-gateway')).toBeLessThan(at('network.ia.nat-eip'));
    const calls = mutatingCalls(journal);
    expect(calls.filter((c) => c === 'DeleteVpcPeeringConnection')).toHaveLength(2);
    // 8 peering routes, 3 public and 2 private default routes.
    expect(calls.filter((c) => c === 'DeleteRoute')).toHaveLength(8 + 3 + 2);
    const deletes = journal.flatMap((e) => (e.type === 'begin' && (e.action === 'DeleteNatGateway' || e.action === 'ReleaseAddress') ? [`${e.stepId} ${e.action}`] : []));
    expect(deletes.indexOf('network.ia.nat-gateway DeleteNatGateway')).toBeLessThan(deletes.indexOf('network.ia.nat-eip ReleaseAddress'));
    expect(deletes.indexOf('network.cyber.nat-gateway DeleteNatGateway')).toBeLessThan(deletes.indexOf('network.cyber.nat-eip ReleaseAddress'));

    const project = [{ Name: 'tag:aws-runbook:project', Values: ['bfhk'] }];
    const oursAndLive = (items: { Tags?: { Key?: string; Value?: string }[] }[]) => items.filter((i) => tagValue(i.Tags, 'aws-runbook:project') === 'bfhk');
    expect(oursAndLive((await describePeerings(clients.ec2, [])).filter((p) => p.Status?.Code !== 'deleted'))).toEqual([]);
    expect(oursAndLive((await describeNatGateways(clients.ec2, [])).filter((n) => n.State !== 'deleted'))).toEqual([]);
    expect(await describeAddresses(clients.ec2, project)).toEqual([]);
    expect(await describeVpcs(clients.ec2, project)).toEqual([]);
    expect(await describeSubnets(clients.ec2, project)).toEqual([]);
    expect(await describeInternetGateways(clients.ec2, project)).toEqual([]);
    expect(await describeRouteTables(clients.ec2, project)).toEqual([]);

    // Idempotent: from the same outputs, everything is already gone.
    for (const [stepId, outputs] of saved) host.outputs.set(stepId, outputs);
    await expect(destroySteps(steps, host)).resolves.toHaveLength(steps.length);
    expect(host.progressLines.some((l) => l.includes('VPC peering') && l.includes('already deleted'))).toBe(true);
  });
});
