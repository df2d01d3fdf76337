import type { StepContext } from '../../../engine/types.js';
import type { SshConnection } from '../../../ssh/index.js';
import { ADMIN_ACCOUNTS } from '../admin-credentials.js';
import { runCompose } from './compose-app.js';
import { SHOP_DIR } from './names.js';

/**
 * Django's setup in the shop's own service, as the vendor's README lists it: `migrate`, `seed_tags` (when
 * the source has that command), and for production `collectstatic --no-input`; then the admin account,
 * created without a prompt (`createsuperuser --noinput` reads the password from DJANGO_SUPERUSER_PASSWORD,
 * which reaches the container through `docker compose exec -e NAME`: from the environment, never argv).
 */

const MANAGE_TIMEOUT_MS = 15 * 60_000;
/** Django's own refusal when the username exists: the admin is there already (a rerun after a lost marker). */
const USERNAME_TAKEN = /That username is already taken/;

export interface DjangoSetupOptions {
  /** The compose service that runs manage.py. */
  service: string;
  /** Management commands the source ships (seed_tags is run only when it is one of them). */
  commands: readonly string[];
  /** Values to mask in the live output. */
  secrets: readonly string[];
}

/** The setup commands, in the order they run (for the preview and the step). */
export function djangoSetupCommands(commands: readonly string[]): string[] {
  return ['migrate --noinput', ...(commands.includes('seed_tags') ? ['seed_tags'] : []), 'collectstatic --no-input'];
}

/** `docker compose exec -T SERVICE python manage.py ARGS` in the shop's directory. */
export function manageLine(service: string, args: string, env: readonly string[] = []): string {
  return `exec -T ${env.map((name) => `-e ${name} `).join('')}${service} python manage.py ${args}`;
}

/** migrate, seed_tags, collectstatic: each is safe to run again (Django skips what is done). */
export async function runDjangoSetup(ctx: StepContext, connection: SshConnection, options: DjangoSetupOptions): Promise<void> {
  for (const args of djangoSetupCommands(options.commands)) {
    ctx.progress(`manage.py ${args}`);
    await runCompose(ctx, connection, { dir: SHOP_DIR, args: manageLine(options.service, args), label: `manage.py ${args} (shop)`, secrets: options.secrets, timeoutMs: MANAGE_TIMEOUT_MS });
  }
}

/** Creates the admin (Django superuser) with the kept password; 'exists' when Django says the username is taken. */
export async function ensureDjangoAdmin(ctx: StepContext, connection: SshConnection, options: DjangoSetupOptions & { password: string }): Promise<'created' | 'exists'> {
  const account = ADMIN_ACCOUNTS.shop;
  ctx.progress(`creating the shop's admin account (${account.user})`);
  try {
    await runCompose(ctx, connection, {
      dir: SHOP_DIR,
      args: manageLine(options.service, `createsuperuser --noinput --username ${account.user} --email ${account.user}@localhost`, ['DJANGO_SUPERUSER_PASSWORD']),
      label: 'manage.py createsuperuser (shop)',
      secrets: [...options.secrets, options.password],
      secretEnv: { DJANGO_SUPERUSER_PASSWORD: options.password },
      timeoutMs: MANAGE_TIMEOUT_MS,
    });
    return 'created';
  } catch (error) {
    if (error instanceof Error && USERNAME_TAKEN.test(error.message)) {
      ctx.progress(`the shop's admin account (${account.user}) exists already`);
      return 'exists';
    }
    throw error;
  }
}
