import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { instanceStep } from './database/instance-step.js';
import { subnetGroupStep } from './database/subnet-group-step.js';

export { databaseFinalSnapshot, setDatabaseFinalSnapshot } from './database/instance-destroy.js';
export { setDatabaseWait, type DatabaseWaitSettings } from './database/instance-wait.js';
export { databaseNames, DATABASE_STEP_IDS, RDS_SECURITY_GROUP_STEP } from './database/names.js';

/**
 * The database section (seed Partie 1 §2, corrected):
 *
 * | step id                | needs                                                        | outputs |
 * | ---------------------- | ------------------------------------------------------------ | ------- |
 * | database.subnet-group  | network.mvp.subnet-private-1, -2                             | dbSubnetGroupName |
 * | database.instance      | database.subnet-group, security.rds (output `groupId`)       | dbInstanceIdentifier, endpointAddress, endpointPort, masterUserSecretArn |
 *
 * Names (s = lower-case suffix): subnet group `rds-private-s`, instance `database-1-s`.
 * `down` deletes the instance (waiting until it is gone), then the group; `setDatabaseFinalSnapshot(true)`
 * before it keeps a final snapshot.
 */
export function databaseSteps(config: Config): Step[] {
  return [subnetGroupStep(config), instanceStep(config)];
}
