import type { Command } from 'just-bash';
import { GITLAB_KEY_FINGERPRINT } from '../../../tasks/hosts/gitlab/repository.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';

/**
 * The simulated package mirror's signing keys, and a gpg that reads them. A key here is a stand-in
 * armoured block whose `Fingerprint:` header says which key it plays; `gpg --show-keys --with-colons`
 * prints that fingerprint as gpg prints a real key's. Any other file is "no valid OpenPGP data".
 */

/** What https://packages.gitlab.com/gpg.key answers in the simulation. */
export function simulatedGitlabKey(): string {
  return [
    '-----BEGIN PGP PUBLIC KEY BLOCK-----',
    'Comment: a stand-in for GitLab B.V. (package repository signing key), served by the aws-runbook sandbox',
    `Fingerprint: ${GITLAB_KEY_FINGERPRINT}`,
    '',
    'c2ltdWxhdGVkIGtleQ==',
    '-----END PGP PUBLIC KEY BLOCK-----',
    '',
  ].join('\n');
}

export function gpg(): Command {
  return command('gpg', async (args, ctx) => {
    const parsed = parseArgs(args, ['--homedir', '--keyring']);
    if (!parsed.flags.has('--show-keys')) return fail('gpg: the simulated gpg only shows keys (--show-keys)', 2);
    const [file] = parsed.operands;
    if (!file) return fail('gpg: no key file given', 2);
    const path = ctx.fs.resolvePath(ctx.cwd, file);
    const text = (await ctx.fs.exists(path)) ? await ctx.fs.readFile(path) : undefined;
    if (text === undefined) return fail(`gpg: can't open '${file}': No such file or directory`, 2);
    const fingerprints = text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? [...text.matchAll(/^Fingerprint: ([0-9A-F]{40})$/gm)].map((m) => m[1] as string) : [];
    if (fingerprints.length === 0) return fail('gpg: no valid OpenPGP data found.', 2);
    if (!parsed.flags.has('--with-colons')) return ok(fingerprints.map((fpr) => `pub   rsa4096 2020-03-02 [SC]\n      ${fpr}\n`).join(''));
    return ok(fingerprints.map((fpr) => `pub:-:4096:1:${fpr.slice(-16)}:1583193600:::-:::scSC::::::23::0:\nfpr:::::::::${fpr}:\n`).join(''));
  });
}
