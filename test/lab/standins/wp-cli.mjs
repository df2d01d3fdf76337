/* global process, URL */
// WP-CLI (the wordpress:cli image) in a one-off container of the lab's docker stand-in: the commands and
// refusals are the sandbox's WP-CLI stand-in (src/sandbox/simulated/commands/wp-cli-core.ts, imported from
// the build: the lab runs the built tool anyway), on the service's /var/www/html volume, with a real
// database check: WordPress's login (WORDPRESS_DB_*) tried against the lab's MariaDB with the machine's
// mariadb client, as WP-CLI connects before anything else. An install is recorded in the volume
// (lab-wordpress.json), where the WordPress responder reads it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { wordpressVolume } from './state.mjs';

const CORE = new URL('./dist/src/sandbox/simulated/commands/wp-cli-core.js', import.meta.url);

function databaseWorks(env) {
  const [host = '', port = '3306'] = String(env.WORDPRESS_DB_HOST ?? '').split(':');
  if (!host || !env.WORDPRESS_DB_USER || !env.WORDPRESS_DB_NAME) return false;
  const result = spawnSync('mariadb', ['--connect-timeout=5', '-h', host, '-P', port, '-u', env.WORDPRESS_DB_USER, '-D', env.WORDPRESS_DB_NAME, '-N', '-e', 'SELECT 1'], {
    env: { PATH: process.env.PATH, MYSQL_PWD: env.WORDPRESS_DB_PASSWORD ?? '' },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return result.status === 0;
}

export async function wpCli(argv, { env, volumes }) {
  const [program, ...args] = argv;
  if (program !== 'wp') {
    process.stderr.write(`the lab's wordpress:cli container runs \`wp\`, not ${program ?? 'nothing'}\n`);
    return 127;
  }
  const { runWpCli } = await import(CORE.href);
  const dir = volumes['/var/www/html'];
  const volume = dir ? wordpressVolume(dir) : undefined;
  const state = volume?.read() ?? {};
  const stdin = process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
  const outcome = runWpCli(args, stdin, { files: state.files === true, install: state.install, databaseWorks: () => databaseWorks(env) });
  if (outcome.installed && volume) volume.write({ ...state, install: outcome.installed });
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  return outcome.exitCode;
}
