import type { Config } from '../../config/schema.js';
import type { Check, CheckGroup } from './types.js';

/**
 * The checklist (DESIGN.md §7), as data: every check of every group, in checklist order. Each group
 * file exports `<group>Checks(config)`; add its line here.
 */
export function allChecks(config: Config): Check[] {
  const groups: Check[][] = [];
  void config;
  return groups.flat();
}

/** The checks of some groups (all when `groups` is empty or undefined), or of some ids. */
export function selectChecks(config: Config, select: { groups?: readonly CheckGroup[]; ids?: readonly string[] } = {}): Check[] {
  return allChecks(config).filter(
    (check) => (!select.groups || select.groups.length === 0 || select.groups.includes(check.group)) && (!select.ids || select.ids.includes(check.id)),
  );
}
