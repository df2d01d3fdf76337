import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { fitLine, formatMap } from '../../src/render/format-map.js';
import { stripAnsi } from '../../src/render/ansi.js';
import { offlineTopology } from '../../src/tasks/topology/view.js';

const config = configSchema.parse({ suffix: 'BFHK' });
const nothing = { status: () => undefined, outputsOf: () => undefined };
/** A state where the network, the peerings and two instances are recorded. */
const recorded: Record<string, { status: string; outputs: Record<string, string> }> = {
  'network.mvp.vpc': { status: 'done', outputs: { vpcId: 'vpc-1' } },
  'network.mvp.subnet-public': { status: 'done', outputs: {} },
  'network.mvp.igw-attachment': { status: 'done', outputs: {} },
  'peering.cyber-mvp': { status: 'done', outputs: {} },
  'compute.ecommerce': { status: 'done', outputs: { instanceId: 'i-1', privateIp: '10.1.1.10' } },
  'compute.ecommerce.eip-association': { status: 'done', outputs: { publicIp: '198.51.100.11' } },
  'compute.monitoring': { status: 'done', outputs: { instanceId: 'i-2', privateIp: '10.3.2.10' } },
};
const partial = { status: (id: string) => recorded[id]?.status, outputsOf: (id: string) => recorded[id]?.outputs };

describe('the topology drawn in the terminal', () => {
  it('offline: the three VPCs, their subnets, the five hosts and the ping matrix, every line within 80 columns', () => {
    const lines = formatMap(offlineTopology(config, nothing, { project: 'bfhk', region: 'us-east-2', why: '--offline' }));
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    for (const vpc of ['VPC-MVP-BFHK 10.1.0.0/16', 'VPC-IA-BFHK 10.2.0.0/16', 'VPC-Cyber-BFHK 10.3.0.0/16']) expect(text).toContain(vpc);
    for (const subnet of ['public  10.1.1.0/24    (a)', 'private 10.1.2.0/24    (b)', 'private 10.1.3.0/24    (a)', 'private 10.2.2.0/24', 'public  10.3.1.0/24']) expect(text).toContain(subnet);
    for (const host of ['VM-Ecommerce-BFHK', 'VM-WordPress-BFHK', 'VMCyber-Gitlab-BFHK', 'VMCyber-Monitoring-BFHK', 'VMIA-Workstation-BFHK']) expect(text).toContain(host);
    expect(text).toContain('from the config and the state file (--offline)');
    expect(text).toMatch(/NAT gateway/);
    expect(text).toMatch(/RDS MariaDB, Multi-AZ/);
    // The design's matrix: Cyber reaches both; IA and MVP are blocked by the Cyber group; IA ↔ MVP have no route.
    expect(lines.slice(-4)).toEqual([
      '         MVP           IA            Cyber',
      '  MVP    ·             no route      blocked (SG)',
      '  IA     no route      ·             blocked (SG)',
      '  Cyber  ok            ok            ·',
    ]);
    // Nothing recorded: everything is planned.
    expect(text).not.toMatch(/●.*VPC|VPC.*●/);
  });

  it("marks what the state records as existing, with the hosts' private and Elastic IP addresses", () => {
    const lines = formatMap(offlineTopology(config, partial, { project: 'bfhk', region: 'us-east-2' }));
    const line = (text: string) => lines.find((l) => l.includes(text)) ?? '';
    expect(line('VPC-MVP-BFHK')).toMatch(/10\.1\.0\.0\/16 ●\s+internet gateway ●/);
    expect(line('VPC-IA-BFHK')).toMatch(/10\.2\.0\.0\/16 ○\s+internet gateway ○/);
    expect(line('VM-Ecommerce-BFHK')).toMatch(/● VM-Ecommerce-BFHK\s+10\.1\.1\.10\s+198\.51\.100\.11\s+the shop/);
    expect(line('VMCyber-Monitoring-BFHK')).toMatch(/● VMCyber-Monitoring-BFHK\s+10\.3\.2\.10\s+Uptime Kuma/);
    expect(line('VM-WordPress-BFHK')).toMatch(/○ VM-WordPress-BFHK\s+-\s+-/);
    expect(line('Cyber ⇄ MVP')).toMatch(/Peering-Cyber-MVP-BFHK ●$/);
    expect(line('Cyber ⇄ IA')).toMatch(/Peering-Cyber-IA-BFHK ○$/);
  });

  it('cuts long lines with … at the width, marks and colours included', () => {
    expect(fitLine('abcdef', 4)).toBe('abc…');
    expect(fitLine('abc', 4)).toBe('abc');
    const lines = formatMap(offlineTopology(config, partial, { project: 'bfhk', region: 'us-east-2' }), { width: 50, color: true });
    expect(lines.some((l) => l.includes('\u001B['))).toBe(true);
    expect(Math.max(...lines.map((l) => [...stripAnsi(l)].length))).toBeLessThanOrEqual(50);
    expect(lines.map(stripAnsi).find((l) => l.includes('VM-Ecommerce'))).toMatch(/…$/);
  });
});
