import type { ExecResult } from 'just-bash';
import type { SimulatedHost } from '../host.js';
import { fail } from '../shell/results.js';
import { databaseSettings, databaseWorks } from './apps.js';
import { runWpCli } from './wp-cli-core.js';

/**
 * WP-CLI (`wordpress:cli`) in a one-off container of a simulated host: wp-cli-core.ts on the service's
 * `/var/www/html` volume and its database settings (WORDPRESS_DB_*, logged in to the simulated RDS from
 * this host, network included); an install is recorded in the volume, where WordPress's pages read it.
 */

export interface WpCliContainer {
  environment: Record<string, string>;
  volumes: Record<string, string>;
}

export function wpCli(host: SimulatedHost, container: WpCliContainer, argv: readonly string[], stdin: string): ExecResult {
  const [program, ...args] = argv;
  if (program !== 'wp') return fail(`the simulated wordpress:cli container runs \`wp\`, not ${program ?? 'nothing'}`, 127);
  const volume = container.volumes['/var/www/html'];
  const state = volume === undefined ? undefined : host.volumes.get(volume);
  const settings = databaseSettings(container.environment);
  const outcome = runWpCli(args, stdin, {
    files: state?.wordpressFiles === true,
    install: state?.wordpressInstall,
    databaseWorks: () => settings !== undefined && databaseWorks(host, settings),
  });
  if (outcome.installed && volume !== undefined) host.volumes.set(volume, { ...state, wordpressInstall: outcome.installed });
  return { stdout: outcome.stdout, stderr: outcome.stderr, exitCode: outcome.exitCode };
}
