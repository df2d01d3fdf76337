import type { Config } from '../../config/schema.js';
import { appsChecks } from './apps.js';
import { backupsChecks } from './backups.js';
import { connectivityChecks } from './connectivity.js';
import { databaseChecks } from './database.js';
import { hostsChecks } from './hosts.js';
import { networkChecks } from './network.js';
import { securityChecks } from './security.js';
import { shopDatabaseCheck } from './shop-database.js';
import { storageChecks } from './storage.js';
import type { Check, CheckGroup } from './types.js';

/**
 * The checklist (docs/design.md#verification-checklist), as data: every check of every group, in checklist order. Each group
 * file exports `<group>Checks(config)`; add its line here.
 */
export function allChecks(config: Config): Check[] {
  const groups: Check[][] = [
    networkChecks(config),
    securityChecks(config),
    databaseChecks(config),
    storageChecks(config),
    backupsChecks(config),
    hostsChecks(config),
    appsChecks(config),
    [shopDatabaseCheck()],
    connectivityChecks(config),
  ];
  return groups.flat();
}

/** The checks of some groups (all when `groups` is empty or undefined), or of some ids. */
export function selectChecks(config: Config, select: { groups?: readonly CheckGroup[]; ids?: readonly string[] } = {}): Check[] {
  return allChecks(config).filter(
    (check) => (!select.groups || select.groups.length === 0 || select.groups.includes(check.group)) && (!select.ids || select.ids.includes(check.id)),
  );
}
