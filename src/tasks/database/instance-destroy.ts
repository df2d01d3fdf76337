import { DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { StepContext, StepPreview } from '../../engine/types.js';
import { mutate } from '../mutation.js';
import { waitUntilGone } from './instance-wait.js';
import { finalSnapshotIdentifier } from './names.js';
import { describeInstance } from './rds-describe.js';
import { inventoryOf } from '../inventory/of-context.js';

/**
 * Whether `down` keeps a final snapshot of the database (`aws-runbook down --final-snapshot`). Set
 * once before the teardown; the snapshot's name is fixed at that moment so the preview and the
 * delete call agree.
 */
let finalSnapshotAt: Date | undefined;

export function setDatabaseFinalSnapshot(enabled: boolean, now: Date = new Date()): void {
  finalSnapshotAt = enabled ? now : undefined;
}

export function databaseFinalSnapshot(identifier: string): string | undefined {
  return finalSnapshotAt ? finalSnapshotIdentifier(identifier, finalSnapshotAt) : undefined;
}

/** DeleteDBInstance (once: a lost answer is looked for, an instance already deleting is fine), then wait until it is gone. */
export async function destroyInstance(ctx: StepContext, identifier: string): Promise<void> {
  const instance = await inventoryOf(ctx).database.instance(identifier);
  if (!instance) {
    ctx.progress('DeleteDBInstance: already gone');
    return;
  }
  if (instance.DBInstanceStatus !== 'deleting') {
    if (instance.DeletionProtection) {
      throw new RunbookConflictError(
        `DB instance ${identifier} has deletion protection on (turned on outside aws-runbook)`,
        `If it really is to be deleted: aws rds modify-db-instance --db-instance-identifier ${identifier} --no-deletion-protection --apply-immediately, then rerun \`aws-runbook down\`.`,
      );
    }
    const snapshot = databaseFinalSnapshot(identifier);
    const deletingOrGone = async () => {
      const now = await describeInstance(ctx.aws.rds, identifier, ctx.signal);
      return now === undefined || now.DBInstanceStatus === 'deleting' ? true : undefined;
    };
    await mutate(
      ctx,
      'DeleteDBInstance',
      async (abortSignal) => {
        try {
          const command = new DeleteDBInstanceCommand({
            DBInstanceIdentifier: identifier,
            ...(snapshot ? { FinalDBSnapshotIdentifier: snapshot } : { SkipFinalSnapshot: true }),
            DeleteAutomatedBackups: false,
          });
          await ctx.aws.rdsOnce.send(command, { abortSignal });
          return true;
        } catch (error) {
          if (isAwsErrorCode(error, 'DBInstanceNotFound')) return true;
          if (isAwsErrorCode(error, 'InvalidDBInstanceState') && (await deletingOrGone())) return true;
          throw error;
        }
      },
      { refind: deletingOrGone },
    );
    if (snapshot) ctx.progress(`final snapshot ${snapshot} requested`);
  }
  await waitUntilGone(ctx, identifier);
}

export function destroyInstancePreview(identifier: string): StepPreview {
  const snapshot = databaseFinalSnapshot(identifier);
  return {
    summary: `Delete DB instance ${identifier}${snapshot ? ` after a final snapshot ${snapshot}` : ' without a final snapshot'}`,
    cli: [
      `aws rds delete-db-instance --db-instance-identifier ${identifier} ${snapshot ? `--final-db-snapshot-identifier ${snapshot}` : '--skip-final-snapshot'} --no-delete-automated-backups`,
      `aws rds wait db-instance-deleted --db-instance-identifier ${identifier}`,
    ],
    notes: [
      snapshot
        ? `The final snapshot ${snapshot} stays after the teardown and is billed as snapshot storage until you delete it (aws rds delete-db-snapshot --db-snapshot-identifier ${snapshot}).`
        : 'No final snapshot: the data goes with the instance (`aws-runbook down --final-snapshot` keeps one).',
      'Automated backups are kept until their retention period ends (aws rds describe-db-instance-automated-backups lists them); they are billed as backup storage meanwhile.',
      'Deleting a Multi-AZ instance takes several minutes; the DB subnet group is deleted after it.',
    ],
  };
}
