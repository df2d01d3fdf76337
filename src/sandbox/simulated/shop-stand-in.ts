import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { STRIPE_ENV, stripeKeyProblems } from '../../tasks/hosts/shop/stripe-keys.js';

/**
 * What a rehearsal needs for the shop when the operator has not given it: a stand-in for the licensed
 * Rocket eCommerce source (a folder shaped like the vendor's, written at run time: nothing of the vendor's
 * is shipped) and Stripe test keys that are obviously fake.
 */

/** Obviously fake test-mode keys (Stripe's own format, so the tool's checks pass; no Stripe account has them). */
export const REHEARSAL_STRIPE_KEYS = {
  publishableKey: 'pk_test_AwsRunbookSandboxNotARealKey000000',
  secretKey: 'sk_test_AwsRunbookSandboxNotARealKey000000',
} as const;

/**
 * The files of the stand-in, shaped like Rocket eCommerce's (its README and the compose layout of the
 * vendor's Django products): the Django service `appseed-app` built from the folder, nginx publishing the
 * shop on 5085, the env.sample the vendor ships, settings that use MariaDB only under the vendor's DB_*
 * names, manage.py and a `seed_tags` command. Nothing of the vendor's code: stubs with the same names.
 */
const FILES: Record<string, string> = {
  'docker-compose.yml': [
    '# A stand-in for the licensed Rocket eCommerce source, written by `aws-runbook --sandbox` for a rehearsal.',
    '# The real source (a Django + Stripe app) comes from the vendor: set shop.source in aws-runbook.yaml.',
    'services:',
    '  appseed-app:',
    '    container_name: appseed_app',
    '    restart: always',
    '    env_file: .env',
    '    build: .',
    '  nginx:',
    '    container_name: nginx',
    '    restart: always',
    '    image: "nginx:latest"',
    '    ports:',
    '      - "5085:5085"',
    '    volumes:',
    '      - ./nginx:/etc/nginx/conf.d',
    '    depends_on:',
    '      - appseed-app',
    '',
  ].join('\n'),
  'nginx/appseed-app.conf': 'upstream webapp {\n    server appseed_app:5005;\n}\n\nserver {\n    listen 5085;\n    location / {\n        proxy_pass http://webapp;\n        proxy_set_header Host $host;\n    }\n}\n',
  Dockerfile: ['# Rehearsal stand-in: the simulated Docker only reads that this file exists.', 'FROM python:3.11', 'COPY . .', 'EXPOSE 5005', 'CMD ["gunicorn", "--bind", "0.0.0.0:5005", "core.wsgi"]', ''].join('\n'),
  'env.sample': 'DEBUG=True\n\nSECRET_KEY=<STRONG_KEY_HERE>\n\nDEMO_MODE=True\n\nSTRIPE_SECRET_KEY=<YOUR_KEY_HERE>\nSTRIPE_PUBLISHABLE_KEY=<YOUR_KEY_HERE>\n\nEMAIL_HOST=smtp.gmail.com\nEMAIL_PORT=587\nEMAIL_USE_TLS=True\nEMAIL_HOST_USER=\nEMAIL_HOST_PASSWORD=\n',
  'core/__init__.py': '',
  'core/settings.py': [
    '"""Rehearsal stand-in: the database settings as Rocket eCommerce reads them (MariaDB only under these names)."""',
    'import os',
    "DB_ENGINE = os.getenv('DB_ENGINE', None)",
    "DB_USERNAME = os.getenv('DB_USERNAME', None)",
    "DB_PASS = os.getenv('DB_PASS', None)",
    "DB_HOST = os.getenv('DB_HOST', None)",
    "DB_PORT = os.getenv('DB_PORT', None)",
    "DB_NAME = os.getenv('DB_NAME', None)",
    "ALLOWED_HOSTS = ['*']",
    '',
  ].join('\n'),
  'manage.py': ['#!/usr/bin/env python', '"""Rehearsal stand-in for the shop\'s Django manage.py: the simulated containers play what it does."""', ''].join('\n'),
  'apps/common/management/commands/seed_tags.py': '"""Rehearsal stand-in for the vendor\'s seed_tags command."""\n',
  'README.md': '# Shop stand-in\n\nWritten by `aws-runbook --sandbox`: not Rocket eCommerce, not for real use.\n',
};

/** Write the stand-in source folder under `dir`; returns its path (for shop.source). */
export async function writeShopStandIn(dir: string): Promise<string> {
  const folder = join(dir, 'sandbox-shop');
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(folder, file)), { recursive: true });
    await writeFile(join(folder, file), text, file === 'manage.py' ? { mode: 0o755 } : {});
  }
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
