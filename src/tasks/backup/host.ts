import type { StepContext } from '../../engine/types.js';
import type { SshConnection } from '../../ssh/connect.js';
import { loggedIn } from '../hosts/docker-remote.js';
import { BACKUP_HOST } from './names.js';
import { HintedError } from '../../errors/hinted-error.js';

/**
 * Whether the backup host can be looked at in this run: hosts reachable (not an emulator without a
 * lab) and its first login recorded. When not, the host-side backup steps report "absent": in `down`
 * that means nothing to undo over SSH (terminating the instance takes the timer with it).
 */
export function backupHostReady(ctx: StepContext): boolean {
  return ctx.hosts.reachable && loggedIn(ctx, BACKUP_HOST);
}

export function connectBackupHost(ctx: StepContext): Promise<SshConnection> {
  return ctx.hosts.connect(BACKUP_HOST, ctx.signal);
}

/** Something on the backup host is not as the backup needs it after apply did its part. */
export class BackupHostError extends HintedError {
  override readonly name = 'BackupHostError';
}
