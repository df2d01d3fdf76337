/**
 * GitLab's package repository, set up the way GitLab documents it for a manual setup
 * (docs.gitlab.com/omnibus/update/package_signatures: the key from https://packages.gitlab.com/gpg.key in
 * /etc/apt/keyrings, a `deb [signed-by=…]` source), instead of the install script GitLab also offers
 * (`curl …/script.deb.sh | sudo bash`: a remote script run as root, unread). Only the key with the
 * fingerprint GitLab publishes is installed for apt to trust, never the rest of the downloaded file.
 */

export const GITLAB_KEY_URL = 'https://packages.gitlab.com/gpg.key';
/** "GitLab B.V. (package repository signing key)", as published on docs.gitlab.com. */
export const GITLAB_KEY_FINGERPRINT = 'F6403F6544A38863DAA0B6E03F01618A51312F3F';
/** ASCII-armoured, as downloaded: apt reads `.asc` keyrings as they are (no `gpg --dearmor`). */
export const GITLAB_KEYRING = '/etc/apt/keyrings/gitlab-keyring.asc';
export const GITLAB_SOURCE_FILE = '/etc/apt/sources.list.d/gitlab_gitlab-ce.list';

/** Distributions GitLab CE is packaged for, as /etc/os-release names them (the AMI is Ubuntu). */
export const GITLAB_DISTRIBUTIONS = ['ubuntu', 'debian'] as const;

export interface OsRelease {
  /** /etc/os-release ID, e.g. ubuntu. */
  id: string;
  /** VERSION_CODENAME, e.g. noble. */
  codename: string;
}

/** Why GitLab's repository cannot serve this system, or undefined when it can. */
export function unsupportedOs(os: OsRelease): string | undefined {
  if (!(GITLAB_DISTRIBUTIONS as readonly string[]).includes(os.id)) {
    return `GitLab CE is packaged for ${GITLAB_DISTRIBUTIONS.join(' and ')}, and this host runs "${os.id || 'an unknown system'}"`;
  }
  if (!/^[a-z]+$/.test(os.codename)) return `the host's /etc/os-release has no usable VERSION_CODENAME ("${os.codename}")`;
  return undefined;
}

export function gitlabSourceList(os: OsRelease): string {
  const problem = unsupportedOs(os);
  if (problem) throw new TypeError(problem);
  return [
    '# GitLab CE packages, written by aws-runbook (the key is checked against GitLab B.V.\'s published fingerprint).',
    `deb [signed-by=${GITLAB_KEYRING}] https://packages.gitlab.com/gitlab/gitlab-ce/${os.id}/ ${os.codename} main`,
    '',
  ].join('\n');
}

/** Primary-key fingerprints of a key file: gpg's `fpr` record right after a `pub` one (a `sub`'s is a subkey's). */
const primaryFingerprints = (file: string) =>
  `GNUPGHOME="$home" gpg --batch --show-keys --with-colons ${file} 2>/dev/null | awk -F: '$1 == "pub" { want = 1; next } want == 1 && $1 == "fpr" { print $10 } { want = 0 }'`;

/**
 * Run as root: download the key file over HTTPS into a temp file, refuse it unless one of its keys has
 * GitLab's fingerprint as its primary key's, then install THAT key alone, world-readable: the file is
 * imported into a throwaway keyring (GNUPGHOME, so root's own stays untouched) and only the key with
 * GitLab's fingerprint is exported from it. Any other key in the file (apt would trust every key of a
 * `signed-by` keyring) is left out, and the exported file is checked to hold GitLab's key and no other.
 */
export function keyInstallScript(): string {
  return [
    'set -eu',
    'tmp=$(mktemp); key=$(mktemp); home=$(mktemp -d)',
    'trap \'rm -rf "$tmp" "$key" "$home"\' EXIT',
    `curl -fsSL --proto '=https' --tlsv1.2 --max-time 60 -o "$tmp" ${GITLAB_KEY_URL}`,
    `fprs=$(${primaryFingerprints('"$tmp"')})`,
    `if ! printf '%s\\n' "$fprs" | grep -qx ${GITLAB_KEY_FINGERPRINT}; then`,
    `  echo "refusing the key from ${GITLAB_KEY_URL}: its fingerprints ($(echo $fprs)) do not include GitLab's ${GITLAB_KEY_FINGERPRINT}" >&2`,
    '  exit 3',
    'fi',
    'GNUPGHOME="$home" gpg --batch --quiet --import "$tmp"',
    `GNUPGHOME="$home" gpg --batch --armor --export ${GITLAB_KEY_FINGERPRINT} > "$key"`,
    `if [ "$(${primaryFingerprints('"$key"')})" != ${GITLAB_KEY_FINGERPRINT} ]; then`,
    `  echo "refusing the key from ${GITLAB_KEY_URL}: GitLab's key ${GITLAB_KEY_FINGERPRINT} could not be taken out of it alone" >&2`,
    '  exit 3',
    'fi',
    'install -d -m 0755 /etc/apt/keyrings',
    `install -m 0644 "$key" ${GITLAB_KEYRING}`,
  ].join('\n');
}
