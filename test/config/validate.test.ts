import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig, type ConfigIssue } from '../../src/config/validate.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';

/** The seed runbook's infrastructure, corrected (docs/design.md#what-gets-built), written out by hand. */
const SEED = {
  suffix: 'BFHK',
  region: 'us-east-2',
  network: {
    mvp: {
      cidr: '10.1.0.0/16',
      public: { cidr: '10.1.1.0/24', az: 'a' },
      private: [
        { cidr: '10.1.2.0/24', az: 'b' },
        { cidr: '10.1.3.0/24', az: 'a' },
      ],
    },
    ia: { cidr: '10.2.0.0/16', public: { cidr: '10.2.1.0/24', az: 'a' }, private: [{ cidr: '10.2.2.0/24', az: 'a' }] },
    cyber: { cidr: '10.3.0.0/16', public: { cidr: '10.3.1.0/24', az: 'a' }, private: [{ cidr: '10.3.2.0/24', az: 'a' }] },
  },
  access: { allowOpenAdminCidr: false, publicKeyPath: '~/.ssh/id_ed25519.pub' },
  database: { instanceClass: 'db.m7g.large', allocatedStorageGb: 400, engineVersion: '10.11.9', backupRetentionDays: 7 },
  instances: {
    ecommerce: { type: 't3.small' },
    wordpress: { type: 't3.small' },
    gitlab: { type: 't3.large' },
    monitoring: { type: 't3.micro' },
    ia: { type: 't3.micro' },
  },
  shop: {},
};

function issuesOf(input: unknown): ConfigIssue[] {
  try {
    validateConfig(input, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const mvpWith = (overrides: Partial<(typeof SEED)['network']['mvp']>) => ({ network: { mvp: { ...SEED.network.mvp, ...overrides } } });

describe('validateConfig: defaults', () => {
  it('an empty document is the seed configuration', () => {
    expect(validateConfig({}, 'x')).toEqual(SEED);
    expect(validateConfig(null, 'x')).toEqual(SEED);
  });

  it('the seed written out in full is valid and unchanged', () => {
    expect(validateConfig(structuredClone(SEED), 'x')).toEqual(SEED);
  });

  it('accepts 0.0.0.0/0 as admin range when explicitly allowed (it overlaps the VPCs, as everything does)', () => {
    const config = validateConfig({ access: { adminCidr: '0.0.0.0/0', allowOpenAdminCidr: true } }, 'x');
    expect(config.access.adminCidr).toBe('0.0.0.0/0');
  });

  it('accepts an own address or network range up to a /16, outside the VPCs', () => {
    for (const adminCidr of ['203.0.113.7/32', '198.51.100.0/24', '100.64.0.0/16', '10.4.0.0/16', '192.168.1.0/24']) {
      expect(validateConfig({ access: { adminCidr } }, 'x').access.adminCidr).toBe(adminCidr);
    }
  });
});

interface BadCase {
  name: string;
  input: unknown;
  field: string;
  message: RegExp;
  fix: RegExp;
}

const BAD_CASES: BadCase[] = [
  { name: 'invalid CIDR', input: mvpWith({ cidr: '10.1.0.0/33' }), field: 'network.mvp.cidr', message: /"10\.1\.0\.0\/33" is not a valid IPv4 CIDR/, fix: /10\.1\.0\.0\/16/ },
  { name: 'garbage CIDR', input: mvpWith({ cidr: 'ten.one' }), field: 'network.mvp.cidr', message: /"ten\.one"/, fix: /like 10\.1\.0\.0\/16/ },
  { name: 'non-canonical subnet', input: mvpWith({ public: { cidr: '10.1.1.5/24', az: 'a' } }), field: 'network.mvp.public.cidr', message: /host bits/, fix: /use 10\.1\.1\.0\/24/ },
  { name: 'VPC block too large for AWS', input: mvpWith({ cidr: '10.0.0.0/8' }), field: 'network.mvp.cidr', message: /\/16 to \/28/, fix: /between \/16 and \/28/ },
  {
    name: 'overlapping VPCs',
    input: { network: { ia: { ...SEED.network.ia, cidr: '10.1.0.0/16', public: { cidr: '10.1.1.0/24', az: 'a' }, private: [{ cidr: '10.1.2.0/24', az: 'a' }] } } },
    field: 'network.ia.cidr',
    message: /overlaps network\.mvp\.cidr \(10\.1\.0\.0\/16\)/,
    fix: /10\.4\.0\.0\/16/,
  },
  { name: 'subnet outside its VPC', input: mvpWith({ public: { cidr: '10.2.1.0/24', az: 'a' } }), field: 'network.mvp.public.cidr', message: /outside its VPC block 10\.1\.0\.0\/16/, fix: /inside 10\.1\.0\.0\/16/ },
  {
    name: 'overlapping subnets',
    input: mvpWith({ private: [{ cidr: '10.1.2.0/24', az: 'b' }, { cidr: '10.1.2.128/25', az: 'a' }] }),
    field: 'network.mvp.private[1].cidr',
    message: /overlaps network\.mvp\.private\[0\]\.cidr/,
    fix: /own block, e\.g\. 10\.1\.3\.0\/25/,
  },
  {
    name: 'MVP with one private subnet',
    input: mvpWith({ private: [{ cidr: '10.1.2.0/24', az: 'b' }] }),
    field: 'network.mvp.private',
    message: /two availability zones/,
    fix: /cidr: 10\.1\.3\.0\/24, az: a/,
  },
  {
    name: 'MVP private subnets in one zone',
    input: mvpWith({ private: [{ cidr: '10.1.2.0/24', az: 'b' }, { cidr: '10.1.3.0/24', az: 'b' }] }),
    field: 'network.mvp.private',
    message: /all 2 private subnets are in zone b/,
    fix: /az: a/,
  },
  { name: 'bad AZ letter', input: mvpWith({ public: { cidr: '10.1.1.0/24', az: 'z' } }), field: 'network.mvp.public.az', message: /"z" is not an availability-zone letter/, fix: /a to f/ },
  { name: 'unknown region with suggestion', input: { region: 'us-est-2' }, field: 'region', message: /"us-est-2" is not an AWS region/, fix: /did you mean us-east-2\?/ },
  { name: 'unknown region, nothing close', input: { region: 'mars-north-9' }, field: 'region', message: /not an AWS region/, fix: /describe-regions/ },
  { name: 'bad suffix characters', input: { suffix: 'BF-HK' }, field: 'suffix', message: /contains "-"/, fix: /letters and digits only, e\.g\. BFHK/ },
  { name: 'suffix too long', input: { suffix: 'ABCDEFGHIJKLM' }, field: 'suffix', message: /13 characters long/, fix: /2 to 12/ },
  { name: 'suffix as a YAML number', input: { suffix: 1234 }, field: 'suffix', message: /expected text, got 1234/, fix: /quotes: "1234"/ },
  { name: 'instance type typo', input: { instances: { ecommerce: { type: 't3.smal' } } }, field: 'instances.ecommerce.type', message: /"t3\.smal" is not an EC2 instance type/, fix: /did you mean t3\.small\?/ },
  { name: 'instance type with two letters swapped', input: { instances: { gitlab: { type: 't3.lareg' } } }, field: 'instances.gitlab.type', message: /"t3\.lareg"/, fix: /did you mean t3\.large\?/ },
  { name: 'instance type without dot', input: { instances: { gitlab: { type: 't3large' } } }, field: 'instances.gitlab.type', message: /not an EC2 instance type/, fix: /t3\.large/ },
  { name: 'DB class without db.', input: { database: { instanceClass: 'm7g.large' } }, field: 'database.instanceClass', message: /not an RDS instance class/, fix: /db\.m7g\.large/ },
  { name: 'storage too small', input: { database: { allocatedStorageGb: 10 } }, field: 'database.allocatedStorageGb', message: /10 GB is below .* 20 GB/, fix: /20 or more/ },
  { name: 'storage too big', input: { database: { allocatedStorageGb: 70000 } }, field: 'database.allocatedStorageGb', message: /above/, fix: /at most 65536/ },
  { name: 'storage not whole', input: { database: { allocatedStorageGb: 20.5 } }, field: 'database.allocatedStorageGb', message: /expected a whole number, got 20\.5/, fix: /20 to 65536/ },
  { name: 'retention below a week', input: { database: { backupRetentionDays: 3 } }, field: 'database.backupRetentionDays', message: /3 days is less than the week/, fix: /7 to 35/ },
  { name: 'retention above the RDS maximum', input: { database: { backupRetentionDays: 40 } }, field: 'database.backupRetentionDays', message: /more than the 35 days/, fix: /7 to 35/ },
  { name: 'engine version not pinned', input: { database: { engineVersion: '10.11' } }, field: 'database.engineVersion', message: /not a full MariaDB version/, fix: /"10\.11\.9"/ },
  { name: 'admin CIDR open to all', input: { access: { adminCidr: '0.0.0.0/0' } }, field: 'access.adminCidr', message: /whole internet/, fix: /allowOpenAdminCidr: true/ },
  { name: 'admin CIDR half the internet', input: { access: { adminCidr: '0.0.0.0/1' } }, field: 'access.adminCidr', message: /"0\.0\.0\.0\/1" is a \/1, 2,147,483,648 addresses, wider than the \/16 an admin range may be/, fix: /your own public address.*at most a \/16/ },
  { name: 'admin CIDR half the internet, open range allowed', input: { access: { adminCidr: '0.0.0.0/1', allowOpenAdminCidr: true } }, field: 'access.adminCidr', message: /wider than the \/16/, fix: /at most a \/16/ },
  { name: 'admin CIDR a /15', input: { access: { adminCidr: '198.50.0.0/15' } }, field: 'access.adminCidr', message: /is a \/15, 131,072 addresses/, fix: /at most a \/16/ },
  { name: 'admin CIDR covering the VPCs', input: { access: { adminCidr: '10.0.0.0/8' } }, field: 'access.adminCidr', message: /"10\.0\.0\.0\/8" is a \/8/, fix: /at most a \/16/ },
  { name: 'admin CIDR inside a VPC', input: { access: { adminCidr: '10.3.1.0/24' } }, field: 'access.adminCidr', message: /"10\.3\.1\.0\/24" overlaps network\.cyber\.cidr \(10\.3\.0\.0\/16\): every instance there could reach SSH and the admin UIs/, fix: /outside the VPCs' ranges/ },
  { name: 'admin CIDR equal to a moved VPC', input: { access: { adminCidr: '172.20.0.0/16' }, network: { ...SEED.network, ia: { ...SEED.network.ia, cidr: '172.20.0.0/16', public: { cidr: '172.20.1.0/24', az: 'a' }, private: [{ cidr: '172.20.2.0/24', az: 'a' }] } } }, field: 'access.adminCidr', message: /overlaps network\.ia\.cidr \(172\.20\.0\.0\/16\)/, fix: /outside the VPCs/ },
  { name: 'admin address without prefix', input: { access: { adminCidr: '203.0.113.9' } }, field: 'access.adminCidr', message: /without a prefix length/, fix: /203\.0\.113\.9\/32/ },
  { name: 'unknown top-level key', input: { regoin: 'us-east-2' }, field: 'regoin', message: /unknown key "regoin"/, fix: /did you mean region\?/ },
  { name: 'unknown nested key', input: { network: { mvp: { ...SEED.network.mvp, dns: true } } }, field: 'network.mvp.dns', message: /unknown key "dns"/, fix: /remove it; the keys here are cidr, public, private/ },
  { name: 'missing subnet field', input: mvpWith({ public: { cidr: '10.1.1.0/24' } as never }), field: 'network.mvp.public.az', message: /is missing/, fix: /az: a/ },
  { name: 'not a mapping', input: ['a', 'b'], field: '', message: /expected a mapping, got a list/, fix: /key: value/ },
];

describe('validateConfig: bad inputs', () => {
  it.each(BAD_CASES)('$name → $field', ({ input, field, message, fix }) => {
    const issues = issuesOf(input);
    const issue = issues.find((candidate) => candidate.field === field);
    expect(issue, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(issue?.fix).toMatch(fix);
  });

  it('never shows zod raw texts', () => {
    for (const { input } of BAD_CASES) {
      for (const issue of issuesOf(input)) {
        expect(`${issue.message} ${issue.fix}`).not.toMatch(/Invalid input|Unrecognized key|Too small|expected array/);
      }
    }
  });

  it('lists every problem of the file at once, in a readable message that starts with the file', () => {
    const input = { suffix: 'x!', region: 'eu-wset-3', database: { allocatedStorageGb: 5 }, ...mvpWith({ cidr: '10.1.0.0/33' }) };
    let error: unknown;
    try {
      validateConfig(input, 'conf/aws-runbook.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.issues.map((issue) => issue.field).sort()).toEqual(['database.allocatedStorageGb', 'network.mvp.cidr', 'region', 'suffix']);
    const lines = configError.message.split('\n');
    expect(lines[0]).toBe('conf/aws-runbook.yaml: invalid configuration (4 problems):');
    expect(lines).toContain('  network.mvp.cidr: "10.1.0.0/33" is not a valid IPv4 CIDR — fix: use a block like 10.1.0.0/16');
    expect(configError.message).toContain('did you mean eu-west-3?');
  });

  it('does not report overlaps caused by a block that is itself invalid', () => {
    const issues = issuesOf(mvpWith({ cidr: '10.0.0.0/8' }));
    expect(issues.map((issue) => issue.field)).toEqual(['network.mvp.cidr']);
  });

  it('the exported schema enforces the same rules', () => {
    const input: ConfigInput = { region: 'us-east-9' };
    expect(configSchema.safeParse(input).success).toBe(false);
  });
});
