import type { HostName } from '../../engine/types.js';
import { keptShopSecrets } from '../hosts/shop/env-file.js';
import { SHOP_DATABASE, SHOP_ENV_PATH, SHOP_HOST } from '../hosts/shop/names.js';
import { keptWordpressPassword } from '../hosts/wordpress/files.js';
import { WORDPRESS_DATABASE, WORDPRESS_ENV_PATH, WORDPRESS_HOST } from '../hosts/wordpress/names.js';

/**
 * The databases `aws-runbook restore` writes back, each as its app's OWN database user (least privilege:
 * ALL on its own database, nothing else), from the app's own host (a web host: RDS lets those in). The
 * password is the one the app's env file on that host holds, read with the hosts steps' own functions
 * (never by parsing the env file's keys here: their names are the app's business).
 */
export interface RestoreTarget {
  database: string;
  /** The app's database user. */
  user: string;
  /** The host the restore runs from (the app's host). */
  host: HostName;
  /** The app's env file on that host, and what to call it in messages. */
  envPath: string;
  envName: string;
  /** The app's database password in that file's text, or undefined when it holds none (app not set up). */
  password(envText: string | undefined): string | undefined;
}

export const RESTORE_TARGETS: readonly RestoreTarget[] = [
  {
    database: SHOP_DATABASE.database,
    user: SHOP_DATABASE.user,
    host: SHOP_HOST,
    envPath: SHOP_ENV_PATH,
    envName: "the shop's .env",
    password: (text) => {
      if (text === undefined) return undefined;
      const kept = keptShopSecrets(text);
      return kept.generated.includes('dbPassword') ? undefined : kept.secrets.dbPassword;
    },
  },
  {
    database: WORDPRESS_DATABASE.database,
    user: WORDPRESS_DATABASE.user,
    host: WORDPRESS_HOST,
    envPath: WORDPRESS_ENV_PATH,
    envName: "WordPress's env file",
    password: (text) => {
      if (text === undefined) return undefined;
      const kept = keptWordpressPassword(text);
      return kept.generated ? undefined : kept.password;
    },
  },
];

export function restoreTarget(database: string): RestoreTarget | undefined {
  return RESTORE_TARGETS.find((target) => target.database === database);
}
