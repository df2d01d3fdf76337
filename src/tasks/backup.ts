import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { associationStep } from './backup/association-step.js';
import { clientToolsStep } from './backup/client-tools-step.js';
import { dbUserStep } from './backup/db-user-step.js';
import { iamRoleStep } from './backup/iam-role-step.js';
import { instanceProfileStep } from './backup/instance-profile-step.js';
import { timerStep } from './backup/timer-step.js';

export { BACKUP_PREFIX, BACKUP_STEP_IDS, backupObjectKey, backupRoleName, isDatabaseName } from './backup/names.js';

/**
 * The backup section (docs/design.md#backup; seed Partie 1 §4 "Sauvegarde", corrected):
 *
 * | step id                    | needs                                          | outputs                             |
 * | -------------------------- | ---------------------------------------------- | ----------------------------------- |
 * | backup.iam-role            | storage.bucket                                 | roleName, roleArn                   |
 * | backup.instance-profile    | backup.iam-role                                | profileName, profileArn             |
 * | backup.profile-association | backup.instance-profile, compute.ecommerce     | associationId, instanceId, profileArn |
 * | backup.client-tools        | hosts.login.ecommerce                          | mariadbDump, curl                   |
 * | backup.db-user             | backup.client-tools, database.instance         | dbUser, optionFile                  |
 * | backup.timer               | tools, db-user, association, storage.bucket    | timerUnit, schedule, destination    |
 *
 * The on-demand dump (`aws-runbook backup`) is `runOnDemandBackup` in ./backup/on-demand.ts (imported
 * by that command only: it loads @aws-sdk/lib-storage); it dumps as backup.db-user's account, so it needs
 * this section's db-user step besides storage, compute and hosts. `aws-runbook restore` is
 * ./backup/restore.ts: each app's database back from a dump, as that app's own user.
 */
export function backupSteps(config: Config): Step[] {
  return [iamRoleStep(config), instanceProfileStep(config), associationStep(config), clientToolsStep(config), dbUserStep(config), timerStep(config)];
}
