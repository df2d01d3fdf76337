import { describe, expect, it } from 'vitest';
import { AnswerModel } from '../../src/sandbox/answer-model.js';
import { LabMapError, labMapFromText, parseLabMap, type LabMap } from '../../src/sandbox/lab-map.js';
import { LabOverrides } from '../../src/sandbox/lab-overrides.js';
import { isNode, parseXmlAnswer, xmlObjects, type XmlNode } from '../../src/sandbox/xml-answer.js';

/** Shaped like moto 5.2's answers (captured, trimmed to the elements that matter here). */
const INSTANCE = (id: string, step: string | undefined, privateIp: string, publicIp?: string) => {
  const association = publicIp
    ? `<association><ipOwnerId>123456789012</ipOwnerId><publicDnsName>ip-${publicIp.replaceAll('.', '-')}.ec2.internal</publicDnsName><publicIp>${publicIp}</publicIp></association>`
    : '<association/>';
  const dashed = privateIp.replaceAll('.', '-');
  return (
    `<item><networkInterfaceSet><item>${association}<attachment><deviceIndex>0</deviceIndex><status>attached</status></attachment>` +
    `<networkInterfaceId>eni-${id}</networkInterfaceId><privateIpAddress>${privateIp}</privateIpAddress><privateIpAddressesSet><item>` +
    `${publicIp ? association : ''}<primary>true</primary><privateIpAddress>${privateIp}</privateIpAddress></item></privateIpAddressesSet></item></networkInterfaceSet>` +
    (step ? `<tagSet><item><key>Name</key><value>x &amp; y</value></item><item><key>aws-runbook:step</key><value>${step}</value></item></tagSet>` : '<tagSet/>') +
    `<instanceId>${id}</instanceId><instanceState><code>16</code><name>running</name></instanceState>` +
    `<privateDnsName>ip-${dashed}.us-east-2.compute.internal</privateDnsName>` +
    (publicIp ? `<dnsName>ec2-${publicIp.replaceAll('.', '-')}.us-east-2.compute.amazonaws.com</dnsName>` : '') +
    `<privateIpAddress>${privateIp}</privateIpAddress>${publicIp ? `<ipAddress>${publicIp}</ipAddress>` : ''}</item>`
  );
};
const DESCRIBE = (...items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet><item>` +
  `<reservationId>r-1</reservationId><instancesSet>${items.join('')}</instancesSet></item></reservationSet><requestId>request-id</requestId></DescribeInstancesResponse>`;
const CONSOLE = (id: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<GetConsoleOutputResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><instanceId>${id}</instanceId>` +
  `<timestamp>2026-01-01T00:00:00.000Z</timestamp><output>TGludXg=</output><requestId>request-id</requestId></GetConsoleOutputResponse>`;
const DB_ANSWER =
  `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance>` +
  `<DBInstanceIdentifier>db1</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><Endpoint><Address>db1.aaaaaaaaaa.us-east-2.rds.amazonaws.com</Address>` +
  `<Port>3306</Port></Endpoint><DbInstancePort>3306</DbInstancePort></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>`;

const EC2 = (action: string) => ({ service: 'ec2', action, protocol: 'ec2' as const });
const LAB: LabMap = {
  instances: {
    'compute.gitlab': { privateIp: '10.200.1.10', publicIp: '198.51.100.10', consoleOutput: 'ssh-ed25519 SHA256:abc gitlab' },
    'compute.runner': { privateIp: '10.200.2.20' },
  },
  rds: { address: '10.200.3.30', port: 3307, masterUserSecret: '{"username":"admin","password":"lab-pw"}' },
  secrets: { 'app/stripe': 'stripe-from-lab' },
};

/** The instance element with this id, parsed from an answer. */
function instanceIn(answer: string, id: string): XmlNode {
  const node = [...xmlObjects(parseXmlAnswer(answer))].find((n) => n.instanceId === id && isNode(n.instanceState));
  if (!node) throw new Error(`${id} not in the answer`);
  return node;
}
const primaryEni = (instance: XmlNode) => (instance.networkInterfaceSet as { item: XmlNode }).item;

function overrides(map: LabMap = LAB): LabOverrides {
  const lab = new LabOverrides();
  lab.set(map);
  return lab;
}

describe('lab map', () => {
  it('accepts the documented shape', () => {
    expect(parseLabMap(LAB, 'test')).toEqual(LAB);
    expect(parseLabMap({ instances: {} }, 'test')).toEqual({ instances: {} });
  });

  it('names every problem and where it is: addresses must be IPv4 literals, no unknown keys, a real port', () => {
    const error = (() => {
      try {
        parseLabMap({ instances: { 'compute.gitlab': { privateIp: 'gitlab.lab', publicIp: '10.0.0.256', privateIP: '1.2.3.4' } }, rds: { address: '::1', port: 70000 } }, 'lab.json');
      } catch (e) {
        return e;
      }
      throw new Error('expected a LabMapError');
    })();
    expect(error).toBeInstanceOf(LabMapError);
    const { message, hint } = error as LabMapError;
    expect(message).toMatch(/lab map from lab\.json is not valid/);
    expect(message).toContain('must be an IPv4 literal such as 10.0.1.10 (not a name)\n  → at instances["compute.gitlab"].privateIp');
    expect(message).toContain('must be an IPv4 literal such as 10.0.1.10 (not a name)\n  → at instances["compute.gitlab"].publicIp');
    expect(message).toContain('Unrecognized key: "privateIP"');
    expect(message).toContain('must be an IPv4 literal such as 10.0.1.10 (not a name)\n  → at rds.address');
    expect(message).toContain('<=65535\n  → at rds.port');
    expect(hint).toMatch(/"instances"/);
  });

  it('says where JSON breaks without quoting the text (a lab map may hold secrets)', () => {
    const broken = '{\n  "secrets": {"db": "hunter2-secret"}\n  "instances": {}\n}';
    expect(() => labMapFromText(broken, 'lab.json')).toThrow(/not valid JSON \(line 3, column 3\)/);
    for (const text of [broken, '{"secrets": hunter2-secret}', '{"secrets": {"a": "hunter2-secret"']) {
      try {
        labMapFromText(text, 'lab.json');
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
        continue;
      }
      throw new Error(`accepted ${text}`);
    }
  });
});

describe('LabOverrides: instances', () => {
  const answer = DESCRIBE(
    INSTANCE('i-gitlab', 'compute.gitlab', '10.0.1.4'),
    INSTANCE('i-runner', 'compute.runner', '10.0.1.5', '54.214.182.129'),
    INSTANCE('i-other', 'compute.other', '10.0.1.6', '54.1.2.3'),
    INSTANCE('i-untagged', undefined, '10.0.1.7'),
  );

  it('puts the mapped host’s addresses on the instance, its primary interface and DNS names', async () => {
    const rewritten = (await overrides().rewrite(EC2('DescribeInstances'), answer, 0))!;
    const gitlab = instanceIn(rewritten, 'i-gitlab');
    expect(gitlab).toMatchObject({
      privateIpAddress: '10.200.1.10',
      privateDnsName: 'ip-10-200-1-10.us-east-2.compute.internal',
      ipAddress: '198.51.100.10',
    });
    const eni = primaryEni(gitlab);
    expect(eni.privateIpAddress).toBe('10.200.1.10');
    expect(eni.association).toEqual({ publicIp: '198.51.100.10' });
    expect((eni.privateIpAddressesSet as { item: XmlNode }).item).toMatchObject({ privateIpAddress: '10.200.1.10', association: { publicIp: '198.51.100.10' } });
  });

  it('removes moto’s invented public address from a mapped host that has none', async () => {
    const runner = instanceIn((await overrides().rewrite(EC2('DescribeInstances'), answer, 0))!, 'i-runner');
    expect(runner.privateIpAddress).toBe('10.200.2.20');
    expect(runner.ipAddress).toBeUndefined();
    expect(runner.dnsName).toBeUndefined();
    const eni = primaryEni(runner);
    expect(eni.association).toBe('');
    expect((eni.privateIpAddressesSet as { item: XmlNode }).item.association).toBeUndefined();
    expect(JSON.stringify(runner)).not.toContain('54.214.182.129');
  });

  it('replaces a public address moto gave with the mapped one, DNS names included', async () => {
    const lab = overrides({ instances: { 'compute.runner': { privateIp: '10.200.2.20', publicIp: '203.0.113.5' } } });
    const runner = instanceIn((await lab.rewrite(EC2('DescribeInstances'), answer, 0))!, 'i-runner');
    expect(runner).toMatchObject({ ipAddress: '203.0.113.5', dnsName: 'ec2-203-0-113-5.us-east-2.compute.amazonaws.com' });
    expect(primaryEni(runner).association).toEqual({ ipOwnerId: '123456789012', publicDnsName: 'ip-203-0-113-5.ec2.internal', publicIp: '203.0.113.5' });
  });

  it('leaves unmapped and untagged instances exactly as moto wrote them', async () => {
    const rewritten = (await overrides().rewrite(EC2('DescribeInstances'), answer, 0))!;
    expect(rewritten).toContain(INSTANCE('i-other', 'compute.other', '10.0.1.6', '54.1.2.3'));
    expect(rewritten).toContain(INSTANCE('i-untagged', undefined, '10.0.1.7'));
    expect(rewritten.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<DescribeInstancesResponse')).toBe(true);
  });

  it('changes nothing without a map, for an answer naming no mapped step, or one that does not parse', async () => {
    const lab = new LabOverrides();
    expect(await lab.rewrite(EC2('DescribeInstances'), answer, 0)).toBeUndefined();
    lab.set(LAB);
    expect(await lab.rewrite(EC2('DescribeInstances'), DESCRIBE(INSTANCE('i-other', 'compute.other', '10.0.1.6')), 0)).toBeUndefined();
    expect(await lab.rewrite(EC2('DescribeInstances'), '<DescribeInstancesResponse><instanceId>', 0)).toBeUndefined();
  });

  it('a step tag named like an Object property finds no host', async () => {
    expect(await overrides().rewrite(EC2('DescribeInstances'), DESCRIBE(INSTANCE('i-x', 'constructor', '10.0.1.9')), 0)).toBeUndefined();
  });
});

describe('LabOverrides: console output', () => {
  const decoded = (answer: string) => {
    const root = parseXmlAnswer(answer)!.GetConsoleOutputResponse as XmlNode;
    return Buffer.from(String(root.output), 'base64').toString('utf8');
  };

  it('answers the mapped text, base64, stamped now, for an instance seen in an instance answer', async () => {
    const lab = overrides();
    lab.observe(EC2('RunInstances'), DESCRIBE(INSTANCE('i-gitlab', 'compute.gitlab', '10.0.1.4')));
    const rewritten = (await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-gitlab'), Date.UTC(2026, 5, 1)))!;
    expect(decoded(rewritten)).toBe('ssh-ed25519 SHA256:abc gitlab');
    expect(rewritten).toContain('<timestamp>2026-06-01T00:00:00.000Z</timestamp>');
  });

  it('asks moto (through the lookup) about an instance it has not seen, once known it does not ask again', async () => {
    const lab = overrides();
    const asked: string[] = [];
    const lookup = async (id: string) => {
      asked.push(id);
      return DESCRIBE(INSTANCE(id, 'compute.gitlab', '10.0.1.4'));
    };
    expect(decoded((await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-late'), 0, lookup))!)).toBe('ssh-ed25519 SHA256:abc gitlab');
    await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-late'), 0, lookup);
    expect(asked).toEqual(['i-late']);
  });

  it('passes moto’s output through for unmapped instances, hosts without consoleOutput, and when the lookup fails', async () => {
    const lab = overrides();
    lab.observe(EC2('DescribeInstances'), DESCRIBE(INSTANCE('i-other', 'compute.other', '10.0.1.6'), INSTANCE('i-runner', 'compute.runner', '10.0.1.5')));
    expect(await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-other'), 0)).toBeUndefined();
    expect(await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-runner'), 0)).toBeUndefined();
    expect(await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-unknown'), 0, async () => undefined)).toBeUndefined();
  });

  it('forgets instances on clear() (a moto reset): the console answer is moto’s again', async () => {
    const lab = overrides();
    lab.observe(EC2('DescribeInstances'), DESCRIBE(INSTANCE('i-gitlab', 'compute.gitlab', '10.0.1.4')));
    lab.clear();
    expect(await lab.rewrite(EC2('GetConsoleOutput'), CONSOLE('i-gitlab'), 0)).toBeUndefined();
  });
});

describe('LabOverrides: RDS and secrets', () => {
  const RDS = (action: string) => ({ service: 'rds', action });
  const SECRET = { service: 'secretsmanager', action: 'GetSecretValue' };
  const secretAnswer = (name: string) =>
    JSON.stringify({ ARN: `arn:aws:secretsmanager:us-east-2:123456789012:secret:${name}-AbCdEf`, Name: name, VersionId: 'v1', SecretString: 'from-moto' });

  it('points every DB instance endpoint at the lab’s database', async () => {
    const rewritten = (await overrides().rewrite(RDS('DescribeDBInstances'), DB_ANSWER, 0))!;
    expect(rewritten).toBe(DB_ANSWER.replace('db1.aaaaaaaaaa.us-east-2.rds.amazonaws.com', '10.200.3.30').replace('<Port>3306</Port>', '<Port>3307</Port>'));
    expect(await overrides({ instances: {} }).rewrite(RDS('DescribeDBInstances'), DB_ANSWER, 0)).toBeUndefined();
  });

  it('answers a mapped secret (by name or ARN) and the RDS-managed master secret; others stay moto’s', async () => {
    const lab = overrides();
    expect(JSON.parse((await lab.rewrite(SECRET, secretAnswer('app/stripe'), 0))!)).toMatchObject({ Name: 'app/stripe', VersionId: 'v1', SecretString: 'stripe-from-lab' });
    const byArn = overrides({ instances: {}, secrets: { 'arn:aws:secretsmanager:us-east-2:123456789012:secret:app/x-AbCdEf': 'x-from-lab' } });
    expect(JSON.parse((await byArn.rewrite(SECRET, secretAnswer('app/x'), 0))!).SecretString).toBe('x-from-lab');
    expect(JSON.parse((await lab.rewrite(SECRET, secretAnswer('rds!db-466db096'), 0))!).SecretString).toBe('{"username":"admin","password":"lab-pw"}');
    expect(await lab.rewrite(SECRET, secretAnswer('app/other'), 0)).toBeUndefined();
    expect(await lab.rewrite(SECRET, 'not json', 0)).toBeUndefined();
  });

  it('holds only the answers it may change', () => {
    const lab = new LabOverrides();
    expect(lab.concerns(EC2('DescribeInstances'))).toBe(false);
    expect(lab.concerns(EC2('GetConsoleOutput'))).toBe(false);
    expect(lab.concerns(SECRET)).toBe(false);
    lab.set(LAB);
    expect(lab.concerns(EC2('DescribeInstances'))).toBe(true);
    expect(lab.concerns(EC2('GetConsoleOutput'))).toBe(true);
    expect(lab.concerns(RDS('DescribeDBInstances'))).toBe(true);
    expect(lab.concerns(SECRET)).toBe(true);
    expect(lab.concerns(EC2('DescribeVpcs'))).toBe(false);
    expect(lab.concerns({ service: 'secretsmanager', action: 'ListSecrets' })).toBe(false);
  });
});

describe('AnswerModel: lab overrides and readiness on one answer', () => {
  it('a young mapped instance is pending and shows the lab’s addresses', async () => {
    const model = new AnswerModel();
    model.setLab(LAB);
    const run = DESCRIBE(INSTANCE('i-gitlab', 'compute.gitlab', '10.0.1.4'));
    model.learn(EC2('RunInstances'), Buffer.from(run), 1_000);
    const young = (await model.rewrite(EC2('DescribeInstances'), Buffer.from(run), 1_100, 1))!.toString();
    expect(instanceIn(young, 'i-gitlab')).toMatchObject({ instanceState: { code: '0', name: 'pending' }, privateIpAddress: '10.200.1.10', ipAddress: '198.51.100.10' });
    const ready = (await model.rewrite(EC2('DescribeInstances'), Buffer.from(run), 1_000 + 30_001, 1))!.toString();
    expect(instanceIn(ready, 'i-gitlab')).toMatchObject({ instanceState: { code: '16', name: 'running' }, privateIpAddress: '10.200.1.10' });
  });
});
