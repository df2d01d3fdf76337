import { createHash } from 'node:crypto';
import type { ExecResult } from 'just-bash';
import type { SimulatedHost } from '../host.js';
import { fail, ok } from '../shell/results.js';
import { databaseSettings, databaseWorks } from './apps.js';

/**
 * WP-CLI as the `wordpress:cli` image runs it on a WordPress volume, for the two commands the runbook uses
 * (wp-cli/core-command): `wp core is-installed` (exit 0 installed, 1 not, silently) and `wp core install`
 * (refusing, as WP-CLI does, a missing --url/--title/--admin_user/--admin_email with its "Parameter
 * errors", an invalid admin email, a volume without WordPress's files, a database it cannot log in to;
 * "WordPress is already installed." when it is). `--prompt=<args>` asks for those arguments and reads the
 * answers from stdin, a line each. One refusal is the stand-in's own: without an admin password WP-CLI
 * would generate one and print it (into the tool's output and logs), which the runbook must never let
 * happen. The install is recorded in the volume (the password as a SHA-256 only); WordPress's pages
 * (apps.ts) answer from it.
 */

export interface WpCliContainer {
  environment: Record<string, string>;
  volumes: Record<string, string>;
}

const REQUIRED: readonly [string, string][] = [
  ['url', 'The address of the new site.'],
  ['title', 'The title of the new site.'],
  ['admin_user', 'The name of the admin user.'],
  ['admin_email', 'The email address for the admin user.'],
];
const OPTIONAL = ['admin_password', 'locale', 'skip-email'];
const NOT_WORDPRESS = 'Error: This does not seem to be a WordPress installation.\nThe used path is: /var/www/html/\nPass --path=`path/to/wordpress` or run `wp core download`.';

/** WordPress's is_email(), in short: local@domain, the domain with a dot and labels of letters, digits and inner hyphens. */
export function isEmail(value: string): boolean {
  const match = /^([a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+)@([^@]+)$/.exec(value);
  if (!match || (match[2] as string).split('.').length < 2) return false;
  return (match[2] as string).split('.').every((label) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(label));
}

function parse(args: readonly string[]): { words: string[]; assoc: Map<string, string | true> } {
  const words: string[] = [];
  const assoc = new Map<string, string | true>();
  for (const arg of args) {
    if (!arg.startsWith('--')) words.push(arg);
    else if (arg.includes('=')) assoc.set(arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else assoc.set(arg.slice(2), true);
  }
  return { words, assoc };
}

export function wpCli(host: SimulatedHost, container: WpCliContainer, argv: readonly string[], stdin: string): ExecResult {
  const [program, ...args] = argv;
  if (program !== 'wp') return fail(`the simulated wordpress:cli container runs \`wp\`, not ${program ?? 'nothing'}`, 127);
  const { words, assoc } = parse(args);
  const volume = container.volumes['/var/www/html'];
  const state = volume === undefined ? undefined : host.volumes.get(volume);
  if (!state?.wordpressFiles) return fail(NOT_WORDPRESS, 1);
  const settings = databaseSettings(container.environment);
  if (!settings || !databaseWorks(host, settings)) return fail('Error: Error establishing a database connection.', 1);

  const command = words.join(' ');
  if (command === 'core is-installed') return state.wordpressInstall ? ok() : fail('', 1);
  if (command !== 'core install') return fail(`Error: the simulated WP-CLI knows \`wp core is-installed\` and \`wp core install\`, not \`wp ${command}\``, 1);

  let stdout = '';
  const prompt = assoc.get('prompt');
  assoc.delete('prompt');
  if (prompt !== undefined) {
    const lines = stdin.split('\n');
    const asked = prompt === true ? [...REQUIRED.map(([name]) => name), ...OPTIONAL] : prompt.split(',');
    asked.forEach((name, index) => {
      stdout += `${index + 1}/${asked.length} [--${name}=<${name}>]: `;
      const answer = lines.shift() ?? '';
      if (answer !== '') assoc.set(name, answer);
    });
    if (stdout) stdout += '\n';
  }
  const missing = REQUIRED.filter(([name]) => typeof assoc.get(name) !== 'string' || assoc.get(name) === '');
  if (missing.length > 0) return fail(`Error: Parameter errors:\n${missing.map(([name, about]) => ` missing --${name} parameter (${about})`).join('\n')}`, 1, stdout);
  const email = assoc.get('admin_email') as string;
  if (!isEmail(email)) return fail(`Error: The '${email}' email address is invalid.`, 1, stdout);
  if (state.wordpressInstall) return ok(`${stdout}WordPress is already installed.\n`);
  const password = assoc.get('admin_password');
  if (typeof password !== 'string' || password === '') {
    return fail('Error: (simulated WP-CLI) no admin password given: WP-CLI would generate one and print it; pass it on stdin with --prompt=admin_password', 1, stdout);
  }
  host.volumes.set(volume as string, {
    ...state,
    wordpressInstall: {
      url: assoc.get('url') as string,
      title: assoc.get('title') as string,
      adminUser: assoc.get('admin_user') as string,
      adminEmail: email,
      passwordSha256: createHash('sha256').update(password).digest('hex'),
    },
  });
  return ok(`${stdout}Success: WordPress installed successfully.\n`);
}
