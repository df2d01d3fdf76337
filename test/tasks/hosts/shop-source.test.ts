import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/validate.js';
import { sectionConfigIssues } from '../../../src/runbook/requirements.js';
import { shopPort } from '../../../src/tasks/hosts/shop/names.js';
import { resolveShopSource, shopSourceProblem, sourceDigest, withSourceArchive } from '../../../src/tasks/hosts/shop/source.js';
import { packShopFixture, SHOP_FIXTURE_DIR, testStripeKeys } from '../../fixtures/shop/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shop-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const configWith = (source?: string, port?: number) => validateConfig({ shop: { ...(source ? { source } : {}), ...(port ? { port } : {}) } }, 'test');

describe('shop.source', () => {
  it('defaults the shop port to 8000 and validates it', () => {
    expect(shopPort(configWith())).toBe(8000);
    expect(shopPort(configWith(undefined, 8080))).toBe(8080);
    expect(() => configWith(undefined, 70000)).toThrow();
  });

  it('accepts the fixture folder and its .tar.gz', async () => {
    expect(await shopSourceProblem(configWith(SHOP_FIXTURE_DIR))).toBeUndefined();
    const archive = await packShopFixture(dir);
    expect(await shopSourceProblem(configWith(archive))).toBeUndefined();
    expect((await resolveShopSource(configWith(archive))).kind).toBe('archive');
    expect((await resolveShopSource(configWith(SHOP_FIXTURE_DIR))).kind).toBe('folder');
  });

  it('says what is wrong: unset, missing, a .zip, a folder or archive without a top-level compose file', async () => {
    expect((await shopSourceProblem(configWith()))?.message).toMatch(/is not set/);
    expect((await shopSourceProblem(configWith(join(dir, 'nope.tar.gz'))))?.message).toMatch(/does not exist/);
    await writeFile(join(dir, 'shop.zip'), 'PK');
    expect((await shopSourceProblem(configWith(join(dir, 'shop.zip'))))?.fix).toMatch(/unzip it/);
    await mkdir(join(dir, 'empty'));
    expect((await shopSourceProblem(configWith(join(dir, 'empty'))))?.message).toMatch(/has no docker-compose.yml/);
    // An archive of the folder itself (not its content): the compose file is one level down.
    await mkdir(join(dir, 'wrapped'));
    await cp(SHOP_FIXTURE_DIR, join(dir, 'wrapped', 'rocket'), { recursive: true });
    const nested = join(dir, 'nested.tar.gz');
    await execa('tar', ['-czf', nested, '-C', join(dir, 'wrapped'), 'rocket']);
    const problem = await shopSourceProblem(configWith(nested));
    expect(problem?.message).toMatch(/no docker-compose.yml at its top level \(it has rocket\/docker-compose.yml\)/);
    expect(problem?.fix).toMatch(/repack it from inside that folder/);
    await expect(resolveShopSource(configWith(nested))).rejects.toMatchObject({ name: 'ShopSourceError' });
  });

  it('are checked before a run of the hosts section only, with the Stripe keys, never quoting a key', async () => {
    const badKey = 'sk_test_bad$value0123456789';
    const issues = await sectionConfigIssues(configWith(), ['hosts'], { STRIPE_PUBLISHABLE_KEY: 'pk_test_0123456789abcdef0123' , STRIPE_SECRET_KEY: badKey });
    expect(issues.map((i) => i.field)).toEqual(['shop.source', 'environment variable STRIPE_SECRET_KEY']);
    expect(JSON.stringify(issues)).not.toContain('value0123456789');
    expect(await sectionConfigIssues(configWith(SHOP_FIXTURE_DIR), ['hosts'], testStripeKeys())).toEqual([]);
    expect(await sectionConfigIssues(configWith(), ['network', 'database'], {})).toEqual([]);
  });
});

describe('a folder source', () => {
  it('has a digest that changes with content and mode, not with a local .env or .git', async () => {
    const folder = join(dir, 'digest');
    await cp(SHOP_FIXTURE_DIR, folder, { recursive: true });
    const source = { kind: 'folder' as const, path: folder };
    const first = await sourceDigest(source);
    expect(await sourceDigest(source)).toBe(first);
    await writeFile(join(folder, '.env'), 'DEBUG=True\n');
    await mkdir(join(folder, '.git'));
    await writeFile(join(folder, '.git', 'HEAD'), 'ref\n');
    expect(await sourceDigest(source)).toBe(first);
    await writeFile(join(folder, 'manage.py'), '# changed\n');
    expect(await sourceDigest(source)).not.toBe(first);
  });

  it('is packed into a .tar.gz with the compose file at its top, without .env or .git', async () => {
    const folder = join(dir, 'digest');
    const listed = await withSourceArchive({ kind: 'folder', path: folder }, async (archive) => String((await execa('tar', ['-tzf', archive])).stdout));
    const names = listed.split('\n').map((n) => n.replace(/^\.\//, ''));
    expect(names).toContain('docker-compose.yml');
    expect(names).toContain('manage.py');
    expect(names.some((n) => n.startsWith('.env') || n.startsWith('.git'))).toBe(false);
  });
});
