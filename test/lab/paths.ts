/**
 * Where every lab run keeps its files. Not under /tmp: sshd refuses key paths in a world-writable
 * directory, and each lab host has a private /tmp of its own.
 */
export const LAB_BASE_DIR = '/var/lib/aws-runbook-lab';
