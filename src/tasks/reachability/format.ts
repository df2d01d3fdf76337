import type { PingCell, PingMatrix, PingVerdict } from './model.js';

/** "ok", "blocked by SG-Cyber-BFHK (ICMP only from 10.3.0.0/16)", "no route (RouteIAPriv-BFHK has no route to 10.1.0.0/16)" */
export function verdictText(verdict: PingVerdict): string {
  switch (verdict.kind) {
    case 'ok':
      return 'ok';
    case 'blocked-by-sg':
      return `blocked by ${verdict.securityGroups.join(', ')} (${verdict.reason})`;
    case 'no-route':
      return `no route${verdict.direction === 'back' ? ' back' : ''} (${verdict.reason})`;
  }
}

export interface VpcPairVerdict {
  fromVpc: string;
  toVpc: string;
  /** The verdict all host pairs of these two VPCs share, or 'mixed'. */
  kind: PingVerdict['kind'] | 'mixed';
  cells: PingCell[];
}

/** The matrix by ordered VPC pair, in the order the pairs first appear. */
export function vpcPairVerdicts(matrix: PingMatrix): VpcPairVerdict[] {
  const groups = new Map<string, PingCell[]>();
  for (const cell of matrix.cells) {
    const key = `${cell.fromVpc}\0${cell.toVpc}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map((cells) => {
    const first = cells[0] as PingCell;
    const kinds = new Set(cells.map((c) => c.verdict.kind));
    return { fromVpc: first.fromVpc, toVpc: first.toVpc, kind: kinds.size === 1 ? first.verdict.kind : 'mixed', cells };
  });
}

/**
 * Lines for previews and `plan`: one per VPC pair when all its host pairs agree ("cyber → ia  ok"),
 * otherwise one per host pair ("monitoring (cyber) → ecommerce (mvp)  no route (...)").
 */
export function formatPingMatrix(matrix: PingMatrix): string[] {
  return vpcPairVerdicts(matrix).flatMap(({ fromVpc, toVpc, cells }) => {
    const texts = new Set(cells.map((c) => verdictText(c.verdict)));
    if (texts.size === 1) return [`${fromVpc} → ${toVpc}  ${[...texts][0] ?? ''}`];
    return cells.map((c) => `${c.from} (${c.fromVpc}) → ${c.to} (${c.toVpc})  ${verdictText(c.verdict)}`);
  });
}
