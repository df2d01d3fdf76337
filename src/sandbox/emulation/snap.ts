import { fail, ok, parseArgs, readJson, type Call, type Outcome } from './host.js';
import { SNAPS } from './noble-packages.js';

/**
 * snapd's `snap install NAME… [--classic]` and `snap list`, with snap's own words: a name the Store does not
 * have is `error: snap "NAME" not found`, a classic snap without --classic is refused with snapd's warning,
 * installing needs root. Installed snaps are kept in /var/lib/snapd/emulated-snaps.json. The emulation
 * records the install but runs none of a snap's programs (no snap's commands are provided).
 */

const STATE = '/var/lib/snapd/emulated-snaps.json';

const CLASSIC = (name: string) =>
  `error: This revision of snap "${name}" was published using classic confinement and thus may perform\n       arbitrary system changes outside of the security sandbox that snaps are usually confined to,\n       which may put your system at risk.\n\n       If you understand and want to proceed repeat the command including --classic.`;

export async function snap(call: Call): Promise<Outcome> {
  const { fs } = call.host;
  const parsed = parseArgs(call.args, ['--channel']);
  const [action = '', ...names] = parsed.operands;
  const installed = await readJson<string[]>(fs, STATE, []);
  if (action === 'list') {
    const listed = installed.filter((name) => names.length === 0 || names.includes(name));
    if (names.length > 0 && listed.length === 0) return fail(`error: no matching snaps installed`);
    return ok(`Name  Version  Rev  Tracking  Publisher  Notes\n${listed.map((name) => `${name}  -  -  latest/stable  -  ${SNAPS[name]?.classic ? 'classic' : '-'}\n`).join('')}`);
  }
  if (action !== 'install') return fail(`error: the emulated snap knows install and list, not "${action}"`);
  if (names.length === 0) return fail('error: the required argument `<snap> (at least 1 argument)` was not provided');
  if (call.user !== 'root') return fail('error: access denied (try with sudo)');
  for (const name of names) {
    const known = SNAPS[name];
    if (!known) return fail(`error: snap "${name}" not found`);
    if (known.classic && !parsed.flags.has('--classic')) return fail(CLASSIC(name));
  }
  let stdout = '';
  for (const name of names) {
    if (installed.includes(name)) stdout += `snap "${name}" is already installed, see 'snap help refresh'\n`;
    else stdout += `${name} installed\n`;
  }
  await fs.write(STATE, JSON.stringify([...new Set([...installed, ...names])]));
  return ok(stdout);
}
