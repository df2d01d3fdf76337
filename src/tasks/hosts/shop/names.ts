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

/** The shop's own database and least-privilege user on RDS. */
export const SHOP_DATABASE = appDatabase('shop');

/**
 * Rocket eCommerce's documented entry point ("Visit the app in the browser localhost:5085": its nginx
 * service publishes 5085 and proxies to the Django service): what the tool assumes until it has read the
 * source's own compose file (then `config.shopFacts` says).
 */
export const DEFAULT_SHOP_PORT = 5085;
/** The vendor's Django service (built from the source, gunicorn inside), until the compose file is read. */
export const DEFAULT_SHOP_SERVICE = 'appseed-app';

/** The port visitors reach the shop on: read from its compose file, or shop.port, or the vendor's 5085. */
export function shopPort(config: Config): number {
  return config.shopFacts?.ok ? config.shopFacts.port : (config.shop.port ?? DEFAULT_SHOP_PORT);
}

/** Every port the shop publishes on all interfaces: what the web security group opens for it. */
export function shopPublicPorts(config: Config): readonly number[] {
  return config.shopFacts?.ok ? config.shopFacts.publicPorts : [shopPort(config)];
}

/** The compose service that runs manage.py: read from the source, or shop.service, or the vendor's. */
export function shopService(config: Config): string {
  return config.shopFacts?.ok ? config.shopFacts.manageService : (config.shop.service ?? DEFAULT_SHOP_SERVICE);
}
