import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STRIPE_ENV, stripeKeyProblems } from '../../tasks/hosts/shop/stripe-keys.js';

/**
 * What a rehearsal needs for the shop when the operator has not given it: a stand-in for the licensed
 * Rocket eCommerce source (a folder with a compose file, a Dockerfile and a stub manage.py, written at
 * run time: nothing of the vendor's is shipped) and Stripe test keys that are obviously fake.
 */

/** Obviously fake test-mode keys (Stripe's own format, so the tool's checks pass; no Stripe account has them). */
export const REHEARSAL_STRIPE_KEYS = {
  publishableKey: 'pk_test_AwsRunbookSandboxNotARealKey000000',
  secretKey: 'sk_test_AwsRunbookSandboxNotARealKey000000',
} as const;

const COMPOSE = [
  '# A stand-in for the licensed Rocket eCommerce source, written by `aws-runbook --sandbox` for a rehearsal.',
  '# The real source (a Django + Stripe app) comes from the vendor: set shop.source in aws-runbook.yaml.',
  'services:',
  '  web:',
  '    build: .',
  '    env_file: .env',
  '    restart: unless-stopped',
  '    ports:',
  '      - "${SHOP_PORT:-8000}:8000"',
  '',
].join('\n');

const DOCKERFILE = ['# Rehearsal stand-in: the simulated Docker only reads this file exists.', 'FROM python:3.12-slim', 'WORKDIR /app', 'COPY . /app', 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]', ''].join('\n');

const MANAGE = ['#!/usr/bin/env python', '"""Rehearsal stand-in for the shop\'s Django manage.py: it does nothing."""', ''].join('\n');

/** Write the stand-in source folder under `dir`; returns its path (for shop.source). */
export async function writeShopStandIn(dir: string): Promise<string> {
  const folder = join(dir, 'sandbox-shop');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'docker-compose.yml'), COMPOSE);
  await writeFile(join(folder, 'Dockerfile'), DOCKERFILE);
  await writeFile(join(folder, 'manage.py'), MANAGE, { mode: 0o755 });
  await writeFile(join(folder, 'README.md'), '# Shop stand-in\n\nWritten by `aws-runbook --sandbox`: not Rocket eCommerce, not for real use.\n');
  return folder;
}

/**
 * Set the fake Stripe test keys in this process's environment when neither key is set (a key that is set,
 * even wrongly, is left for the run's own checks to report, as a real run would). Returns whether it did.
 */
export function fillRehearsalStripeKeys(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[STRIPE_ENV.publishable] !== undefined || env[STRIPE_ENV.secret] !== undefined) return false;
  env[STRIPE_ENV.publishable] = REHEARSAL_STRIPE_KEYS.publishableKey;
  env[STRIPE_ENV.secret] = REHEARSAL_STRIPE_KEYS.secretKey;
  return stripeKeyProblems(env).length === 0;
}
