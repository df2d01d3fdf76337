import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Command, ExecResult, ResolvedCommandContext } from 'just-bash';
import type { CommandEnv, HostUser } from '../host.js';
import { polyfilled } from './job-polyfill.js';
import { command, fail, ok, parseArgs, stdinBytes } from './results.js';

/**
 * The commands every simulated host has besides just-bash's own: the shell and sudo (users root and
 * ubuntu), the coreutils the steps use that just-bash lacks or gets slightly wrong (`install`, `mktemp`,
 * `id`, `chown`, `stat` with owners, `mv -T`, `head --`), and `trap`/`kill`, which have nothing to act on
 * here (a command stops when its SSH channel closes).
 */

const USERS: Record<HostUser, { uid: number; home: string }> = { root: { uid: 0, home: '/root' }, ubuntu: { uid: 1000, home: '/home/ubuntu' } };

export function isHostUser(name: string): name is HostUser {
  return name === 'root' || name === 'ubuntu';
}

/** What `bash -c SCRIPT` runs: the script, after the job polyfill, in a fresh shell with the exported environment. */
function shell(name: string): Command {
  return command(name, async (args, ctx) => {
    const flags = parseArgs(args.slice(0, Math.max(0, args.indexOf('-c'))));
    const at = args.indexOf('-c');
    const script = at === -1 ? Buffer.from(stdinBytes(ctx), 'latin1').toString('utf8') : (args[at + 1] ?? '');
    if (at !== -1 && args[at + 1] === undefined) return fail(`${name}: -c: option requires an argument`, 2);
    const prefix = flags.flags.has('-e') ? 'set -e\n' : '';
    if (!ctx.exec) return fail(`${name}: cannot start a shell here`, 126);
    return ctx.exec(polyfilled(prefix + script), {
      cwd: ctx.cwd,
      env: ctx.exportedEnv ?? {},
      replaceEnv: true,
      ...(at === -1 ? {} : { stdin: stdinBytes(ctx), stdinKind: 'bytes' as const }),
      signal: ctx.signal,
    });
  });
}

/** `sudo -n [-u USER] [-g GROUP] [--] COMMAND…`: the login user may run anything without a password (EC2's default). */
function sudo(env: CommandEnv): Command {
  return command('sudo', async (args, ctx) => {
    const parsed = parseArgs(args.slice(0, firstOperand(args, ['-u', '-g'])), ['-u', '-g']);
    const words = args.slice(firstOperand(args, ['-u', '-g']));
    const target = parsed.values.get('-u') ?? 'root';
    if (!isHostUser(target)) return fail(`sudo: unknown user ${target}`);
    if (words.length === 0) return fail('usage: sudo -n [-u user] [--] command', 1);
    return env.host.runIn(target, words, { ctx, env: ctx.exportedEnv ?? {} });
  });
}

/** Index of the first word that is not sudo's own option (after `--`, or the first non-option). */
function firstOperand(args: readonly string[], valued: readonly string[]): number {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') return i + 1;
    if (!arg.startsWith('-')) return i;
    if (valued.includes(arg)) i += 1;
  }
  return args.length;
}

function id(env: CommandEnv): Command {
  return command('id', async (args) => {
    const { uid } = USERS[env.user];
    const parsed = parseArgs(args);
    const name = parsed.flags.has('-n');
    if (parsed.flags.has('-u') || parsed.flags.has('-g')) return ok(`${name ? env.user : uid}\n`);
    return ok(`uid=${uid}(${env.user}) gid=${uid}(${env.user}) groups=${uid}(${env.user})\n`);
  });
}

function resolve(ctx: ResolvedCommandContext, path: string): string {
  return ctx.fs.resolvePath(ctx.cwd, path);
}

function mode(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-7]{3,4}$/.test(text)) throw new Error(`invalid mode '${text}'`);
  return parseInt(text, 8);
}

/** `install -d [-m MODE] DIR…` and `install [-m MODE] [-o USER] [-g GROUP] SRC DEST`. */
function install(env: CommandEnv): Command {
  return command('install', async (args, ctx) => {
    const parsed = parseArgs(args, ['-m', '-o', '-g']);
    const user = parsed.values.get('-o') ?? env.user;
    const owner = { user, group: parsed.values.get('-g') ?? user };
    if ((owner.user !== env.user || owner.group !== env.user) && env.user !== 'root') return fail(`install: cannot change ownership: Operation not permitted`);
    if (parsed.flags.has('-d')) {
      for (const dir of parsed.operands.map((p) => resolve(ctx, p))) {
        await ctx.fs.mkdir(dir, { recursive: true });
        await ctx.fs.chmod(dir, mode(parsed.values.get('-m'), 0o755));
        env.host.owners.set(dir, owner);
      }
      return ok();
    }
    const [from, to] = parsed.operands.map((p) => resolve(ctx, p));
    if (!from || !to || parsed.operands.length !== 2) return fail('install: expected SOURCE and DEST');
    if (!(await ctx.fs.exists(from))) return fail(`install: cannot stat '${parsed.operands[0]}': No such file or directory`);
    let dest = to;
    if ((await ctx.fs.exists(to)) && (await ctx.fs.stat(to)).isDirectory) dest = posix.join(to, posix.basename(from));
    await ctx.fs.writeFile(dest, await ctx.fs.readFileBuffer(from));
    await ctx.fs.chmod(dest, mode(parsed.values.get('-m'), 0o755));
    env.host.owners.set(dest, owner);
    return ok();
  });
}

/** `mktemp [-d] [-p DIR] [TEMPLATE]`: the new file (0600) or directory (0700) belongs to the caller. */
function mktemp(env: CommandEnv): Command {
  return command('mktemp', async (args, ctx) => {
    const parsed = parseArgs(args, ['-p']);
    const template = parsed.operands[0] ?? 'tmp.XXXXXXXXXX';
    const x = /X{3,}$/.exec(template)?.[0];
    if (!x) return fail(`mktemp: too few X's in template '${template}'`);
    const letters = randomBytes(x.length).toString('base64url').replace(/[-_]/g, 'a').slice(0, x.length);
    const name = template.slice(0, -x.length) + letters;
    const dir = parsed.values.get('-p') ?? (template.includes('/') ? '' : '/tmp');
    const path = resolve(ctx, dir ? posix.join(dir, name) : name);
    if (parsed.flags.has('-d')) {
      await ctx.fs.mkdir(path, { recursive: true });
      await ctx.fs.chmod(path, 0o700);
    } else {
      await ctx.fs.writeFile(path, '');
      await ctx.fs.chmod(path, 0o600);
    }
    env.host.owners.set(path, { user: env.user, group: env.user });
    return ok(`${path}\n`);
  });
}

/** `chown [-R] USER[:GROUP] [--] PATH…` (root only). */
function chown(env: CommandEnv): Command {
  return command('chown', async (args, ctx) => {
    const parsed = parseArgs(args);
    const [spec = '', ...paths] = parsed.operands;
    const [user = '', group = user] = spec.split(':');
    if (env.user !== 'root') return fail(`chown: changing ownership of '${paths[0] ?? ''}': Operation not permitted`);
    for (const path of paths.map((p) => resolve(ctx, p))) {
      if (!(await ctx.fs.exists(path))) return fail(`chown: cannot access '${path}': No such file or directory`);
      const all = parsed.flags.has('-R') ? ctx.fs.getAllPaths().filter((p) => p === path || p.startsWith(`${path}/`)) : [path];
      for (const each of all) env.host.owners.set(each, { user, group });
    }
    return ok();
  });
}

/** `stat -c FORMAT FILE…` with owners (%a %U %G %s %n); other forms go to just-bash's stat. */
function stat(env: CommandEnv): Command {
  return command('stat', async (args, ctx) => {
    const parsed = parseArgs(args, ['-c']);
    const format = parsed.values.get('-c') ?? parsed.values.get('--format');
    if (format === undefined) return ctx.origCommand ? ctx.origCommand(args) : fail('stat: missing -c FORMAT');
    let out = '';
    for (const operand of parsed.operands) {
      const path = resolve(ctx, operand);
      if (!(await ctx.fs.exists(path))) return fail(`stat: cannot statx '${operand}': No such file or directory`, 1, out);
      const info = await ctx.fs.stat(path);
      const owner = env.host.owners.get(path);
      const fields: Record<string, string> = { a: (info.mode & 0o7777).toString(8), U: owner.user, G: owner.group, s: String(info.size), n: operand, '%': '%' };
      out += `${format.replace(/%(.)/g, (all, key: string) => fields[key] ?? all)}\n`;
    }
    return ok(out);
  });
}

/** `mv [-f] [-T] [--] FROM TO`: `-T` (never into a directory) is checked here, the owner moves with the file. */
function mv(env: CommandEnv): Command {
  return command('mv', async (args, ctx) => {
    const parsed = parseArgs(args);
    const [from, to] = parsed.operands;
    if (parsed.operands.length !== 2 || !from || !to) return ctx.origCommand ? ctx.origCommand(args) : fail('mv: expected two operands');
    const target = resolve(ctx, to);
    const intoDir = (await ctx.fs.exists(target)) && (await ctx.fs.stat(target)).isDirectory;
    if (parsed.flags.has('-T') && intoDir) return fail(`mv: cannot overwrite directory '${to}' with non-directory`);
    const result = ctx.origCommand ? await ctx.origCommand(['-f', '--', from, to]) : fail('mv: unavailable');
    if (result.exitCode === 0) env.host.owners.move(resolve(ctx, from), intoDir ? posix.join(target, posix.basename(from)) : target);
    return result;
  });
}

/** `mkdir [-p] [-m MODE] [--] DIR…`: just-bash's mkdir has no -m; the mode is set after. */
const mkdir = command('mkdir', async (args, ctx) => {
  const parsed = parseArgs(args, ['-m', '--mode']);
  const wanted = parsed.values.get('-m') ?? parsed.values.get('--mode');
  const result = ctx.origCommand ? await ctx.origCommand([...(parsed.flags.has('-p') || parsed.flags.has('--parents') ? ['-p'] : []), '--', ...parsed.operands]) : fail('mkdir: unavailable');
  if (result.exitCode !== 0 || wanted === undefined) return result;
  for (const dir of parsed.operands) await ctx.fs.chmod(resolve(ctx, dir), mode(wanted, 0o755));
  return result;
});

/** just-bash's head refuses `--` (end of options); everything else is its own. */
const head = command('head', async (args, ctx) => {
  const at = args.indexOf('--');
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  return ctx.origCommand ? ctx.origCommand(rest) : fail('head: unavailable');
});

/** tar: the simulated filesystem keeps no owners in archives, so the owner options have nothing to change. */
const tar = command('tar', async (args, ctx) => {
  const rest = args.filter((arg) => arg !== '--no-same-owner' && arg !== '--same-owner');
  return ctx.origCommand ? ctx.origCommand(rest) : fail('tar: unavailable');
});

/** Signals have nothing to reach in the simulation: a command stops when its SSH channel closes. */
const trap = command('trap', async () => ok());
const kill = command('kill', async (args) => (args.length > 0 ? ok() : fail('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid', 2)));

function hostname(env: CommandEnv): Command {
  return command('hostname', async () => ok(`${env.host.hostname}\n`));
}

const uname = command('uname', async (args) => {
  const all = args.includes('-a');
  return ok(all ? 'Linux simulated 6.8.0-1021-aws #23-Ubuntu SMP x86_64 GNU/Linux\n' : 'Linux\n');
});

export function coreCommands(env: CommandEnv): Command[] {
  return [shell('bash'), shell('sh'), sudo(env), id(env), command('whoami', async () => ok(`${env.user}\n`)), install(env), mktemp(env), chown(env), stat(env), mv(env), mkdir, head, tar, trap, kill, hostname(env), uname];
}

export function homeOf(user: HostUser): string {
  return USERS[user].home;
}

export type { ExecResult };
