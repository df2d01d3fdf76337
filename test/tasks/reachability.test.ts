import { describe, expect, it } from 'vitest';
import {
  admitsFromAddress,
  designReachabilityModel,
  formatPingMatrix,
  reachVerdict,
  routeFrom,
  predictPingMatrix,
  verdictText,
  vpcPairVerdicts,
  type PingMatrix,
  type ReachabilityModel,
} from '../../src/tasks/reachability.js';
import { testConfig } from '../helpers/moto.js';

const config = testConfig({ access: { adminCidr: '203.0.113.7/32' } });
const design = () => designReachabilityModel(config);

/** "from→to" → verdict kind, for every cell. */
function kinds(matrix: PingMatrix): Map<string, string> {
  return new Map(matrix.cells.map((c) => [`${c.from}→${c.to}`, c.verdict.kind]));
}

/** The cells whose verdict kind differs between two matrices (same pairs). */
function flipped(before: PingMatrix, after: PingMatrix): Record<string, string> {
  const old = kinds(before);
  return Object.fromEntries([...kinds(after)].filter(([pair, kind]) => old.get(pair) !== kind));
}

function vpcKinds(matrix: PingMatrix): Record<string, string> {
  return Object.fromEntries(vpcPairVerdicts(matrix).map((v) => [`${v.fromVpc}→${v.toVpc}`, v.kind]));
}

function table(model: ReachabilityModel, key: string) {
  const found = model.routeTables.find((t) => t.key === key);
  if (!found) throw new Error(`no table ${key}`);
  return found;
}

describe('predictPingMatrix on the design', () => {
  it('gives exactly the designed ping matrix (docs/design.md#ping-matrix)', () => {
    const matrix = predictPingMatrix(design());
    expect(vpcKinds(matrix)).toEqual({
      'cyber→ia': 'ok',
      'cyber→mvp': 'ok',
      'ia→cyber': 'blocked-by-sg',
      'ia→mvp': 'no-route',
      'mvp→cyber': 'blocked-by-sg',
      'mvp→ia': 'no-route',
      'cyber→cyber': 'ok',
      'mvp→mvp': 'blocked-by-sg',
    });
    // 2 cyber, 1 ia, 2 mvp hosts: 16 cross-VPC ordered pairs, plus gitlab↔monitoring and ecommerce↔wordpress.
    expect(matrix.cells).toHaveLength(20);
    expect(matrix.cells.filter((c) => c.fromVpc === c.toVpc).map((c) => `${c.from}→${c.to}`)).toEqual([
      'gitlab→monitoring',
      'monitoring→gitlab',
      'ecommerce→wordpress',
      'wordpress→ecommerce',
    ]);
  });

  it('names the blocking group and what it allows, and the table missing the route', () => {
    const matrix = predictPingMatrix(design());
    const cell = (from: string, to: string) => matrix.cells.find((c) => c.from === from && c.to === to)?.verdict;
    expect(cell('ia', 'gitlab')).toEqual({ kind: 'blocked-by-sg', securityGroups: ['SG-Cyber-BFHK'], reason: 'ICMP only from 10.3.0.0/16' });
    expect(cell('ia', 'ecommerce')).toEqual({
      kind: 'no-route',
      direction: 'there',
      routeTable: 'RouteIAPriv-BFHK',
      destination: '10.1.0.0/16',
      reason: 'RouteIAPriv-BFHK has no route to 10.1.0.0/16',
    });
    expect(cell('monitoring', 'wordpress')).toEqual({ kind: 'ok' });
  });

  it('formats one line per VPC pair when its host pairs agree', () => {
    expect(formatPingMatrix(predictPingMatrix(design()))).toEqual([
      'cyber → ia  ok',
      'cyber → mvp  ok',
      'ia → cyber  blocked by SG-Cyber-BFHK (ICMP only from 10.3.0.0/16)',
      'ia → mvp  no route (RouteIAPriv-BFHK has no route to 10.1.0.0/16)',
      'mvp → cyber  blocked by SG-Cyber-BFHK (ICMP only from 10.3.0.0/16)',
      'mvp → ia  no route (RouteMVPPub-BFHK has no route to 10.2.0.0/16)',
      'cyber → cyber  ok',
      'mvp → mvp  blocked by SG-Web-BFHK (ICMP only from 10.3.0.0/16)',
    ]);
  });

  it('follows the config: another suffix and other CIDRs show up in the messages', () => {
    const other = testConfig({
      suffix: 'ZZ9',
      network: {
        mvp: { cidr: '10.11.0.0/16', public: { cidr: '10.11.1.0/24', az: 'a' }, private: [{ cidr: '10.11.2.0/24', az: 'b' }, { cidr: '10.11.3.0/24', az: 'a' }] },
        ia: { cidr: '10.12.0.0/16', public: { cidr: '10.12.1.0/24', az: 'a' }, private: [{ cidr: '10.12.2.0/24', az: 'a' }] },
        cyber: { cidr: '10.13.0.0/16', public: { cidr: '10.13.1.0/24', az: 'a' }, private: [{ cidr: '10.13.2.0/24', az: 'a' }] },
      },
    });
    const lines = formatPingMatrix(predictPingMatrix(designReachabilityModel(other)));
    expect(lines).toContain('ia → cyber  blocked by SG-Cyber-ZZ9 (ICMP only from 10.13.0.0/16)');
    expect(lines).toContain('ia → mvp  no route (RouteIAPriv-ZZ9 has no route to 10.11.0.0/16)');
    expect(lines).toContain('cyber → mvp  ok');
  });
});

describe('predictPingMatrix on changed models', () => {
  const baseline = predictPingMatrix(design());

  it('a peering route missing from the Cyber private table flips exactly monitoring↔MVP to no-route', () => {
    const model = design();
    const cyberPrivate = table(model, 'cyber-private');
    cyberPrivate.routes = cyberPrivate.routes.filter((r) => r.destination !== '10.1.0.0/16');
    const matrix = predictPingMatrix(model);
    expect(flipped(baseline, matrix)).toEqual({
      'monitoring→ecommerce': 'no-route',
      'monitoring→wordpress': 'no-route',
      // These were blocked by SG-Cyber; now the reply has no way back first.
      'ecommerce→monitoring': 'no-route',
      'wordpress→monitoring': 'no-route',
    });
    const back = matrix.cells.find((c) => c.from === 'ecommerce' && c.to === 'monitoring');
    expect(verdictText(back?.verdict ?? { kind: 'ok' })).toBe('no route back (RouteCyberPriv-BFHK has no route to 10.1.0.0/16)');
    expect(formatPingMatrix(matrix)).toContain('monitoring (cyber) → ecommerce (mvp)  no route (RouteCyberPriv-BFHK has no route to 10.1.0.0/16)');
    expect(formatPingMatrix(matrix)).toContain('gitlab (cyber) → ecommerce (mvp)  ok');
  });

  it('the MVP side missing its route back to Cyber breaks every Cyber↔MVP cell, and only those', () => {
    const model = design();
    const mvpPublic = table(model, 'mvp-public');
    mvpPublic.routes = mvpPublic.routes.filter((r) => r.destination !== '10.3.0.0/16');
    const changed = flipped(baseline, predictPingMatrix(model));
    expect(Object.keys(changed).sort()).toEqual(
      ['gitlab→ecommerce', 'gitlab→wordpress', 'monitoring→ecommerce', 'monitoring→wordpress', 'ecommerce→gitlab', 'ecommerce→monitoring', 'wordpress→gitlab', 'wordpress→monitoring'].sort(),
    );
    expect(new Set(Object.values(changed))).toEqual(new Set(['no-route']));
  });

  it('an inactive peering gives no-route for its two VPCs and says why', () => {
    const model = design();
    const peering = model.peerings.find((p) => p.key === 'cyber-ia');
    if (!peering) throw new Error('no cyber-ia peering');
    peering.active = false;
    const matrix = predictPingMatrix(model);
    expect(flipped(baseline, matrix)).toEqual({ 'gitlab→ia': 'no-route', 'monitoring→ia': 'no-route', 'ia→gitlab': 'no-route', 'ia→monitoring': 'no-route' });
    // gitlab and monitoring use different tables, so the reasons differ and each pair gets its line.
    expect(formatPingMatrix(matrix)).toEqual(
      expect.arrayContaining([
        'gitlab (cyber) → ia (ia)  no route (RouteCyberPub-BFHK sends 10.2.0.0/16 to Peering-Cyber-IA-BFHK, which is not active)',
        'monitoring (cyber) → ia (ia)  no route (RouteCyberPriv-BFHK sends 10.2.0.0/16 to Peering-Cyber-IA-BFHK, which is not active)',
        'ia → cyber  no route (RouteIAPriv-BFHK sends 10.3.0.0/16 to Peering-Cyber-IA-BFHK, which is not active)',
      ]),
    );
  });

  it('a route through a peering that does not connect the two VPCs is no route', () => {
    const model = design();
    // MVP → IA through the Cyber↔MVP peering: peering is not transitive.
    table(model, 'mvp-public').routes.push({ destination: '10.2.0.0/16', target: { peering: 'cyber-mvp' } });
    const verdict = predictPingMatrix(model).cells.find((c) => c.from === 'ecommerce' && c.to === 'ia')?.verdict;
    expect(verdict).toMatchObject({ kind: 'no-route', reason: 'RouteMVPPub-BFHK sends 10.2.0.0/16 to Peering-Cyber-MVP-BFHK, which does not connect mvp and ia' });
  });

  it('the most specific route wins: a /24 to the internet gateway hides the peering route', () => {
    const model = design();
    table(model, 'cyber-public').routes.push({ destination: '10.1.1.0/24', target: 'igw' });
    expect(flipped(baseline, predictPingMatrix(model))).toEqual({
      'gitlab→ecommerce': 'no-route',
      'gitlab→wordpress': 'no-route',
      // The replies to gitlab would leave by the same table: no way back.
      'ecommerce→gitlab': 'no-route',
      'wordpress→gitlab': 'no-route',
    });
  });

  it("removing the web group's ICMP rule flips Cyber → MVP to blocked-by-sg", () => {
    const model = design();
    const web = model.securityGroups.find((g) => g.key === 'web');
    if (!web) throw new Error('no web group');
    web.ingress = web.ingress.filter((r) => r.protocol !== 'icmp');
    const matrix = predictPingMatrix(model);
    expect(flipped(baseline, matrix)).toEqual({
      'gitlab→ecommerce': 'blocked-by-sg',
      'gitlab→wordpress': 'blocked-by-sg',
      'monitoring→ecommerce': 'blocked-by-sg',
      'monitoring→wordpress': 'blocked-by-sg',
    });
    expect(formatPingMatrix(matrix)).toContain('cyber → mvp  blocked by SG-Web-BFHK (no ICMP rule)');
  });

  it('ICMP from 0.0.0.0/0 on the Cyber group flips IA → Cyber and MVP → Cyber to ok', () => {
    const model = design();
    const cyber = model.securityGroups.find((g) => g.key === 'cyber');
    if (!cyber) throw new Error('no cyber group');
    cyber.ingress = [...cyber.ingress, { protocol: 'icmp', fromPort: -1, toPort: -1, source: { kind: 'cidr', cidr: '0.0.0.0/0' } }];
    const matrix = predictPingMatrix(model);
    expect(flipped(baseline, matrix)).toEqual({
      'ia→gitlab': 'ok',
      'ia→monitoring': 'ok',
      'ecommerce→gitlab': 'ok',
      'ecommerce→monitoring': 'ok',
      'wordpress→gitlab': 'ok',
      'wordpress→monitoring': 'ok',
    });
    expect(vpcKinds(matrix)).toMatchObject({ 'ia→cyber': 'ok', 'mvp→cyber': 'ok', 'ia→mvp': 'no-route' });
  });

  it('a rule referencing a group admits its members, and a host address narrows a CIDR rule', () => {
    const model = design();
    const web = model.securityGroups.find((g) => g.key === 'web');
    if (!web) throw new Error('no web group');
    web.ingress = [...web.ingress, { protocol: 'icmp', fromPort: -1, toPort: -1, source: { kind: 'group', group: 'web' } }];
    expect(flipped(baseline, predictPingMatrix(model))).toEqual({ 'ecommerce→wordpress': 'ok', 'wordpress→ecommerce': 'ok' });

    const narrow = design();
    const ia = narrow.securityGroups.find((g) => g.key === 'ia');
    if (!ia) throw new Error('no ia group');
    ia.ingress = [{ protocol: 'icmp', fromPort: -1, toPort: -1, source: { kind: 'cidr', cidr: '10.3.1.10/32' } }];
    for (const host of narrow.hosts) if (host.name === 'gitlab') host.ip = '10.3.1.10';
    expect(flipped(baseline, predictPingMatrix(narrow))).toEqual({ 'monitoring→ia': 'blocked-by-sg' });
  });

  it('refuses a model that names a subnet it does not have', () => {
    const model = design();
    model.hosts.push({ name: 'ghost', subnet: 'nowhere', securityGroups: [] });
    expect(() => predictPingMatrix(model)).toThrow(/host ghost is in unknown subnet nowhere/);
  });
});

describe("reachVerdict: the same model for TCP (what the sandbox's simulated hosts answer from)", () => {
  const host = (model: ReachabilityModel, name: string) => {
    const found = model.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no host ${name}`);
    return found;
  };

  it('a port is let in by a rule covering it; the reason names the traffic', () => {
    const model = design();
    const database = { name: 'rds', subnet: 'mvp-private-1', securityGroups: ['rds'] };
    model.hosts.push(database);
    expect(reachVerdict(model, host(model, 'ecommerce'), database, { kind: 'tcp', port: 3306 })).toEqual({ kind: 'ok' });
    expect(reachVerdict(model, host(model, 'monitoring'), database, { kind: 'tcp', port: 3306 })).toEqual({ kind: 'blocked-by-sg', securityGroups: ['SG-RDS-BFHK'], reason: 'TCP 3306 only from SG-Web-BFHK' });
    expect(reachVerdict(model, host(model, 'ecommerce'), database, { kind: 'tcp', port: 22 })).toMatchObject({ kind: 'blocked-by-sg', reason: 'no TCP 22 rule' });
    expect(reachVerdict(model, host(model, 'gitlab'), host(model, 'ia'), { kind: 'tcp', port: 22 })).toEqual({ kind: 'ok' });
    expect(reachVerdict(model, host(model, 'ia'), host(model, 'ecommerce'), { kind: 'tcp', port: 80 })).toMatchObject({ kind: 'no-route', direction: 'there' });
    // Protocol -1 lets everything in; a TCP range covers the ports inside it only.
    const ia = model.securityGroups.find((g) => g.key === 'ia');
    if (!ia) throw new Error('no ia group');
    ia.ingress = [
      { protocol: '-1', fromPort: -1, toPort: -1, source: { kind: 'cidr', cidr: '10.3.2.0/24' } },
      { protocol: 'tcp', fromPort: 8000, toPort: 8100, source: { kind: 'cidr', cidr: '10.3.1.0/24' } },
    ];
    expect(reachVerdict(model, host(model, 'monitoring'), host(model, 'ia'), { kind: 'tcp', port: 9 })).toEqual({ kind: 'ok' });
    expect(reachVerdict(model, host(model, 'gitlab'), host(model, 'ia'), { kind: 'tcp', port: 8080 })).toEqual({ kind: 'ok' });
    expect(reachVerdict(model, host(model, 'gitlab'), host(model, 'ia'), { kind: 'tcp', port: 22 })).toMatchObject({ kind: 'blocked-by-sg', reason: 'TCP 22 only from 10.3.2.0/24' }); // the 8000-8100 rule does not carry 22
  });

  it('the internet side: the route an address takes, and whether a group lets an outside address in', () => {
    const model = design();
    expect(routeFrom(model, host(model, 'gitlab'), '203.0.113.7')).toEqual({ destination: '0.0.0.0/0', target: 'igw' });
    expect(routeFrom(model, host(model, 'monitoring'), '198.51.100.10')).toEqual({ destination: '0.0.0.0/0', target: 'nat' });
    expect(routeFrom(model, host(model, 'ecommerce'), '10.3.1.10')?.target).toEqual({ peering: 'cyber-mvp' });
    expect(admitsFromAddress(model, host(model, 'gitlab'), '203.0.113.7', { kind: 'tcp', port: 22 })).toBe(true);
    expect(admitsFromAddress(model, host(model, 'gitlab'), '198.51.100.99', { kind: 'tcp', port: 22 })).toBe(false);
    expect(admitsFromAddress(model, host(model, 'ecommerce'), '198.51.100.99', { kind: 'tcp', port: 5085 })).toBe(true);
  });
});
