import { createHash } from 'node:crypto';
import { databaseSettings, volumeDir } from './containers.js';
import { fail, readJson, type Call, type EmulatedHost, type Outcome } from './host.js';

/**
 * WP-CLI as the `wordpress:cli` image runs it on a WordPress volume, for the two commands the runbook uses
 * (wp-cli/core-command): `wp core is-installed` (exit 0 installed, 1 not, silently) and `wp core install`
 * (refusing, as WP-CLI does, a missing --url/--title/--admin_user/--admin_email with its "Parameter
 * errors", an invalid admin email, a volume without WordPress's files, a database it cannot log in to;
 * "WordPress is already installed." when it is). `--prompt=<args>` asks for those arguments and reads the
 * answers from stdin, a line each. One refusal is the stand-in's own: without an admin password WP-CLI
 * would generate one and print it (into the tool's output and logs), which the runbook must never let
 * happen. The site is the service's /var/www/html volume: WordPress's files are there once the wordpress
 * image's entrypoint copied them (wp-includes/version.php), the install is recorded there too
 * (wp-emulated-install.json: WordPress keeps it in its database), and the database login is the host's
 * (WORDPRESS_DB_*, network included).
 */

/** The install as the volume keeps it (the admin password as a SHA-256 only). */
export interface WordpressInstall {
  url: string;
  title: string;
  adminUser: string;
  adminEmail: string;
  passwordSha256: string;
}

export interface WpCliSite {
  /** WordPress's files are on the volume (the wordpress image's entrypoint copied them). */
  files: boolean;
  install?: WordpressInstall | undefined;
  /** Whether WordPress's database login (WORDPRESS_DB_*) works from here. */
  databaseWorks(): boolean;
}

export interface WpCliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when this call installed WordPress: the caller records it in the volume. */
  installed?: WordpressInstall;
}

const REQUIRED: readonly [string, string][] = [
  ['url', 'The address of the new site.'],
  ['title', 'The title of the new site.'],
  ['admin_user', 'The name of the admin user.'],
  ['admin_email', 'The email address for the admin user.'],
];
const OPTIONAL = ['admin_password', 'locale', 'skip-email'];
const NOT_WORDPRESS = 'Error: This does not seem to be a WordPress installation.\nThe used path is: /var/www/html/\nPass --path=`path/to/wordpress` or run `wp core download`.\n';

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

const done = (exitCode: number, stdout = '', stderr = ''): WpCliOutcome => ({ exitCode, stdout, stderr });

/** `wp ARGS…` (argv without the leading `wp`) on `site`, `stdin` its standard input. */
export function runWpCli(args: readonly string[], stdin: string, site: WpCliSite): WpCliOutcome {
  const { words, assoc } = parse(args);
  if (!site.files) return done(1, '', NOT_WORDPRESS);
  if (!site.databaseWorks()) return done(1, '', 'Error: Error establishing a database connection.\n');

  const command = words.join(' ');
  if (command === 'core is-installed') return done(site.install ? 0 : 1);
  if (command !== 'core install') return done(1, '', `Error: the WP-CLI stand-in knows \`wp core is-installed\` and \`wp core install\`, not \`wp ${command}\`\n`);

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
  if (missing.length > 0) return done(1, stdout, `Error: Parameter errors:\n${missing.map(([name, about]) => ` missing --${name} parameter (${about})`).join('\n')}\n`);
  const email = assoc.get('admin_email') as string;
  if (!isEmail(email)) return done(1, stdout, `Error: The '${email}' email address is invalid.\n`);
  if (site.install) return done(0, `${stdout}WordPress is already installed.\n`);
  const password = assoc.get('admin_password');
  if (typeof password !== 'string' || password === '') {
    return done(1, stdout, 'Error: (WP-CLI stand-in) no admin password given: WP-CLI would generate one and print it; pass it on stdin with --prompt=admin_password\n');
  }
  const installed: WordpressInstall = {
    url: assoc.get('url') as string,
    title: assoc.get('title') as string,
    adminUser: assoc.get('admin_user') as string,
    adminEmail: email,
    passwordSha256: createHash('sha256').update(password).digest('hex'),
  };
  return { ...done(0, `${stdout}Success: WordPress installed successfully.\n`), installed };
}

const FILES = 'wp-includes/version.php';
const INSTALL = 'wp-emulated-install.json';

export async function wordpressSite(host: EmulatedHost, volume: string): Promise<{ files: boolean; install?: WordpressInstall | undefined }> {
  const dir = volumeDir(volume);
  return { files: await host.fs.exists(`${dir}/${FILES}`), install: await readJson<WordpressInstall | undefined>(host.fs, `${dir}/${INSTALL}`, undefined) };
}

/** The wordpress image's entrypoint: WordPress's files copied into an empty /var/www/html before Apache starts. */
export async function copyWordpressFiles(host: EmulatedHost, volume: string): Promise<void> {
  const file = `${volumeDir(volume)}/${FILES}`;
  if (!(await host.fs.exists(file))) await host.fs.write(file, "<?php\n$wp_version = '6.7.1'; // emulated: the wordpress image's files\n");
}

/** `wp …` in a one-off container of a wordpress:cli service (`docker compose run`), with its environment and volumes. */
export async function wpCliContainer(call: Call, service: { environment: Record<string, string>; volumes: Record<string, string> }, argv: readonly string[]): Promise<Outcome> {
  const [program, ...args] = argv;
  if (program !== 'wp') return fail(`the emulated wordpress:cli container runs \`wp\`, not ${program ?? 'nothing'}`, 127);
  const volume = service.volumes['/var/www/html'];
  const site = volume === undefined ? { files: false } : await wordpressSite(call.host, volume);
  const settings = databaseSettings(service.environment);
  const works = settings !== undefined && !(await call.host.database.login(settings));
  const outcome = runWpCli(args, await call.stdin(), { ...site, databaseWorks: () => works });
  if (outcome.installed && volume !== undefined) await call.host.fs.write(`${volumeDir(volume)}/${INSTALL}`, JSON.stringify(outcome.installed));
  return { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
}
