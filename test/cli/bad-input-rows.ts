import { SHOP_FIXTURE_DIR, testStripeKeys } from '../fixtures/shop/index.js';

/**
 * The bad-input table of issue 7: each row is one way an operator can get the input wrong, run through
 * the real CLI against the sandbox (bad-input.test.ts). Every row must exit 2 with a message naming what
 * is wrong (`what`), where (`where`: the field, file, flag or variable) and how to fix it (`fix`), and leave
 * the state and the cloud as they were.
 */

export interface RowContext {
  /** The row's own recording proxy in front of the shared sandbox gateway: what the tool calls AWS. */
  endpoint: string;
  /** The row's working directory (holds aws-runbook.yaml). */
  project: string;
}

export interface BadInputRow {
  name: string;
  group: 'config' | 'secrets' | 'flags' | 'state' | 'credentials' | 'verify';
  /** aws-runbook.yaml; default BASE_CONFIG. */
  config?: string;
  /** Files written under the project before the run, by relative path (e.g. the state file). */
  files?: Record<string, string>;
  args: (ctx: RowContext) => string[];
  /** Environment on top of the test defaults (fake credentials, empty HOME); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  what: RegExp;
  where: RegExp;
  fix: RegExp;
  /** The refusal needs AWS's "who am I" answer: the row's calls must include STS GetCallerIdentity. */
  asksIdentity?: boolean;
  /** `expired`: the row's proxy answers STS with ExpiredToken, as AWS does for an expired session. */
  sts?: 'expired';
  /** The tool does not pass this row yet: why (the row is listed as a todo, not run). */
  knownGap?: string;
}

export const PROJECT = 'badin';
export const BASE_CONFIG = `suffix: BadIn\nregion: us-east-2\naccess:\n  adminCidr: 203.0.113.7/32\n`;
const withBase = (yaml: string) => `${BASE_CONFIG}${yaml}`;
const MVP_SUBNETS = '    public: { cidr: 10.1.1.0/24, az: a }\n    private: [{ cidr: 10.1.2.0/24, az: b }, { cidr: 10.1.3.0/24, az: a }]\n';

export const STATE_FILE = '.aws-runbook/state.json';
export const state = (overrides: Record<string, unknown> = {}): string =>
  `${JSON.stringify(
    { version: 1, project: PROJECT, region: 'us-east-2', account: '123456789012', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', steps: {}, ...overrides },
    null,
    2,
  )}\n`;

export const up = (only = 'network') => (ctx: RowContext) => ['up', '--yes', '--only', only, '--endpoint-url', ctx.endpoint];
const keys = testStripeKeys();
const hostsConfig = withBase(`shop:\n  source: ${SHOP_FIXTURE_DIR}\n`);

/** Config and secrets rows. */
export const INPUT_ROWS: BadInputRow[] = [
  // ── config ─────────────────────────────────────────────────────────────────────────────
  {
    name: 'invalid CIDR',
    group: 'config',
    config: withBase(`network:\n  mvp:\n    cidr: 10.1.0.0/33\n${MVP_SUBNETS}`),
    args: up(),
    what: /"10\.1\.0\.0\/33" is not a valid IPv4 CIDR/,
    where: /aws-runbook\.yaml: invalid configuration[\s\S]*network\.mvp\.cidr \(line 7\)/,
    fix: /fix: use a block like 10\.1\.0\.0\/16/,
  },
  {
    name: 'overlapping VPC CIDRs',
    group: 'config',
    config: withBase('network:\n  ia:\n    cidr: 10.1.0.0/16\n    public: { cidr: 10.1.1.0/24, az: a }\n    private: [{ cidr: 10.1.2.0/24, az: a }]\n'),
    args: up(),
    what: /10\.1\.0\.0\/16 overlaps network\.mvp\.cidr \(10\.1\.0\.0\/16\); peered VPCs need separate ranges/,
    where: /network\.ia\.cidr \(line 7\)/,
    fix: /fix: use a block no other VPC uses, e\.g\. 10\.4\.0\.0\/16/,
  },
  {
    name: 'subnet outside its VPC',
    group: 'config',
    config: withBase(`network:\n  mvp:\n    cidr: 10.1.0.0/16\n    public: { cidr: 10.7.1.0/24, az: a }\n    private: [{ cidr: 10.1.2.0/24, az: b }, { cidr: 10.1.3.0/24, az: a }]\n`),
    args: up(),
    what: /10\.7\.1\.0\/24 is outside its VPC block 10\.1\.0\.0\/16/,
    where: /network\.mvp\.public\.cidr \(line 8\)/,
    fix: /fix: use a block inside 10\.1\.0\.0\/16, e\.g\. 10\.1\.4\.0\/24/,
  },
  {
    name: 'bad region',
    group: 'config',
    config: 'suffix: BadIn\nregion: us-est-2\naccess:\n  adminCidr: 203.0.113.7/32\n',
    args: up(),
    what: /"us-est-2" is not an AWS region/,
    where: /region \(line 2\)/,
    fix: /fix: did you mean us-east-2\?/,
  },
  {
    name: 'bad region given with --region',
    group: 'config',
    args: (ctx) => ['up', '--yes', '--only', 'network', '--region', 'eu-wset-3', '--endpoint-url', ctx.endpoint],
    what: /"eu-wset-3" is not an AWS region/,
    where: /aws-runbook\.yaml with --region eu-wset-3: invalid configuration[\s\S]*\n {2}region: /,
    fix: /fix: did you mean eu-west-3\?/,
  },
  {
    name: 'bad suffix characters',
    group: 'config',
    config: 'suffix: Bad_In!\nregion: us-east-2\n',
    args: up(),
    what: /"Bad_In!" contains "_", "!"; it goes into Name tags and bucket names/,
    where: /suffix \(line 1\)/,
    fix: /fix: use letters and digits only, e\.g\. BadIn/,
  },
  {
    name: 'instance type typo',
    group: 'config',
    config: withBase('instances:\n  gitlab: { type: t3.lareg }\n'),
    args: up(),
    what: /"t3\.lareg" is not an EC2 instance type/,
    where: /instances\.gitlab\.type \(line 6\)/,
    fix: /fix: did you mean t3\.large\?/,
  },
  {
    name: 'DB storage below the engine minimum',
    group: 'config',
    config: withBase('database:\n  allocatedStorageGb: 10\n'),
    args: up(),
    what: /10 GB is below the MariaDB minimum of 20 GB/,
    where: /database\.allocatedStorageGb \(line 6\)/,
    fix: /fix: use 20 or more/,
  },
  {
    name: 'admin CIDR 0.0.0.0/0 without the explicit override',
    group: 'config',
    config: 'suffix: BadIn\nregion: us-east-2\naccess:\n  adminCidr: 0.0.0.0/0\n',
    args: up(),
    what: /"0\.0\.0\.0\/0" would open SSH and the admin UIs \(GitLab, Uptime Kuma\) to the whole internet/,
    where: /access\.adminCidr \(line 4\)/,
    fix: /fix: use your own public address, e\.g\. 203\.0\.113\.7\/32 .*or set access\.allowOpenAdminCidr: true/,
  },
  {
    name: 'admin CIDR wider than a /16 (half the internet)',
    group: 'config',
    config: 'suffix: BadIn\nregion: us-east-2\naccess:\n  adminCidr: 0.0.0.0/1\n',
    args: up(),
    what: /"0\.0\.0\.0\/1" is a \/1, 2,147,483,648 addresses, wider than the \/16 an admin range may be/,
    where: /access\.adminCidr \(line 4\)/,
    fix: /fix: use your own public address, e\.g\. 203\.0\.113\.7\/32 .*\(at most a \/16\)/,
  },
  {
    name: 'admin CIDR overlapping a VPC',
    group: 'config',
    config: 'suffix: BadIn\nregion: us-east-2\naccess:\n  adminCidr: 10.1.0.0/16\n',
    args: up(),
    what: /"10\.1\.0\.0\/16" overlaps network\.mvp\.cidr \(10\.1\.0\.0\/16\): every instance there could reach SSH and the admin UIs/,
    where: /access\.adminCidr \(line 4\)/,
    fix: /fix: use your own public address, .*outside the VPCs' ranges/,
  },
  {
    name: 'missing public key file',
    group: 'config',
    config: withBase('  publicKeyPath: ~/.ssh/id_ed25519.pub\n'),
    args: up('compute'),
    what: /"~\/\.ssh\/id_ed25519\.pub" cannot be read \(.*\/home\/\.ssh\/id_ed25519\.pub\)/,
    where: /access\.publicKeyPath: /,
    fix: /fix: create a key with `ssh-keygen -t ed25519`, or point access\.publicKeyPath/,
  },
  {
    name: 'missing shop archive',
    group: 'config',
    config: withBase('shop:\n  source: ./rocket-ecommerce.tar.gz\n'),
    env: keys,
    args: up('hosts'),
    what: /"\.\/rocket-ecommerce\.tar\.gz" does not exist \(.*\/project\/rocket-ecommerce\.tar\.gz\)/,
    where: /shop\.source: /,
    fix: /fix: set shop\.source in aws-runbook\.yaml to the Rocket eCommerce source: the vendor's \.zip, a \.tar\.gz, or a folder/,
  },
  {
    name: 'shop source with several published ports',
    group: 'config',
    // The Django service publishes gunicorn's port too: the tool cannot tell which one visitors use.
    files: {
      'two-ports/docker-compose.yml': 'services:\n  appseed-app:\n    build: .\n    ports:\n      - "5005:5005"\n  nginx:\n    image: nginx\n    ports:\n      - "5085:5085"\n',
      'two-ports/manage.py': '#!/usr/bin/env python\n',
    },
    config: withBase('shop:\n  source: ./two-ports\n'),
    env: keys,
    args: up('hosts'),
    what: /"\.\/two-ports": the source's docker-compose\.yml publishes several ports: 5005 \(appseed-app\), 5085 \(nginx\); which one is the shop\?/,
    where: /shop\.source: /,
    fix: /fix: set shop\.port to the one visitors use \(e\.g\. shop\.port: 5085\)/,
  },
  {
    name: 'YAML syntax error',
    group: 'config',
    config: 'suffix: BadIn\nregion: us-east-2\naccess:\n\tadminCidr: 203.0.113.7/32\n',
    args: up(),
    what: /YAML syntax error: /,
    where: /aws-runbook\.yaml: invalid configuration[\s\S]*line 4, column 1/,
    fix: /fix: indent with spaces, not tabs/,
  },
  {
    name: 'unknown config key',
    group: 'config',
    config: withBase('databse:\n  allocatedStorageGb: 100\n'),
    args: up(),
    what: /unknown key "databse"/,
    where: /databse \(line 5\)/,
    fix: /fix: did you mean database\?/,
  },
  // ── secrets ────────────────────────────────────────────────────────────────────────────
  {
    name: 'Stripe secret key with the wrong prefix',
    group: 'secrets',
    config: hostsConfig,
    env: { ...keys, STRIPE_SECRET_KEY: keys.STRIPE_SECRET_KEY.replace('sk_test_', 'sk-test-') },
    args: up('hosts'),
    what: /does not look like a Stripe secret key: .*it does not start with a Stripe key prefix \(the value is not shown\)/,
    where: /environment variable STRIPE_SECRET_KEY: /,
    fix: /fix: export STRIPE_SECRET_KEY=sk_test_… \(Stripe dashboard → Developers → API keys\)/,
  },
  {
    name: 'Stripe publishable key holding a secret key',
    group: 'secrets',
    config: hostsConfig,
    env: { ...keys, STRIPE_PUBLISHABLE_KEY: keys.STRIPE_SECRET_KEY },
    args: up('hosts'),
    what: /does not look like a Stripe publishable key: pk_test_… or pk_live_…: it starts with sk_test_; the publishable key is sent to every visitor's browser, so a secret key there would be made public \(the value is not shown\)/,
    where: /environment variable STRIPE_PUBLISHABLE_KEY: /,
    fix: /fix: export STRIPE_PUBLISHABLE_KEY=pk_test_… \(Stripe dashboard → Developers → API keys\)/,
  },
  {
    name: 'Stripe test and live keys mixed',
    group: 'secrets',
    config: hostsConfig,
    env: { ...keys, STRIPE_SECRET_KEY: keys.STRIPE_SECRET_KEY.replace('sk_test_', 'sk_live_') },
    args: up('hosts'),
    what: /is a live-mode key but STRIPE_PUBLISHABLE_KEY is a test-mode key; payments would fail/,
    where: /environment variable STRIPE_SECRET_KEY: /,
    fix: /fix: use both keys of the same mode/,
  },
  {
    name: 'Stripe publishable and secret keys swapped',
    group: 'secrets',
    config: hostsConfig,
    env: { STRIPE_PUBLISHABLE_KEY: keys.STRIPE_SECRET_KEY, STRIPE_SECRET_KEY: keys.STRIPE_PUBLISHABLE_KEY },
    args: up('hosts'),
    what: /are swapped: STRIPE_PUBLISHABLE_KEY holds a secret key .* a secret key there would be made public/,
    where: /environment variable STRIPE_PUBLISHABLE_KEY and STRIPE_SECRET_KEY: /,
    fix: /fix: exchange the two values: STRIPE_PUBLISHABLE_KEY gets the pk_… key, STRIPE_SECRET_KEY the sk_… key/,
  },
];
