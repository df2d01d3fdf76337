import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectDir, runCli } from '../helpers/cli.js';
import { packShopZip, SHOP_FIXTURE_DIR } from '../fixtures/shop/index.js';

/**
 * The shop as its own source describes it, through the CLI and without AWS: `plan --offline` with the
 * vendor's zip names the port its compose file publishes (5085, what the web security group opens), the
 * Django service and the `.env` names (never values); a source the tool cannot settle is an error at the
 * preview naming what it found and the field that settles it (`up` refuses it: a row of the bad-input table).
 */

describe('plan with the vendor zip as shop.source', () => {
  it('plan --offline names port 5085, appseed-app and the .env variable names, and opens 5085 in the web group', async () => {
    const cwd = await projectDir('ShopPlan');
    await writeFile(join(cwd, 'aws-runbook.yaml'), `suffix: ShopPlan\naccess:\n  adminCidr: 203.0.113.7/32\nshop:\n  source: ${await packShopZip(cwd)}\n`);
    const result = await runCli(['plan', '--offline', '--only', 'security,hosts'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/HTTP check on port 5085/);
    expect(out).toMatch(/read from docker-compose\.yml in .*rocket-ecommerce\.zip: services appseed-app, nginx; manage\.py runs in appseed-app; published on 5085/);
    expect(out).toMatch(/DEBUG, SECRET_KEY, DEMO_MODE, STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, EMAIL_HOST, .*DB_ENGINE, DB_HOST, DB_NAME, DB_USERNAME, DB_PASS, DB_PORT/);
    expect(out).toMatch(/exec -T appseed-app python manage\.py migrate --noinput/);
    expect(out).toMatch(/--ip-permissions .*FromPort=5085,ToPort=5085/);
    expect(out).not.toMatch(/\b8000\b|\bDB_PASSWORD\b|\bDB_USER\b|SHOP_PORT/);
  });

  it('a source with two published ports: the preview says which and names shop.port (up refuses it: the bad-input table)', async () => {
    const cwd = await projectDir('ShopTwoPorts');
    const folder = join(cwd, 'two-ports');
    await cp(SHOP_FIXTURE_DIR, folder, { recursive: true });
    await writeFile(join(folder, 'docker-compose.yml'), 'services:\n  appseed-app:\n    build: .\n    ports:\n      - "5005:5005"\n  nginx:\n    image: nginx\n    ports:\n      - "5085:5085"\n');
    await writeFile(join(cwd, 'aws-runbook.yaml'), `suffix: ShopTwoPorts\nshop:\n  source: ${folder}\n`);
    const plan = await runCli(['plan', '--offline', '--only', 'hosts'], { cwd });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/cannot install the shop on VM-Ecommerce-ShopTwoPorts: shop\.source ".*two-ports": the source's docker-compose\.yml publishes several ports: 5005 \(appseed-app\), 5085 \(nginx\); which one is the shop\?\. Fix: set shop\.port/);
  });
});
