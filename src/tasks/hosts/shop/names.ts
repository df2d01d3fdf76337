import type { Config } from '../../../config/schema.js';
import { appDatabase } from '../db-users-sql.js';

/** The shop (Rocket eCommerce) on the `ecommerce` host: where it lives and what it is called. */

export const SHOP_STEP_ID = 'hosts.shop';
export const SHOP_HOST = 'ecommerce' as const;

/** The source is unpacked here; compose runs here (it reads `.env` from this directory). */
export const SHOP_DIR = '/opt/shop';
export const SHOP_ENV_PATH = `${SHOP_DIR}/.env`;
/** The owner of the tree and of `.env` (the login user: the operator can read and edit without sudo). */
export const SHOP_OWNER = 'ubuntu';

/** The Django service of the vendor's compose file (migrations run in it). */
export const SHOP_WEB_SERVICE = 'web';

/** The shop's own database and least-privilege user on RDS. */
export const SHOP_DATABASE = appDatabase('shop');

/** The port the shop publishes (the vendor's compose default, when shop.port is not set). */
export const DEFAULT_SHOP_PORT = 8000;

export function shopPort(config: Config): number {
  return config.shop.port ?? DEFAULT_SHOP_PORT;
}
