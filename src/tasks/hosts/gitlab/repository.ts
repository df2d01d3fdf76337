/**
 * GitLab's package repository, set up the way GitLab documents it for a manual setup
 * (docs.gitlab.com/omnibus/update/package_signatures: the key from https://packages.gitlab.com/gpg.key in
 * /etc/apt/keyrings, a `deb [signed-by=…]` source), instead of the install script GitLab also offers
 * (`curl …/script.deb.sh | sudo bash`: a remote script run as root, unread). The key is checked against
 * the fingerprint GitLab publishes before apt is told to trust it.
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

/**
 * Run as root: download the key over HTTPS into a temp file, refuse it unless it carries GitLab's
 * fingerprint, then install it world-readable. A throwaway GNUPGHOME keeps root's own keyring untouched.
 */
export function keyInstallScript(): string {
  return [
    'set -eu',
    'tmp=$(mktemp); home=$(mktemp -d)',
    'trap \'rm -rf "$tmp" "$home"\' EXIT',
    `curl -fsSL --proto '=https' --tlsv1.2 --max-time 60 -o "$tmp" ${GITLAB_KEY_URL}`,
    `fprs=$(GNUPGHOME="$home" gpg --batch --show-keys --with-colons "$tmp" 2>/dev/null | awk -F: '$1 == "fpr" { print $10 }')`,
    `if ! printf '%s\\n' "$fprs" | grep -qx ${GITLAB_KEY_FINGERPRINT}; then`,
    `  echo "refusing the key from ${GITLAB_KEY_URL}: its fingerprints ($(echo $fprs)) do not include GitLab's ${GITLAB_KEY_FINGERPRINT}" >&2`,
    '  exit 3',
    'fi',
    'install -d -m 0755 /etc/apt/keyrings',
    `install -m 0644 "$tmp" ${GITLAB_KEYRING}`,
  ].join('\n');
}
