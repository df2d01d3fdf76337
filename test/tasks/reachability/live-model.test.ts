import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DisassociateRouteTableCommand,
  RevokeSecurityGroupIngressCommand,
  AuthorizeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import { buildRunbook } from '../../../src/runbook/sections.js';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { createCheckContext } from '../../../src/tasks/checks/context.js';
import { connectivityChecks, PREDICTION_CHECK_ID } from '../../../src/tasks/checks/connectivity.js';
import { LiveInventory } from '../../../src/tasks/checks/inventory.js';
import { runChecks } from '../../../src/tasks/checks/run-checks.js';
import { designReachabilityModel } from '../../../src/tasks/reachability/design-model.js';
import { liveReachabilityModel, loadLiveNetwork } from '../../../src/tasks/reachability/live-model.js';
import type { PingMatrix } from '../../../src/tasks/reachability/model.js';
import { predictPingMatrix } from '../../../src/tasks/reachability/predict.js';
import { MemoryHost, runSteps, testConfig } from '../../helpers/moto.js';
import { workerSandbox } from '../../helpers/worker-moto.js';

/**
 * The live model against moto after the network, peering, security and compute sections: the matrix
 * predicted from what AWS describes is the design's; a route or rule changed with a plain SDK call
 * flips exactly the cells it should.
 */

const keys = mkdtempSync(join(tmpdir(), 'live-model-keys-'));
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keys, 'id')]);
const config = testConfig({ suffix: 'Live', access: { adminCidr: '203.0.113.7/32', publicKeyPath: join(keys, 'id.pub') } });

let sandbox: Sandbox;
let clients: AwsClients;
let host: MemoryHost;

const out = (stepId: string, key: string): string => {
  const value = host.outputsOf(stepId)?.[key];
  if (!value) throw new Error(`no output ${key} of ${stepId}`);
  return value;
};

async function livePrediction(): Promise<PingMatrix> {
  const inventory = new LiveInventory(clients, 'live');
  return predictPingMatrix(liveReachabilityModel(await loadLiveNetwork(inventory, clients.ec2)));
}

const kinds = (matrix: PingMatrix) => Object.fromEntries(matrix.cells.map((c) => [`${c.from}→${c.to}`, c.verdict.kind]));

function flipped(before: PingMatrix, after: PingMatrix): Record<string, string> {
  const old = kinds(before);
  return Object.fromEntries(Object.entries(kinds(after)).filter(([pair, kind]) => old[pair] !== kind));
}

const design = predictPingMatrix(designReachabilityModel(config));

beforeAll(async () => {
  sandbox = await workerSandbox();
  clients = createAwsClients({ region: 'us-east-2', endpoint: sandbox.endpoint });
  host = new MemoryHost(config, clients);
  const sections = new Set(['network', 'peering', 'security', 'compute']);
  const steps = buildRunbook(config)
    .filter((s) => sections.has(s.id))
    .flatMap((s) => s.steps);
  expect((await runSteps(steps, host)).conflict).toBeUndefined();
}, 120_000);
afterAll(async () => {
  clients?.destroy();
  await sandbox?.stop();
  rmSync(keys, { recursive: true, force: true });
});

describe('the reachability model of the live network', () => {
  it('keys VPCs and hosts as the design does, with the instances\u2019 private addresses and Name (id) labels', async () => {
    const model = liveReachabilityModel(await loadLiveNetwork(new LiveInventory(clients, 'live'), clients.ec2));
    expect(model.vpcs.map((v) => [v.key, v.cidr]).sort()).toEqual([
      ['cyber', '10.3.0.0/16'],
      ['ia', '10.2.0.0/16'],
      ['mvp', '10.1.0.0/16'],
    ]);
    expect(model.hosts.map((h) => h.name)).toEqual(['gitlab', 'monitoring', 'ia', 'ecommerce', 'wordpress']);
    for (const h of model.hosts) expect(h.ip, h.name).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(model.hosts.find((h) => h.name === 'ia')?.securityGroups).toEqual([out('security.ia', 'groupId')]);
    const iaPrivate = model.routeTables.find((t) => t.key === out('network.ia.rt-private', 'routeTableId'));
    expect(iaPrivate?.name).toBe(`RouteIAPriv-Live (${out('network.ia.rt-private', 'routeTableId')})`);
    expect(iaPrivate?.routes).toContainEqual({ destination: '0.0.0.0/0', target: 'nat' });
    expect(iaPrivate?.routes).toContainEqual({ destination: '10.3.0.0/16', target: { peering: out('peering.cyber-ia', 'vpcPeeringConnectionId') } });
  });

  it('predicts exactly the design\u2019s matrix, cell by cell', async () => {
    const live = await livePrediction();
    expect(live.cells).toHaveLength(20);
    expect(kinds(live)).toEqual(kinds(design));
  });

  it('the predicted-only check passes without SSH; the ping checks are skipped with the reason', async () => {
    const ctx = createCheckContext({ config, aws: clients, hosts: NO_HOSTS, signal: new AbortController().signal, outputsOf: (id) => host.outputsOf(id) });
    const report = await runChecks(connectivityChecks(config), ctx);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId[PREDICTION_CHECK_ID]).toMatchObject({ status: 'pass', evidence: expect.stringContaining('20 host pairs') });
    expect(byId[PREDICTION_CHECK_ID]?.details).toContain('cyber → ia  ok');
    expect(report.checks.filter((c) => c.id !== PREDICTION_CHECK_ID).map((c) => [c.id, c.status])).toEqual([
      ['connectivity.cyber-to-ia', 'skip'],
      ['connectivity.cyber-to-mvp', 'skip'],
      ['connectivity.ia-to-cyber', 'skip'],
      ['connectivity.ia-to-mvp', 'skip'],
      ['connectivity.mvp-to-cyber', 'skip'],
      ['connectivity.mvp-to-ia', 'skip'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('a deleted peering route flips Cyber public → IA to "no route" (and the way back), and the check names the table', async () => {
    const table = out('network.cyber.rt-public', 'routeTableId');
    const peering = out('peering.cyber-ia', 'vpcPeeringConnectionId');
    await clients.ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: '10.2.0.0/16' }));
    try {
      const after = await livePrediction();
      expect(flipped(design, after)).toEqual({ 'gitlab→ia': 'no-route', 'ia→gitlab': 'no-route' });
      expect(after.cells.find((c) => c.from === 'gitlab' && c.to === 'ia')?.verdict).toMatchObject({
        kind: 'no-route',
        direction: 'there',
        reason: `RouteCyberPub-Live (${table}) has no route to 10.2.0.0/16`,
      });
      const ctx = createCheckContext({ config, aws: clients, hosts: NO_HOSTS, signal: new AbortController().signal, outputsOf: (id) => host.outputsOf(id) });
      const report = await runChecks(connectivityChecks(config).filter((c) => c.id === PREDICTION_CHECK_ID), ctx);
      const check = report.checks[0];
      expect(check?.status).toBe('fail');
      expect(check?.evidence).toContain('2 of 20 host pairs differ from the design: gitlab→ia no route (design ok), ia→gitlab no route (design blocked)');
      expect(check?.hint).toContain(`RouteCyberPub-Live (${table}) has no route to 10.2.0.0/16`);
      expect(check?.hint).toContain('aws-runbook up --only peering,security');
      expect(report.ok).toBe(false);
    } finally {
      await clients.ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '10.2.0.0/16', VpcPeeringConnectionId: peering }));
    }
    expect(kinds(await livePrediction())).toEqual(kinds(design));
  });

  it('a subnet left without its own table uses the VPC\u2019s main table (described on demand): IA loses its routes to Cyber', async () => {
    const subnet = out('network.ia.subnet-private-1', 'subnetId');
    const tables = await new LiveInventory(clients, 'live').routeTables();
    const association = tables.flatMap((t) => t.Associations ?? []).find((a) => a.SubnetId === subnet)?.RouteTableAssociationId;
    expect(association).toBeDefined();
    await clients.ec2.send(new DisassociateRouteTableCommand({ AssociationId: association }));
    try {
      const network = await loadLiveNetwork(new LiveInventory(clients, 'live'), clients.ec2);
      const main = network.routeTables.find((t) => t.VpcId === out('network.ia.vpc', 'vpcId') && (t.Associations ?? []).some((a) => a.Main));
      expect(main).toBeDefined();
      const after = predictPingMatrix(liveReachabilityModel(network));
      expect(flipped(design, after)).toEqual({ 'gitlab→ia': 'no-route', 'monitoring→ia': 'no-route', 'ia→gitlab': 'no-route', 'ia→monitoring': 'no-route' });
      expect(after.cells.find((c) => c.from === 'ia' && c.to === 'gitlab')?.verdict).toMatchObject({ reason: expect.stringContaining(`main route table (${main?.RouteTableId})`) });
    } finally {
      await clients.ec2.send(new AssociateRouteTableCommand({ RouteTableId: out('network.ia.rt-private', 'routeTableId'), SubnetId: subnet }));
    }
    expect(kinds(await livePrediction())).toEqual(kinds(design));
  });

  it('a revoked ICMP rule flips Cyber → IA to "blocked" and nothing else', async () => {
    const group = out('security.ia', 'groupId');
    const permission = { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.3.0.0/16' }] };
    await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [permission] }));
    try {
      expect(flipped(design, await livePrediction())).toEqual({ 'gitlab→ia': 'blocked-by-sg', 'monitoring→ia': 'blocked-by-sg' });
    } finally {
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [permission] }));
    }
  });
});
