import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInitConfig } from '../../src/config/init.js';
import { DEFAULT_CONFIG_FILE, expandHome, loadConfig, renderConfigYaml, writeConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { ConfigError, validateConfig } from '../../src/config/validate.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-runbook-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('uses the seed defaults when the default file is missing', async () => {
    const loaded = await loadConfig(undefined, dir);
    expect(loaded.found).toBe(false);
    expect(loaded.path).toBe(join(dir, DEFAULT_CONFIG_FILE));
    expect(loaded.config).toEqual(validateConfig({}, 'seed'));
    expect(loaded.config.network.mvp.private).toHaveLength(2);
  });

  it('refuses a missing file that was named explicitly', async () => {
    const error = await configErrorOf(loadConfig('other.yaml', dir));
    expect(error.message.startsWith(join(dir, 'other.yaml'))).toBe(true);
    expect(error.issues[0]?.message).toMatch(/does not exist/);
    expect(error.issues[0]?.fix).toMatch(/aws-runbook init/);
  });

  it('reads the default file in cwd and keeps ~ paths as written', async () => {
    await writeFile(join(dir, DEFAULT_CONFIG_FILE), 'suffix: ACME\naccess:\n  publicKeyPath: ~/.ssh/work.pub\nshop:\n  source: ~/shop.zip\n');
    const loaded = await loadConfig(undefined, dir);
    expect(loaded.found).toBe(true);
    expect(loaded.config.suffix).toBe('ACME');
    expect(loaded.config.access.publicKeyPath).toBe('~/.ssh/work.pub');
    expect(loaded.config.shop.source).toBe('~/shop.zip');
  });

  it('an empty file is all defaults', async () => {
    await writeFile(join(dir, 'empty.yaml'), '# nothing yet\n');
    expect((await loadConfig('empty.yaml', dir)).config).toEqual(validateConfig({}, 'seed'));
  });

  it('reports a YAML syntax error with its line and column', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'suffix: ACME\nregion: us-east-2\ndatabase:\n  instanceClass: [db.m7g.large\n');
    const error = await configErrorOf(loadConfig('bad.yaml', dir));
    const issue = error.issues[0];
    expect(issue?.message).toMatch(/^YAML syntax error/);
    expect(issue?.line).toBeGreaterThanOrEqual(4);
    expect(issue?.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/line \d+, column \d+: YAML syntax error/);
  });

  it('reports a duplicate key as a YAML error on its line', async () => {
    await writeFile(join(dir, 'dup.yaml'), 'suffix: ACME\nregion: us-east-2\nsuffix: OTHER\n');
    const error = await configErrorOf(loadConfig('dup.yaml', dir));
    expect(error.issues[0]?.line).toBe(3);
    expect(error.issues[0]?.fix).toMatch(/only one/);
  });

  it('points field problems at their line', async () => {
    await writeFile(join(dir, 'c.yaml'), 'suffix: ACME\nnetwork:\n  mvp:\n    cidr: 10.1.0.0/33\n    public: { cidr: 10.1.1.0/24, az: a }\n    private: [{ cidr: 10.1.2.0/24, az: b }, { cidr: 10.1.3.0/24, az: a }]\n');
    const error = await configErrorOf(loadConfig('c.yaml', dir));
    expect(error.issues).toEqual([expect.objectContaining({ field: 'network.mvp.cidr', line: 4 })]);
    expect(error.message).toContain('network.mvp.cidr (line 4): "10.1.0.0/33" is not a valid IPv4 CIDR');
  });

  it('points a field whose value is a block (or an unknown key) at the line of its key, list items at their own line', async () => {
    await writeFile(join(dir, 'k.yaml'), 'suffix: ACME\ndatabse:\n  allocatedStorageGb: 100\nnetwork:\n  mvp:\n    cidr: 10.1.0.0/16\n    public: { cidr: 10.1.1.0/24, az: a }\n    private:\n      - { cidr: 10.1.2.0/24, az: b }\n      - { cidr: 10.1.2.0/25, az: a }\n');
    const error = await configErrorOf(loadConfig('k.yaml', dir));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'databse', line: 2 }),
        expect.objectContaining({ field: 'network.mvp.private[1].cidr', line: 10 }),
      ]),
    );
  });
});

describe('expandHome', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~/.ssh/id.pub')).toBe(join(homedir(), '.ssh/id.pub'));
    expect(expandHome('~')).toBe(homedir());
    expect(expandHome('/abs/~/x')).toBe('/abs/~/x');
    expect(expandHome('~other/x')).toBe('~other/x');
  });
});

describe('renderConfigYaml / writeConfig', () => {
  const answers = { suffix: 'Acme42', region: 'eu-west-3', adminCidr: '198.51.100.7', publicKeyPath: '~/.ssh/ops.pub', shopSource: '~/rocket.zip' };

  it('round-trips init answers through the file', async () => {
    const input = buildInitConfig(answers);
    const path = join(dir, 'aws-runbook.yaml');
    await writeConfig(path, input);
    const loaded = await loadConfig(path);
    expect(loaded.config).toEqual(validateConfig(input, 'x'));
    expect(loaded.config.access.adminCidr).toBe('198.51.100.7/32');
    expect(loaded.config.region).toBe('eu-west-3');
  });

  it('round-trips a full configuration with every section set', async () => {
    const full = validateConfig(
      {
        suffix: 'LAB1',
        network: { mvp: { cidr: '10.20.0.0/16', public: { cidr: '10.20.1.0/24', az: 'b' }, private: [{ cidr: '10.20.2.0/24', az: 'a' }, { cidr: '10.20.3.0/24', az: 'c' }] } },
        access: { adminCidr: '0.0.0.0/0', allowOpenAdminCidr: true },
        database: { instanceClass: 'db.t4g.medium', allocatedStorageGb: 20, engineVersion: '11.4.5', backupRetentionDays: 14 },
        instances: { gitlab: { type: 't3.xlarge' } },
        shop: { source: '/srv/shop' },
      },
      'x',
    );
    const path = join(dir, 'full.yaml');
    await writeConfig(path, full);
    expect((await loadConfig(path)).config).toEqual(full);
  });

  it('writes a comment per section and shows the seed values of unset settings', () => {
    const text = renderConfigYaml(buildInitConfig({ suffix: 'ACME' }));
    expect(text).toMatch(/^suffix: ACME$/m);
    expect(text).toMatch(/^# region: us-east-2$/m);
    expect(text).toContain('#     cidr: 10.1.0.0/16');
    expect(text).toContain('#   instanceClass: db.m7g.large');
    for (const section of ['network', 'access', 'database', 'instances', 'shop']) {
      const header = text.indexOf(`# ${section}:`);
      expect(header, section).toBeGreaterThan(0);
      const before = text.slice(0, header).trimEnd().split('\n').pop() ?? '';
      expect(before.startsWith('# ') && before.length > 20, `${section} has an explaining comment`).toBe(true);
    }
  });

  it('renders only the given settings of a section and the rest commented', () => {
    const text = renderConfigYaml({ database: { allocatedStorageGb: 100 } });
    expect(text).toMatch(/^database:\n {2}# instanceClass: db\.m7g\.large\n {2}allocatedStorageGb: 100$/m);
  });

  it('refuses to overwrite an existing file without force, and leaves it as it was', async () => {
    const path = join(dir, 'aws-runbook.yaml');
    await writeFile(path, 'suffix: KEEP\n');
    const error = await configErrorOf(writeConfig(path, buildInitConfig({ suffix: 'NEW1' })));
    expect(error.issues[0]?.fix).toMatch(/--force/);
    expect(await readFile(path, 'utf8')).toBe('suffix: KEEP\n');
    await writeConfig(path, buildInitConfig({ suffix: 'NEW1' }), { force: true });
    expect((await loadConfig(path)).config.suffix).toBe('NEW1');
  });

  it('validates before writing: an invalid input writes nothing', async () => {
    const path = join(dir, 'x.yaml');
    const input: ConfigInput = { suffix: 'no spaces please' };
    const error = await configErrorOf(writeConfig(path, input));
    expect(error.issues[0]?.field).toBe('suffix');
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
