/**
 * What Ubuntu 24.04 "noble" offers for everything the runbook installs, and what it refuses.
 *
 * Source: packages.ubuntu.com/noble/<name> (amd64), looked up 2026-12-07. Versions are noble's release
 * pocket (noble-updates and noble-security carry newer builds of the same packages). `gitlab-ce` is not in
 * Ubuntu's archive: it comes from GitLab's own repository (packages.gitlab.com/gitlab/gitlab-ce/ubuntu
 * noble), usable only once its source and key are on the host. The snaps are the Snap Store's
 * (snapcraft.io/<name>), which a noble server image reaches through snapd (preinstalled).
 */

export interface NoblePackage {
  version: string;
  section: 'main' | 'universe' | 'gitlab';
}

export const NOBLE_PACKAGES: Readonly<Record<string, NoblePackage>> = {
  'ca-certificates': { version: '20240203', section: 'main' },
  cron: { version: '3.0pl1-184ubuntu2', section: 'main' },
  curl: { version: '8.5.0-2ubuntu10', section: 'main' },
  'docker.io': { version: '24.0.7-0ubuntu4', section: 'universe' },
  'docker-compose-v2': { version: '2.24.6+ds1-0ubuntu2', section: 'universe' },
  gnupg: { version: '2.4.4-2ubuntu17', section: 'main' },
  'iputils-ping': { version: '3:20240117-1build1', section: 'main' },
  'mariadb-client': { version: '1:10.11.7-2ubuntu2', section: 'universe' },
  'openssh-server': { version: '1:9.6p1-3ubuntu13', section: 'main' },
  snapd: { version: '2.62+24.04build1', section: 'main' },
  'gitlab-ce': { version: '17.6.1-ce.0', section: 'gitlab' },
};

/**
 * Names noble's archive does not offer but other packages refer to (apt knows the name, has no candidate).
 * awscli: in jammy and from questing on, not in noble (AWS ships its CLI as the `aws-cli` snap there).
 */
export const NOBLE_REFERRED_ONLY: readonly string[] = ['awscli'];

/** Snaps by name, and whether they need `--classic` (they were published with classic confinement). */
export const SNAPS: Readonly<Record<string, { classic: boolean }>> = {
  'aws-cli': { classic: true },
  docker: { classic: false },
  core24: { classic: false },
};
