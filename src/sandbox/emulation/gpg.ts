import { GITLAB_KEY_FINGERPRINT } from '../../tasks/hosts/gitlab/repository.js';
import { fail, ok, parseArgs, resolvePath, type Call, type Outcome } from './host.js';

/**
 * The sandbox's package mirror's signing keys, and a gpg (gnupg 2.4 in noble) that reads them, for a host
 * without the real gpg. A key here is a stand-in
 * armoured block whose `Fingerprint:` header says which key it plays (a block may hold several keys, as a
 * real armoured keyring does). Like gpg 2.2 (gpg(1)):
 * - `--show-keys [--with-colons] FILE` lists the file's keys (`pub` then `fpr` records);
 * - `--import FILE` adds its keys to the keyring of GNUPGHOME (or --homedir), which must exist;
 * - `--export [--armor] FINGERPRINT…` writes those keys of the keyring (nothing for an unknown one; the
 *   simulation writes armour only, so --armor is required);
 * anything else is refused. A file without a key block is "no valid OpenPGP data".
 */

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const END = '-----END PGP PUBLIC KEY BLOCK-----';

function keyBlock(fingerprints: readonly string[], comment: string): string {
  return [BEGIN, `Comment: ${comment}`, ...fingerprints.map((fpr) => `Fingerprint: ${fpr}`), '', 'c2ltdWxhdGVkIGtleQ==', END, ''].join('\n');
}

/** What https://packages.gitlab.com/gpg.key answers in the simulation. */
export function simulatedGitlabKey(): string {
  return keyBlock([GITLAB_KEY_FINGERPRINT], 'a stand-in for GitLab B.V. (package repository signing key), served by the aws-runbook sandbox');
}

function fingerprintsIn(text: string): string[] {
  return text.includes(BEGIN) ? [...text.matchAll(/^Fingerprint: ([0-9A-F]{40})$/gm)].map((m) => m[1] as string) : [];
}

async function readKeyFile(call: Call, file: string): Promise<string[] | string> {
  const path = resolvePath(call.cwd, file);
  if (!(await call.host.fs.exists(path))) return `gpg: can't open '${file}': No such file or directory`;
  const fingerprints = fingerprintsIn(await call.host.fs.read(path));
  return fingerprints.length > 0 ? fingerprints : 'gpg: no valid OpenPGP data found.';
}

function colons(fingerprints: readonly string[]): string {
  return fingerprints.map((fpr) => `pub:-:4096:1:${fpr.slice(-16)}:1583193600:::-:::scSC::::::23::0:\nfpr:::::::::${fpr}:\n`).join('');
}

export async function gpg(call: Call): Promise<Outcome> {
  const { fs } = call.host;
  const parsed = parseArgs(call.args, ['--homedir', '--keyring']);
  const home = parsed.values.get('--homedir') ?? call.env['GNUPGHOME'] ?? `${call.env['HOME'] ?? '/root'}/.gnupg`;
  const keyring = `${home}/pubring.emulated`;
  const stored = async () => ((await fs.exists(keyring)) ? fingerprintsIn(await fs.read(keyring)) : []);

  if (parsed.flags.has('--show-keys')) {
    const [file] = parsed.operands;
    if (!file) return fail('gpg: no key file given', 2);
    const keys = await readKeyFile(call, file);
    if (typeof keys === 'string') return fail(keys, 2);
    if (!parsed.flags.has('--with-colons')) return ok(keys.map((fpr) => `pub   rsa4096 2020-03-02 [SC]\n      ${fpr}\n`).join(''));
    return ok(colons(keys));
  }
  if (parsed.flags.has('--import')) {
    const [file] = parsed.operands;
    if (!file) return fail('gpg: no key file given', 2);
    if (!(await fs.isDirectory(home))) return fail(`gpg: keyblock resource '${keyring}': No such file or directory`, 2);
    const keys = await readKeyFile(call, file);
    if (typeof keys === 'string') return fail(keys, 2);
    const all = [...new Set([...(await stored()), ...keys])];
    await fs.write(keyring, keyBlock(all, 'the emulated gpg keyring'));
    return ok('', parsed.flags.has('--quiet') ? '' : `gpg: Total number processed: ${keys.length}\n`);
  }
  if (parsed.flags.has('--export')) {
    if (!parsed.flags.has('--armor') && !parsed.flags.has('-a')) return fail('gpg: the emulated gpg exports armoured keys only (--armor)', 2);
    const wanted = parsed.operands.map((fpr) => fpr.toUpperCase());
    const have = await stored();
    const keys = wanted.length === 0 ? have : have.filter((fpr) => wanted.includes(fpr));
    if (keys.length === 0) return ok('', 'gpg: WARNING: nothing exported\n');
    return ok(keys.map((fpr) => keyBlock([fpr], 'exported by the emulated gpg')).join(''));
  }
  return fail('gpg: the emulated gpg shows, imports and exports keys only (--show-keys, --import, --export)', 2);
}
