/* global process, URL */
// Entry point of the emulated commands on a lab host: the /usr/bin stubs lab-host.mjs writes run
// `node host.mjs COMMAND ARGS…`; the command is the emulation's (src/sandbox/emulation, built: the same code
// the sandbox runs), on this host (lab-host.mjs). Each call is recorded in /var/lib/lab/calls.jsonl with
// who ran it, where, its exit code and the emulation module that answered. `--preinstall [PKG…]`: the
// image's packages (and PKG…) and the base commands, as a fresh host has them (not a call, not recorded).
import { appendFileSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { labHost } from './lab-host.mjs';

const COMMANDS = new URL('../emulation/commands.js', import.meta.url);
const [name = '', ...args] = process.argv.slice(2);
const host = await labHost();

if (name === '--preinstall') {
  const { BASE_COMMANDS, preinstall } = await import('../emulation/packages.js');
  await host.provide(BASE_COMMANDS);
  await preinstall(host, args);
  process.exit(0);
}

const { runEmulated } = await import(COMMANDS.href);
const call = {
  host,
  name,
  args,
  user: process.getuid() === 0 ? 'root' : 'ubuntu',
  cwd: process.cwd(),
  env: { ...process.env },
  stdin: async () => (process.stdin.isTTY ? '' : readFileSync(0, 'utf8')),
};
const outcome = await runEmulated(call);
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
const masked = args.map((arg) => (arg.startsWith('--password=') ? '--password=***' : arg));
const line = { argv: [name, ...masked], cwd: call.cwd, user: userInfo().username, sudoUser: process.env.SUDO_USER, time: new Date().toISOString(), exit: outcome.exitCode, emulation: COMMANDS.pathname };
appendFileSync('/var/lib/lab/calls.jsonl', `${JSON.stringify(line)}\n`);
process.exit(outcome.exitCode);
