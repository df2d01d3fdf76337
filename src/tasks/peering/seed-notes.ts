import type { VpcKey } from '../../config/schema.js';

/** Where the seed runbook (Partie 2 §2) slipped for the peerings; shown in the previews. */

export const CONNECTION_NOTES: readonly string[] = [
  'The runbook requests the peering with $CYBER_ID, $MVP_ID and $IA_ID, shell variables it never sets; the tool passes the real VPC ids.',
  'The runbook accepts right away but never checks that the peering became active; the tool waits until its status is active (failed, rejected or expired stop the step).',
  'No hourly charge: a VPC peering costs nothing by itself; only the data crossing it is billed (inter-AZ data transfer, about $0.01/GB each way).',
];

const EVERY_TABLE = 'The tool routes the peer CIDR in every route table on both sides, and nothing between MVP and IA (peering is not transitive).';

/** The seed's version of the route from `from`'s tables to `to`. */
export function routeNotes(from: VpcKey, to: VpcKey): string[] {
  const pair = [from, to].sort().join('-');
  if (pair === 'cyber-ia') {
    return ['The runbook never adds a Cyber↔IA route, so its Cyber↔IA peering carries no traffic.', EVERY_TABLE];
  }
  const variable = from === 'cyber' ? '$RT_CYBER_ID' : '$RT_MVP_ID';
  return [`The runbook adds this route to a single table, ${variable}, a variable it never sets.`, EVERY_TABLE];
}
