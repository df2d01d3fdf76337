import type { DbEndpoint } from '../db-users-master.js';
import { formatEnvFile, generateSecret, parseEnvFile } from '../shop/env-file.js';
import { WORDPRESS_DATABASE, WORDPRESS_ENV_PATH, WORDPRESS_IMAGE, WORDPRESS_PORT, WORDPRESS_SERVICE, WP_CLI_IMAGE, WP_CLI_PROFILE, WP_CLI_SERVICE, type WordpressExposure } from './names.js';

/**
 * WordPress's two files: the compose file (the DB host, name and user; no secret, mode 0644) and the env
 * file with the DB password alone (mode 0600). Built identically from the same inputs, so a rerun writes
 * nothing.
 */

const PASSWORD_KEY = 'WORDPRESS_DB_PASSWORD';

/** The password in an existing env file, or a new one (and whether it was generated). */
export function keptWordpressPassword(existing: string | undefined): { password: string; generated: boolean } {
  const current = existing ? parseEnvFile(existing).get(PASSWORD_KEY) : undefined;
  if (current && /^[A-Za-z0-9_-]{16,}$/.test(current)) return { password: current, generated: false };
  return { password: generateSecret(24), generated: true };
}

export function wordpressEnvFile(password: string): string {
  return formatEnvFile([[PASSWORD_KEY, password]]);
}

/**
 * The compose file. YAML by hand: every value is ours and plain (checked), so no quoting surprises.
 * `exposure`: port 80 on the host's 127.0.0.1 only while WordPress is not installed, on every interface
 * once it is. WP-CLI shares WordPress's environment (the image's wp-config.php reads it), volume and network.
 */
export function wordpressComposeFile(endpoint: DbEndpoint, exposure: WordpressExposure): string {
  if (!/^[A-Za-z0-9.-]+$/.test(endpoint.host)) throw new TypeError(`not a database host name: ${JSON.stringify(endpoint.host)}`);
  const shared = [
    '    environment:',
    `      WORDPRESS_DB_HOST: "${endpoint.host}:${endpoint.port}"`,
    `      WORDPRESS_DB_NAME: ${WORDPRESS_DATABASE.database}`,
    `      WORDPRESS_DB_USER: ${WORDPRESS_DATABASE.user}`,
    '    env_file:',
    `      - ${WORDPRESS_ENV_PATH}`,
    '    volumes:',
    '      - wordpress_data:/var/www/html',
  ];
  return [
    '# Written by aws-runbook (hosts.wordpress): edits are replaced on the next `aws-runbook up`.',
    `# The database password is in ${WORDPRESS_ENV_PATH} (mode 0600), not here.`,
    'name: wordpress',
    'services:',
    `  ${WORDPRESS_SERVICE}:`,
    `    image: ${WORDPRESS_IMAGE}`,
    '    restart: unless-stopped',
    '    ports:',
    exposure === 'public'
      ? `      - "${WORDPRESS_PORT}:80"`
      : [`      # Loopback only until the runbook has installed WordPress (its installer makes the first visitor admin).`, `      - "127.0.0.1:${WORDPRESS_PORT}:80"`].join('\n'),
    ...shared,
    `  ${WP_CLI_SERVICE}:`,
    `    image: ${WP_CLI_IMAGE}`,
    `    profiles: ["${WP_CLI_PROFILE}"]`,
    '    user: "33:33"',
    ...shared,
    'volumes:',
    '  wordpress_data: {}',
    '',
  ].join('\n');
}
