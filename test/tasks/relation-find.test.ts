import { CreateRouteTableCommand, DeleteRouteTableCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { tagSpecifications } from '../../src/aws/tags.js';
import { createStepContext } from '../../src/engine/context.js';
import { networkStepIds, vpcNetworkSteps } from '../../src/tasks/network.js';
import { inRouteTable, neededOutputs, relationHolder } from '../../src/tasks/relation-find.js';
import { MemoryHost, testConfig } from '../helpers/moto.js';
import { useMotoTasks } from '../helpers/moto-tasks.js';

/** How the relation steps' finds start: the needed outputs, then what holds the relation, ours or not. */

const config = testConfig();
const ids = networkStepIds('mvp');

describe('neededOutputs', () => {
  const host = new MemoryHost(config, {} as AwsClients);
  host.outputs.set(ids.vpc, { vpcId: 'vpc-1' });
  host.outputs.set(ids.rtPublic, { routeTableId: '' });
  const ctx = createStepContext(host, 'test');

  it('gives the outputs under the names asked for', () => {
    expect(neededOutputs(ctx, { vpc: [ids.vpc, 'vpcId'] })).toEqual({ vpc: 'vpc-1' });
  });

  it('is undefined when a step has not run, lacks the key, or recorded it empty', () => {
    expect(neededOutputs(ctx, { vpc: [ids.vpc, 'vpcId'], subnet: [ids.subnetPublic, 'subnetId'] })).toBeUndefined();
    expect(neededOutputs(ctx, { vpc: [ids.vpc, 'cidr'] })).toBeUndefined();
    expect(neededOutputs(ctx, { table: [ids.rtPublic, 'routeTableId'] })).toBeUndefined();
  });
});

describe('relationHolder and inRouteTable against moto', () => {
  let clients: AwsClients;
  let host: MemoryHost;
  useMotoTasks({ config, buildOnce: () => vpcNetworkSteps(config, 'mvp'), cleanBefore: 'nothing' }, (rig) => ({ clients, host } = rig));
  const ctx = () => createStepContext(host, 'test');
  const vpcId = () => host.outputsOf(ids.vpc)?.vpcId as string;

  it('reads the route table of the recorded id, ours by its project tag, with the other ids', async () => {
    const start = await inRouteTable(ctx(), ids.rtPublic, { subnetId: [ids.subnetPublic, 'subnetId'] });
    expect(start?.ids).toEqual({ routeTableId: host.outputsOf(ids.rtPublic)?.routeTableId, subnetId: host.outputsOf(ids.subnetPublic)?.subnetId });
    expect(start?.holder.RouteTableId).toBe(host.outputsOf(ids.rtPublic)?.routeTableId);
    expect(start?.ours).toBe(true);
  });

  it("says a table of another project's is not ours", async () => {
    const table = await clients.ec2.send(
      new CreateRouteTableCommand({ VpcId: vpcId(), TagSpecifications: tagSpecifications('route-table', [{ Key: 'aws-runbook:project', Value: 'other' }]) }),
    );
    host.outputs.set(ids.rtPublic, { routeTableId: table.RouteTable?.RouteTableId as string });
    const start = await inRouteTable(ctx(), ids.rtPublic, {});
    expect(start?.holder.RouteTableId).toBe(table.RouteTable?.RouteTableId);
    expect(start?.ours).toBe(false);
    await clients.ec2.send(new DeleteRouteTableCommand({ RouteTableId: table.RouteTable?.RouteTableId }));
  });

  it('is undefined when a needed output is missing or the holder is gone (the find answers ABSENT)', async () => {
    host.outputs.delete(ids.subnetPublic);
    expect(await inRouteTable(ctx(), ids.rtPublic, { subnetId: [ids.subnetPublic, 'subnetId'] })).toBeUndefined();
    host.outputs.set(ids.rtPublic, { routeTableId: 'rtb-0123456789abcdef0' });
    expect(await inRouteTable(ctx(), ids.rtPublic, {})).toBeUndefined();
    expect(await relationHolder(ctx(), { vpc: [ids.vpc, 'vpcId'] }, async () => undefined)).toBeUndefined();
  });

  it('hands over the network inventory it read, for the rest of the find', async () => {
    const start = await relationHolder(ctx(), { vpc: [ids.vpc, 'vpcId'] }, (network, { vpc }) => network.vpcs.get(vpc));
    expect(start?.ours).toBe(true);
    expect((await start?.network.routeTablesIn(vpcId()))?.map((t) => t.RouteTableId)).toContain(host.outputsOf(ids.rtPublic)?.routeTableId);
  });
});
