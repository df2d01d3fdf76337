import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import yazl from 'yazl';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/validate.js';
import { sectionConfigIssues } from '../../../src/runbook/requirements.js';
import { securityGroupDesign } from '../../../src/tasks/security/rules.js';
import { readShopFacts, withShopFacts } from '../../../src/tasks/hosts/shop/shop-facts.js';
import { shopPort, shopPublicPorts, shopService } from '../../../src/tasks/hosts/shop/names.js';
import { inspectShopSource, shopSourceProblem, sourceDigest, withSourceArchive } from '../../../src/tasks/hosts/shop/source.js';
import { unsafeEntryName } from '../../../src/tasks/hosts/shop/source-tree.js';
import { packShopFixture, packShopZip, SHOP_FIXTURE_DIR, testStripeKeys } from '../../fixtures/shop/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shop-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const configWith = (source?: string, shop: { port?: number; service?: string } = {}) => validateConfig({ shop: { ...(source ? { source } : {}), ...shop } }, 'test');
const listTar = async (archive: string) => String((await execa('tar', ['-tzf', archive])).stdout).split('\n').map((n) => n.replace(/^\.\//, ''));

/** A variant of the fixture with its compose file replaced (same top-level folder shape as the vendor's zip). */
async function variant(name: string, compose: string): Promise<string> {
  const folder = join(dir, name);
  await cp(SHOP_FIXTURE_DIR, folder, { recursive: true });
  await writeFile(join(folder, 'docker-compose.yml'), compose);
  return packShopZip(join(dir), { from: folder, top: name });
}

describe("the shop's source, as the vendor ships it", () => {
  it('reads the zip with one top-level folder: services, the published port, the Django service, the env sample, seed_tags', async () => {
    const zip = await packShopZip(dir);
    const { source, tree, layout } = await inspectShopSource(configWith(zip));
    expect(source.kind).toBe('zip');
    expect(tree.top).toBe('rocket-ecommerce');
    expect(tree.files).toContain('manage.py');
    expect(layout.services.map((s) => s.name)).toEqual(['appseed-app', 'nginx']);
    expect(layout.publicPorts).toEqual([5085]);
    expect(layout.port).toBe(5085);
    expect(layout.manageService).toBe('appseed-app');
    expect(layout.envSample?.file).toBe('env.sample');
    expect(layout.envSample?.entries.map(([k]) => k)).toContain('EMAIL_HOST');
    expect(layout.commands).toContain('seed_tags');
    // The vendor's settings hard-code ALLOWED_HOSTS = ['*']: writing it to .env would do nothing.
    expect(layout.readsAllowedHosts).toBe(false);
  });

  it('reads the same shop from a flat zip, a .tar.gz and the folder', async () => {
    for (const source of [await packShopZip(join(dir), { top: '' }), await packShopFixture(dir), SHOP_FIXTURE_DIR]) {
      const { layout, tree } = await inspectShopSource(configWith(source));
      expect([layout.port, layout.manageService, tree.top]).toEqual([5085, 'appseed-app', '']);
    }
  });

  it('gives the config its facts, so the web security group opens exactly 5085 and the URL uses it', async () => {
    const config = await withShopFacts(configWith(await packShopZip(dir)));
    expect(config.shopFacts).toMatchObject({ ok: true, port: 5085, publicPorts: [5085], manageService: 'appseed-app' });
    expect(shopPort(config)).toBe(5085);
    expect(shopService(config)).toBe('appseed-app');
    const web = securityGroupDesign(config, 'web').ingress.filter((r) => r.protocol === 'tcp').map((r) => r.fromPort);
    expect(web).toEqual([80, 443, 5085, 22]);
    expect(web).not.toContain(8000);
    // Without a source the shop's documented port stands in.
    expect(shopPublicPorts(configWith())).toEqual([5085]);
  });

  it('packs the zip as a .tar.gz with the app at its top (no top folder, no .env, no .git), modes kept', async () => {
    const inspected = await inspectShopSource(configWith(await packShopZip(dir)));
    const listing = await withSourceArchive(inspected, async (archive) => {
      const names = await listTar(archive);
      const verbose = String((await execa('tar', ['-tvzf', archive])).stdout);
      return { names, manageMode: verbose.split('\n').find((l) => l.endsWith('manage.py'))?.slice(0, 10) };
    });
    expect(listing.names).toContain('docker-compose.yml');
    expect(listing.names).toContain('nginx/appseed-app.conf');
    expect(listing.names.some((n) => n.startsWith('rocket-ecommerce'))).toBe(false);
    expect(listing.manageMode).toBe('-rwxr-xr-x');
  });
});

describe('a source the tool cannot settle says what it found and the field that settles it', () => {
  it('several published ports: asks for shop.port, and shop.port picks one', async () => {
    const zip = await variant('two-ports', 'services:\n  appseed-app:\n    build: .\n    env_file: .env\n    ports:\n      - "5005:5005"\n  nginx:\n    image: nginx\n    ports:\n      - "5085:5085"\n');
    const problem = await shopSourceProblem(configWith(zip));
    expect(problem?.message).toMatch(/publishes several ports: 5005 \(appseed-app\), 5085 \(nginx\)/);
    expect(problem?.fix).toMatch(/set shop\.port/);
    expect((await inspectShopSource(configWith(zip, { port: 5085 }))).layout.publicPorts).toEqual([5005, 5085]);
    expect((await shopSourceProblem(configWith(zip, { port: 8000 })))?.message).toMatch(/shop\.port is 8000, but .* publishes 5005 \(appseed-app\), 5085 \(nginx\)/);
  });

  it('no published port (or only on loopback): nobody could reach the shop', async () => {
    const zip = await variant('no-port', 'services:\n  appseed-app:\n    build: .\n    ports:\n      - "127.0.0.1:5005:5005"\n');
    expect((await shopSourceProblem(configWith(zip)))?.message).toMatch(/publishes no port on the host \(only on loopback: 5005 \(appseed-app\)\)/);
  });

  it('no service built from the folder with manage.py, or several: asks for shop.service', async () => {
    const none = await variant('no-django', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n');
    expect((await shopSourceProblem(configWith(none)))?.message).toMatch(/no service .* is built from the folder that holds manage\.py \(services: web image nginx\)/);
    const two = await variant('two-django', 'services:\n  a:\n    build: .\n  b:\n    build:\n      context: .\n    ports:\n      - "5085:5085"\n');
    const problem = await shopSourceProblem(configWith(two));
    expect(problem?.message).toMatch(/several services .* built with manage\.py: a, b/);
    expect(problem?.fix).toMatch(/shop\.service/);
    expect((await inspectShopSource(configWith(two, { service: 'b' }))).layout.manageService).toBe('b');
    expect((await shopSourceProblem(configWith(two, { service: 'c' })))?.message).toMatch(/shop\.service is "c", but .* has a, b/);
  });

  it('records a problem in the facts for the preview, without failing the config', async () => {
    const facts = await readShopFacts(configWith(join(dir, 'missing.zip')));
    expect(facts).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
  });

  it('unset, missing, not an archive, unreadable, a compose file deeper than one folder, an entry escaping the archive', async () => {
    expect((await shopSourceProblem(configWith()))?.message).toMatch(/is not set/);
    expect((await shopSourceProblem(configWith(join(dir, 'nope.zip'))))?.message).toMatch(/does not exist/);
    await writeFile(join(dir, 'shop.rar'), 'Rar!');
    expect((await shopSourceProblem(configWith(join(dir, 'shop.rar'))))?.message).toMatch(/neither a folder nor a \.zip, \.tar\.gz or \.tgz/);
    await writeFile(join(dir, 'broken.zip'), 'PK not a zip');
    expect((await shopSourceProblem(configWith(join(dir, 'broken.zip'))))?.message).toMatch(/cannot be read as a zip archive/);
    await mkdir(join(dir, 'empty'));
    expect((await shopSourceProblem(configWith(join(dir, 'empty'))))?.message).toMatch(/has no compose file/);
    await mkdir(join(dir, 'deep', 'a', 'b'), { recursive: true });
    await cp(SHOP_FIXTURE_DIR, join(dir, 'deep', 'a', 'b', 'rocket'), { recursive: true });
    await writeFile(join(dir, 'deep', 'a', 'README'), 'x');
    const deep = await shopSourceProblem(configWith(join(dir, 'deep')));
    expect(deep?.message).toMatch(/it has a\/b\/rocket\/docker-compose\.yml/);
    expect(deep?.fix).toMatch(/point shop\.source at the folder that holds/);

    // A zip-slip entry (yazl refuses to write one: the name is patched in after, same length).
    const made = join(dir, 'made.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('services: {}\n'), 'docker-compose.yml');
    zip.addBuffer(Buffer.from('x'), 'aa/aa/etc/cron.d/evil');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(made));
    const evil = join(dir, 'evil.zip');
    await writeFile(evil, Buffer.from((await readFile(made)).toString('latin1').split('aa/aa/etc/cron.d/evil').join('../../etc/cron.d/evil'), 'latin1'));
    expect((await shopSourceProblem(configWith(evil)))?.message).toMatch(/cannot be read as a zip archive \(invalid relative path: \.\.\/\.\.\/etc\/cron\.d\/evil\)/);
    expect(['../x', '/etc/passwd', 'a/../../x', 'C:/x'].map(unsafeEntryName)).toEqual([true, true, true, true]);
    expect(['a/../b', './x', 'rocket/manage.py'].map(unsafeEntryName)).toEqual([false, false, false]);
  });

  it('are checked before a run of the hosts section only, with the Stripe keys, never quoting a key', async () => {
    const badKey = 'sk_test_bad$value0123456789';
    const issues = await sectionConfigIssues(configWith(), ['hosts'], { STRIPE_PUBLISHABLE_KEY: 'pk_test_0123456789abcdef0123', STRIPE_SECRET_KEY: badKey });
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
    const inspected = await inspectShopSource(configWith(folder));
    const names = await withSourceArchive(inspected, listTar);
    expect(names).toContain('docker-compose.yml');
    expect(names).toContain('manage.py');
    expect(names.some((n) => n.startsWith('.env') || n.startsWith('.git'))).toBe(false);
  });
});
