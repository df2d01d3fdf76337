/** Where the seed runbook (Partie 2 §2) slipped for the peerings; shown in the previews. */

export const CONNECTION_NOTES: readonly string[] = [
  'The seed requests the peering with $CYBER_ID, $MVP_ID and $IA_ID, shell variables it never sets; the tool passes the real VPC ids.',
  'The seed accepts right away but never checks that the peering became active; the tool waits until its status is active (failed, rejected or expired stop the step).',
  'No hourly charge: a VPC peering costs nothing by itself; only the data crossing it is billed (inter-AZ data transfer, about $0.01/GB each way).',
];

export function routeNotes(from: string, to: string, first: boolean): string[] {
  const seedShape =
    'The seed adds a peering route to only one table on each side (the hard-coded $RT_CYBER_ID and $RT_MVP_ID, never set) and never routes Cyber↔IA; ' +
    'the tool routes the peer CIDR in every route table on both sides, and nothing between MVP and IA (peering is not transitive).';
  return first ? [seedShape] : [`Route ${from} → ${to}: not in the seed (see the first peering route).`];
}
