import { appDatabase } from '../db-users-sql.js';

/** WordPress on the `wordpress` host: where it lives and what it is called. */

export const WORDPRESS_STEP_ID = 'hosts.wordpress';
export const WORDPRESS_HOST = 'wordpress' as const;

export const WORDPRESS_DIR = '/opt/wordpress';
export const WORDPRESS_COMPOSE_PATH = `${WORDPRESS_DIR}/compose.yaml`;
/** The DB password, and only it: 0600 root (compose runs as root and reads it as `env_file`). */
export const WORDPRESS_ENV_PATH = `${WORDPRESS_DIR}/wordpress.env`;
export const WORDPRESS_ENV_OWNER = 'root';

export const WORDPRESS_SERVICE = 'wordpress';
/** The official image, pinned to its major line (minor and patch updates come with a rerun of compose pull). */
export const WORDPRESS_IMAGE = 'wordpress:6-apache';
/** WordPress is alone on its host: the standard HTTP port, as in the seed. */
export const WORDPRESS_PORT = 80;

export const WORDPRESS_DATABASE = appDatabase('wordpress');

/**
 * WP-CLI, from the official image's `cli` variant (pinned to its major line), as a Compose service of the
 * same project under a profile: `up -d` leaves it alone, `docker compose run --rm` starts it on demand on
 * WordPress's volume and network. It runs as uid 33 (www-data of the Debian-based wordpress image, which
 * owns the files; the Alpine-based cli image's own www-data is 82).
 */
export const WP_CLI_SERVICE = 'wp-cli';
export const WP_CLI_IMAGE = 'wordpress:cli-2';
export const WP_CLI_PROFILE = 'cli';

/** Until WordPress is installed its port is published on the host's loopback only (no first visitor). */
export type WordpressExposure = 'loopback' | 'public';
