import { DeleteRouteCommand, DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/sandbox.js';
import type { TopologyView } from '../../src/tasks/topology/view.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { workerSandbox } from '../helpers/worker-moto.js';

/**
 * `aws-runbook map`: the topology in the terminal. Offline from the config (and the state file) within
 * 80 columns; live against the sandbox, where what exists is read from AWS and the ping matrix predicted
 * from the live route tables (a route deleted by hand shows at once); it changes nothing.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('aws-runbook map', () => {
  it('--offline prints the three VPCs, the five hosts and the ping matrix within 80 columns, asking nothing of anyone', async () => {
    const cwd = await projectDir('MapOff');
    const calls = sandbox.gateway.log.length;
    const result = await runCli(['map', '--offline', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    for (const vpc of ['VPC-MVP-MapOff', 'VPC-IA-MapOff', 'VPC-Cyber-MapOff']) expect(result.stdout).toContain(vpc);
    for (const host of ['VM-Ecommerce-MapOff', 'VM-WordPress-MapOff', 'VMCyber-Gitlab-MapOff', 'VMCyber-Monitoring-MapOff', 'VMIA-Workstation-MapOff']) expect(result.stdout).toContain(host);
    expect(result.stdout).toMatch(/^ {2}Cyber {2}ok {12}ok {12}·$/m);
    expect(sandbox.gateway.log.length).toBe(calls);
  });

  it('live: what exists comes from AWS, the matrix from the live route tables; a peering route deleted by hand shows as no route', async () => {
    const cwd = await projectDir('MapLive', 'access:\n  adminCidr: 203.0.113.7/32\n');
    const endpoint = ['--endpoint-url', sandbox.endpoint];
    const empty = JSON.parse((await runCli(['map', '--json', ...endpoint], { cwd })).stdout) as TopologyView;
    expect(empty).toMatchObject({ source: 'live', matrixFrom: 'design' });
    expect(empty.vpcs.every((v) => v.presence === 'planned')).toBe(true);

    const up = await runCli(['up', '--yes', '--only', 'network,peering,security', ...endpoint], { cwd });
    expect(up.code, up.stderr).toBe(0);
    const mutating = sandbox.gateway.mutatingCount();
    const built = JSON.parse((await runCli(['map', '--json', ...endpoint], { cwd })).stdout) as TopologyView;
    expect(sandbox.gateway.mutatingCount()).toBe(mutating);
    expect(built.source).toBe('live');
    expect(built.vpcs.map((v) => [v.key, v.presence, v.internetGateway])).toEqual([
      ['mvp', 'exists', 'exists'],
      ['ia', 'exists', 'exists'],
      ['cyber', 'exists', 'exists'],
    ]);
    expect(built.peerings.map((p) => p.presence)).toEqual(['exists', 'exists']);
    expect(built.vpcs.flatMap((v) => v.subnets.flatMap((s) => s.hosts.map((h) => h.presence)))).toEqual(Array(5).fill('planned'));
    // No instance yet: each host stands in its subnet with its group, as AWS has them; the matrix is the live one.
    expect(built.matrixFrom).toBe('live');
    const cell = (view: TopologyView, from: string, to: string) => view.matrix.find((c) => c.from === from && c.to === to)?.kind;
    expect([cell(built, 'cyber', 'ia'), cell(built, 'cyber', 'mvp'), cell(built, 'ia', 'cyber'), cell(built, 'ia', 'mvp')]).toEqual(['ok', 'ok', 'blocked-by-sg', 'no-route']);

    // Drawn: the plain text marks the built network as existing.
    const drawn = await runCli(['map', ...endpoint], { cwd });
    expect(drawn.stdout).toMatch(/VPC-Cyber-MapLive 10\.3\.0\.0\/16 ●/);
    expect(drawn.stdout).toMatch(/^live from AWS$/m);

    // A route removed behind the tool's back: the state still records it, AWS does not have it.
    const ec2 = new EC2Client({ region: 'us-east-2', endpoint: sandbox.endpoint, credentials: SANDBOX_CREDENTIALS });
    try {
      const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'tag:aws-runbook:project', Values: ['maplive'] }] }))).RouteTables ?? [];
      const cyberPublic = tables.find((t) => t.Tags?.some((tag) => tag.Key === 'Name' && tag.Value === 'RouteCyberPub-MapLive'));
      await ec2.send(new DeleteRouteCommand({ RouteTableId: cyberPublic?.RouteTableId, DestinationCidrBlock: '10.2.0.0/16' }));
    } finally {
      ec2.destroy();
    }
    const broken = JSON.parse((await runCli(['map', '--json', ...endpoint], { cwd })).stdout) as TopologyView;
    expect(broken.peerings.map((p) => p.presence)).toEqual(['exists', 'exists']);
    // GitLab (Cyber public) lost its way to IA; the monitoring host (Cyber private) did not: the pair is mixed.
    expect([cell(broken, 'cyber', 'ia'), cell(broken, 'cyber', 'mvp')]).toEqual(['mixed', 'ok']);
  }, 120_000);
});
