import type { InstanceKey } from './names.js';

/** Where the seed runbook slipped in its compute commands, and what the tool does instead (shown in previews). */

export const AMI_NOTES = [
  'The runbook hard-codes three AMI ids (ami-004cab0cd49679909 and ami-0ecbf87a86cfa9a8f for the two web servers, ami-06e3c045d79fd65d9 for GitLab and Monitoring): ' +
    'AMI ids differ per region and go stale; the tool looks up the newest Ubuntu 24.04 LTS amd64 image published by Canonical instead.',
];

export function keyPairNotes(keyName: string, publicKeyPath: string): string[] {
  return [
    `The runbook connects with "${keyName}.pem", a key pair made in the console whose private key was downloaded; here your own public key (${publicKeyPath}) is imported, so no private key is made or sent anywhere.`,
    'The runbook launches GitLab and Monitoring without any --key-name (no SSH access to them at all); here every instance gets this key pair.',
  ];
}

const HARDENED =
  'IMDSv2 is required (HttpTokens=required) and the root volume is gp3, encrypted; the runbook leaves IMDSv1 open and the volume unencrypted.';

const BY_INSTANCE: Record<InstanceKey, string[]> = {
  ecommerce: [
    'The runbook launches the Ecommerce and WordPress servers from two different hard-coded AMIs, into a hard-coded subnet, with no Name tag and no security group (so the VPC default group); here both run the looked-up image with the web group and a Name tag.',
  ],
  wordpress: [
    'The runbook launches the Ecommerce and WordPress servers from two different hard-coded AMIs, with no Name tag and no security group; its WordPress command also ends with a dangling backslash. Here: the looked-up image, the web group, a Name tag.',
  ],
  gitlab: [
    'The runbook launches GitLab without --key-name and without a security group; here it gets the key pair and the Cyber group, and serves as the SSH bastion for the private hosts.',
  ],
  monitoring: [
    'The runbook launches Monitoring without --key-name and without a security group; here it gets the key pair and the Cyber group. Private subnet: no public address, reached through the GitLab bastion.',
  ],
  ia: [
    'The runbook never launches the IA workstation; the tool adds it (IA private subnet, IA group). No public address: reached through the GitLab bastion over the Cyber↔IA peering.',
  ],
};

export function instanceNotes(key: InstanceKey): string[] {
  return [...BY_INSTANCE[key], HARDENED];
}
